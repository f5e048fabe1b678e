using System.Numerics;
using Numerics.Arithmetic;
using Numerics.LinearAlgebra;
using Numerics.Testing;

namespace Numerics.Core.Tests.Arithmetic;

/// <summary>Host matrices of T with GEMMs on one linear-algebra backend.</summary>
public sealed class HostMatrixBackend<T>(LinearAlgebraBackend backend) : MatrixBackend<HostMatrix<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    public override IMatrixArithmetic<HostMatrix<T>> Ops { get; } = new HostArithmetic<T>(backend);

    public override double UnitRoundoff => typeof(T) == typeof(double) ? Tolerances.DoubleEpsilon : Tolerances.SingleEpsilon;

    public override HostMatrix<T> Upload(int rows, int cols, double[] values) => new(rows, cols, Array.ConvertAll(values, T.CreateTruncating));

    public override double[] Download(HostMatrix<T> m) => Array.ConvertAll(m.Values, double.CreateTruncating);
}

public sealed class ManagedDoubleArithmeticTests : MatrixArithmeticSuite<HostMatrix<double>>
{
    protected override MatrixBackend<HostMatrix<double>> Backend { get; } = new HostMatrixBackend<double>(LinearAlgebraBackend.Managed);
}

public sealed class ManagedSingleArithmeticTests : MatrixArithmeticSuite<HostMatrix<float>>
{
    protected override MatrixBackend<HostMatrix<float>> Backend { get; } = new HostMatrixBackend<float>(LinearAlgebraBackend.Managed);
}

/// <summary>The native backend when one loads; otherwise the managed one again (the suite must still pass).</summary>
public sealed class NativeDoubleArithmeticTests : MatrixArithmeticSuite<HostMatrix<double>>
{
    protected override MatrixBackend<HostMatrix<double>> Backend { get; } = new HostMatrixBackend<double>(LinearAlgebraBackend.Native ?? LinearAlgebraBackend.Managed);
}

public sealed class NativeSingleArithmeticTests : MatrixArithmeticSuite<HostMatrix<float>>
{
    protected override MatrixBackend<HostMatrix<float>> Backend { get; } = new HostMatrixBackend<float>(LinearAlgebraBackend.Native ?? LinearAlgebraBackend.Managed);
}

public sealed class HostNormTests
{
    [Theory]
    [InlineData(1e-310)]
    [InlineData(4.9406564584124654e-324)]
    public void Norm_of_subnormal_vectors_is_finite_and_right(double unit)
    {
        // max|xᵢ| is subnormal, so 1/max|xᵢ| overflows: the scaling must not go through it.
        double[] x = [3 * unit, -4 * unit, 0];
        double got = SpanArithmetic.Norm<double>(x);
        // 3u, 4u and 5u are exact in the subnormal range for both units (multiples of 2⁻¹⁰⁷⁴ or close to them).
        double expected = 5 * unit;
        Assert.True(Math.Abs(got - expected) <= 1e-12 * expected + double.Epsilon, $"‖x‖ = {got}, expected {expected}");
        Assert.Equal(double.Epsilon, SpanArithmetic.Norm<double>([double.Epsilon, 0]));
    }
}
