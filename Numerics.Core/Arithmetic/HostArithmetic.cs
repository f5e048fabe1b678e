using System.Numerics;
using Numerics.LinearAlgebra;

namespace Numerics.Arithmetic;

/// <summary>
/// <see cref="IMatrixArithmetic{TMatrix}"/> on host matrices: GEMMs on a
/// <see cref="LinearAlgebraBackend"/> (native BLAS or the managed kernels), everything else by
/// <see cref="SpanArithmetic"/>.
/// </summary>
public sealed class HostArithmetic<T> : IMatrixArithmetic<HostMatrix<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    private static HostArithmetic<T>? s_current;

    /// <summary>The arithmetic on <see cref="LinearAlgebraBackend.Current"/>.</summary>
    public static HostArithmetic<T> Instance => s_current ??= new(LinearAlgebraBackend.Current);

    /// <summary>The arithmetic whose GEMMs run on <paramref name="backend"/>.</summary>
    /// <exception cref="NotSupportedException">T is neither float nor double.</exception>
    public HostArithmetic(LinearAlgebraBackend backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        SpanArithmetic.RequireSupported<T>();
        Backend = backend;
    }

    /// <summary>Where the GEMMs run.</summary>
    public LinearAlgebraBackend Backend { get; }

    /// <inheritdoc />
    public double UnitRoundoff => SpanArithmetic.UnitRoundoff<T>();

    /// <inheritdoc />
    public int Rows(HostMatrix<T> m) => m.Rows;

    /// <inheritdoc />
    public int Columns(HostMatrix<T> m) => m.Columns;

    /// <inheritdoc />
    public int Length(HostMatrix<T> x) => x.Values.Length;

    /// <inheritdoc />
    public HostMatrix<T> Create(int rows, int cols) => new(rows, cols, new T[(long)rows * cols]);

    /// <inheritdoc />
    public HostMatrix<T> Create(int length) => Create(length, 1);

    /// <inheritdoc />
    public void Release(HostMatrix<T> x) { }

    /// <inheritdoc />
    public void Copy(HostMatrix<T> source, HostMatrix<T> destination) => source.Values.AsSpan().CopyTo(destination.Values.AsSpan(0, source.Values.Length));

    /// <inheritdoc />
    public void Fill(HostMatrix<T> x, double value) => x.Values.AsSpan().Fill(T.CreateTruncating(value));

    /// <inheritdoc />
    public void Axpby(double alpha, HostMatrix<T> x, double beta, HostMatrix<T> y) => SpanArithmetic.Axpby<T>(alpha, x.Values, beta, y.Values);

    /// <inheritdoc />
    public void Scale(double alpha, HostMatrix<T> x) => SpanArithmetic.Axpby<T>(alpha, x.Values, 0.0, x.Values);

    /// <inheritdoc />
    public double Dot(HostMatrix<T> x, HostMatrix<T> y) => SpanArithmetic.Dot<T>(x.Values, y.Values);

    /// <inheritdoc />
    public double Norm(HostMatrix<T> x) => SpanArithmetic.Norm<T>(x.Values);

    /// <inheritdoc />
    public double SumOfMagnitudes(HostMatrix<T> x) => SpanArithmetic.SumOfMagnitudes<T>(x.Values);

    /// <inheritdoc />
    public double MaxAbs(HostMatrix<T> x) => SpanArithmetic.MaxAbs<T>(x.Values);

    /// <inheritdoc />
    public void Map<TOperator>(TOperator op, HostMatrix<T> x, HostMatrix<T> result) where TOperator : struct, IUnaryOperator =>
        SpanArithmetic.Map<T, TOperator>(op, x.Values, result.Values);

    /// <inheritdoc />
    public void Map<TOperator>(TOperator op, HostMatrix<T> x, HostMatrix<T> y, HostMatrix<T> result) where TOperator : struct, IBinaryOperator =>
        SpanArithmetic.Map<T, TOperator>(op, x.Values, y.Values, result.Values);

    /// <inheritdoc />
    public void Gemm(Transpose transA, Transpose transB, double alpha, HostMatrix<T> a, HostMatrix<T> b, double beta, HostMatrix<T> c)
    {
        int k = transA == Transpose.NoTranspose ? a.Columns : a.Rows;
        SpanArithmetic.Gemm<T>(Backend, transA, transB, c.Rows, c.Columns, k, alpha, a.Values, Math.Max(1, a.Rows), b.Values, Math.Max(1, b.Rows), beta, c.Values, Math.Max(1, c.Rows));
    }

    /// <inheritdoc />
    public void SymmetricRankK(double alpha, HostMatrix<T> a, bool transpose, HostMatrix<T> c) =>
        SpanArithmetic.SymmetricRankK<T>(Backend, transpose, c.Rows, transpose ? a.Rows : a.Columns, alpha, a.Values, Math.Max(1, a.Rows), c.Values, Math.Max(1, c.Rows));

    /// <inheritdoc />
    public void AddToDiagonal(HostMatrix<T> m, double shift)
    {
        T s = T.CreateTruncating(shift);
        for (int i = 0; i < Math.Min(m.Rows, m.Columns); i++) m.Values[i + (long)i * m.Rows] += s;
    }

    /// <inheritdoc />
    public void ColumnSums(HostMatrix<T> m, HostMatrix<T> sums) => SpanArithmetic.ColumnSums<T>(m.Values, m.Rows, m.Columns, sums.Values);

    /// <inheritdoc />
    public void RowSums(HostMatrix<T> m, HostMatrix<T> sums) => SpanArithmetic.RowSums<T>(m.Values, m.Rows, m.Columns, sums.Values);
}
