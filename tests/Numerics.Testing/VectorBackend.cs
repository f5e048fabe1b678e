using Numerics.Arithmetic;

namespace Numerics.Testing;

/// <summary>
/// A vector storage as a test suite sees it: the arithmetic the solvers run on, plus copies to and
/// from host arrays so that suites can state problems and check answers on the host.
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public abstract class VectorBackend<TVector>
{
    /// <summary>The arithmetic under test.</summary>
    public abstract IVectorArithmetic<TVector> Ops { get; }

    /// <summary>A name for test output ("host", "gpu-cpu", …).</summary>
    public abstract string Name { get; }

    /// <summary>A new vector holding <paramref name="values"/>.</summary>
    public abstract TVector Upload(double[] values);

    /// <summary>The values of <paramref name="x"/> as doubles.</summary>
    public abstract double[] Download(TVector x);

    /// <summary>x ← values (same length).</summary>
    public abstract void CopyFromHost(double[] values, TVector x);
}

/// <summary>Host double arrays.</summary>
public sealed class HostVectorBackend : VectorBackend<double[]>
{
    /// <summary>The shared instance.</summary>
    public static HostVectorBackend Instance { get; } = new();

    /// <inheritdoc />
    public override IVectorArithmetic<double[]> Ops => HostVectorArithmetic.Instance;

    /// <inheritdoc />
    public override string Name => "host";

    /// <inheritdoc />
    public override double[] Upload(double[] values) => (double[])values.Clone();

    /// <inheritdoc />
    public override double[] Download(double[] x) => (double[])x.Clone();

    /// <inheritdoc />
    public override void CopyFromHost(double[] values, double[] x) => values.AsSpan().CopyTo(x);
}
