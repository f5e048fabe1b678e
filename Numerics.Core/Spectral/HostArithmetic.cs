using System.Numerics;
using Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>A column-major host matrix of float or double (leading dimension = rows).</summary>
/// <param name="Rows">Row count.</param>
/// <param name="Columns">Column count.</param>
/// <param name="Values">The values, length rows·cols.</param>
public sealed record HostMatrix<T>(int Rows, int Columns, T[] Values) where T : unmanaged, IFloatingPointIeee754<T>;

/// <summary><see cref="IMatrixArithmetic{TMatrix}"/> on host arrays, with GEMMs on <see cref="LinearAlgebraBackend.Current"/>.</summary>
public sealed class HostArithmetic<T> : IMatrixArithmetic<HostMatrix<T>> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The shared instance.</summary>
    public static HostArithmetic<T> Instance { get; } = new();

    private HostArithmetic()
    {
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"HostArithmetic supports float and double, not {typeof(T).Name}.");
    }

    /// <inheritdoc />
    public int Rows(HostMatrix<T> m) => m.Rows;

    /// <inheritdoc />
    public int Columns(HostMatrix<T> m) => m.Columns;

    /// <inheritdoc />
    public HostMatrix<T> Create(int rows, int cols) => new(rows, cols, new T[(long)rows * cols]);

    /// <inheritdoc />
    public void Release(HostMatrix<T> m) { }

    /// <inheritdoc />
    public void SetIdentity(HostMatrix<T> m, double value)
    {
        Array.Clear(m.Values);
        for (int i = 0; i < Math.Min(m.Rows, m.Columns); i++) m.Values[i + (long)i * m.Rows] = T.CreateTruncating(value);
    }

    /// <inheritdoc />
    public void Gemm(Transpose transA, Transpose transB, double alpha, HostMatrix<T> a, HostMatrix<T> b, double beta, HostMatrix<T> c)
    {
        int k = transA == Transpose.NoTranspose ? a.Columns : a.Rows;
        var backend = LinearAlgebraBackend.Current;
        if (typeof(T) == typeof(double))
            backend.Gemm(transA, transB, c.Rows, c.Columns, k, alpha, (double[])(object)a.Values, Math.Max(1, a.Rows),
                (double[])(object)b.Values, Math.Max(1, b.Rows), beta, (double[])(object)c.Values, Math.Max(1, c.Rows));
        else
            backend.Gemm(transA, transB, c.Rows, c.Columns, k, (float)alpha, (float[])(object)a.Values, Math.Max(1, a.Rows),
                (float[])(object)b.Values, Math.Max(1, b.Rows), (float)beta, (float[])(object)c.Values, Math.Max(1, c.Rows));
    }

    /// <inheritdoc />
    public void Axpby(double alpha, HostMatrix<T> x, double beta, HostMatrix<T> y)
    {
        T a = T.CreateTruncating(alpha), b = T.CreateTruncating(beta);
        var yv = y.Values.AsSpan();
        if (beta == 0) System.Numerics.Tensors.TensorPrimitives.Multiply(x.Values, a, yv);
        else
        {
            if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(yv, b, yv);
            System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(x.Values, a, yv, yv);
        }
    }

    /// <inheritdoc />
    public void AddToDiagonal(HostMatrix<T> m, double shift)
    {
        T s = T.CreateTruncating(shift);
        for (int i = 0; i < Math.Min(m.Rows, m.Columns); i++) m.Values[i + (long)i * m.Rows] += s;
    }

    /// <inheritdoc />
    public double FrobeniusNorm(HostMatrix<T> m)
    {
        double s = 0;
        foreach (var v in m.Values) s += double.CreateTruncating(v) * double.CreateTruncating(v);
        return Math.Sqrt(s);
    }

    /// <inheritdoc />
    public double DistanceToIdentity(HostMatrix<T> m)
    {
        double s = 0;
        for (int j = 0; j < m.Columns; j++)
            for (int i = 0; i < m.Rows; i++)
            {
                double v = double.CreateTruncating(m.Values[i + (long)j * m.Rows]) - (i == j ? 1.0 : 0.0);
                s += v * v;
            }
        return Math.Sqrt(s);
    }

    /// <inheritdoc />
    public double MaxAbsRowSum(HostMatrix<T> m)
    {
        var sums = new double[m.Rows];
        for (int j = 0; j < m.Columns; j++)
            for (int i = 0; i < m.Rows; i++) sums[i] += Math.Abs(double.CreateTruncating(m.Values[i + (long)j * m.Rows]));
        return sums.Length == 0 ? 0 : sums.Max();
    }

    /// <inheritdoc />
    public bool HasNonFinite(HostMatrix<T> m)
    {
        foreach (var v in m.Values) if (!T.IsFinite(v)) return true;
        return false;
    }
}
