namespace Numerics.Arithmetic;

/// <summary>
/// <see cref="IVectorArithmetic{TVector}"/> on plain double arrays: the vector type of host-side
/// solvers (<c>Lbfgs&lt;double[]&gt;</c>, conjugate gradients, FISTA), by <see cref="SpanArithmetic"/>.
/// </summary>
public sealed class HostVectorArithmetic : IVectorArithmetic<double[]>
{
    /// <summary>The shared instance.</summary>
    public static HostVectorArithmetic Instance { get; } = new();

    private HostVectorArithmetic() { }

    /// <inheritdoc />
    public int Length(double[] x) => x.Length;

    /// <inheritdoc />
    public double[] Create(int length) => new double[length];

    /// <inheritdoc />
    public void Release(double[] x) { }

    /// <inheritdoc />
    public void Copy(double[] source, double[] destination) => source.AsSpan().CopyTo(destination);

    /// <inheritdoc />
    public void Fill(double[] x, double value) => x.AsSpan().Fill(value);

    /// <inheritdoc />
    public void Axpby(double alpha, double[] x, double beta, double[] y) => SpanArithmetic.Axpby<double>(alpha, x, beta, y);

    /// <inheritdoc />
    public void Scale(double alpha, double[] x) => SpanArithmetic.Axpby<double>(alpha, x, 0.0, x);

    /// <inheritdoc />
    public double Dot(double[] x, double[] y) => SpanArithmetic.Dot<double>(x, y);

    /// <inheritdoc />
    public double Norm(double[] x) => SpanArithmetic.Norm<double>(x);

    /// <inheritdoc />
    public double SumOfMagnitudes(double[] x) => SpanArithmetic.SumOfMagnitudes<double>(x);

    /// <inheritdoc />
    public double MaxAbs(double[] x) => SpanArithmetic.MaxAbs<double>(x);

    /// <inheritdoc />
    public void Map<TOperator>(TOperator op, double[] x, double[] result) where TOperator : struct, IUnaryOperator =>
        SpanArithmetic.Map<double, TOperator>(op, x, result);

    /// <inheritdoc />
    public void Map<TOperator>(TOperator op, double[] x, double[] y, double[] result) where TOperator : struct, IBinaryOperator =>
        SpanArithmetic.Map<double, TOperator>(op, x, y, result);
}
