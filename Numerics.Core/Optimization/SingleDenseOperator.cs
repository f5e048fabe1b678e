using System.Runtime.Intrinsics;
using Numerics.LinearAlgebra;

namespace Numerics.Optimization;

/// <summary>
/// A column-major float32 matrix as an <see cref="ILinearOperator"/> on double vectors: entries are
/// widened to double as they are read and every sum is accumulated in double, so the products are
/// those of the double matrix with the same (exactly representable) entries, at half the memory
/// traffic and without a double copy.
/// </summary>
/// <remarks>
/// y = A·x splits the rows over threads (each yᵢ sums its row in column order); Aᵀ·y splits the
/// columns (each dot product runs in one fixed SIMD order). Neither depends on the thread count.
/// </remarks>
public sealed class SingleDenseOperator : ILinearOperator
{
    /// <summary>Rows per parallel chunk of A·x.</summary>
    private const int RowChunk = 1 << 14;

    private readonly float[] _values;
    private readonly int _ld;

    /// <summary>Wraps (does not copy) the column-major rows×columns matrix in <paramref name="values"/> with leading dimension <paramref name="ld"/>.</summary>
    /// <exception cref="ArgumentException">The sizes do not fit the array.</exception>
    public SingleDenseOperator(float[] values, int rows, int columns, int ld)
    {
        ArgumentNullException.ThrowIfNull(values);
        ShapeCheck.Dimension(rows, nameof(rows));
        ShapeCheck.Dimension(columns, nameof(columns));
        ShapeCheck.Matrix(values.Length, rows, columns, ld, nameof(values), nameof(ld));
        _values = values;
        Rows = rows;
        Columns = columns;
        _ld = ld;
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <inheritdoc />
    public unsafe void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}; the operator has {Columns} columns.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}; the operator has {Rows} rows.", nameof(y));
        var xs = x.ToArray();
        fixed (float* a = _values)
        fixed (double* py = y)
        {
            float* pa = a;
            double* yp = py;
            int chunks = (Rows + RowChunk - 1) / RowChunk;
            Parallel.For(0, chunks, c =>
            {
                int r0 = c * RowChunk, count = Math.Min(RowChunk, Rows - r0);
                var yc = new Span<double>(yp + r0, count);
                yc.Clear();
                for (int j = 0; j < xs.Length; j++)
                    AddScaledColumn(pa + (long)j * _ld + r0, xs[j], yp + r0, count);
            });
        }
    }

    /// <inheritdoc />
    public unsafe void MultiplyTransposed(ReadOnlySpan<double> y, Span<double> x)
    {
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}; the operator has {Rows} rows.", nameof(y));
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}; the operator has {Columns} columns.", nameof(x));
        var result = new double[Columns];
        fixed (float* a = _values)
        fixed (double* py = y)
        {
            float* pa = a;
            double* yp = py;
            Parallel.For(0, Columns, j => result[j] = Dot(pa + (long)j * _ld, yp, Rows));
        }
        result.CopyTo(x);
    }

    /// <summary>y[i] += alpha·column[i] for i &lt; count, the column widened to double.</summary>
    private static unsafe void AddScaledColumn(float* column, double alpha, double* y, int count)
    {
        int i = 0;
        var a = Vector256.Create(alpha);
        for (; i + 8 <= count; i += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Load(column + i));
            (Vector256.Load(y + i) + lo * a).Store(y + i);
            (Vector256.Load(y + i + 4) + hi * a).Store(y + i + 4);
        }
        for (; i < count; i++) y[i] += (double)column[i] * alpha;
    }

    /// <summary>Σ column[i]·y[i] in double, in a fixed order (two 4-lane accumulators, then the tail).</summary>
    private static unsafe double Dot(float* column, double* y, int count)
    {
        var s0 = Vector256<double>.Zero;
        var s1 = Vector256<double>.Zero;
        int i = 0;
        for (; i + 8 <= count; i += 8)
        {
            var (lo, hi) = Vector256.Widen(Vector256.Load(column + i));
            s0 += lo * Vector256.Load(y + i);
            s1 += hi * Vector256.Load(y + i + 4);
        }
        double sum = Vector256.Sum(s0 + s1);
        for (; i < count; i++) sum += (double)column[i] * y[i];
        return sum;
    }
}
