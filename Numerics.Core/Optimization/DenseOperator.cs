using System.Numerics;
using Numerics.LinearAlgebra;

namespace Numerics.Optimization;

/// <summary>
/// A column-major dense matrix as an <see cref="ILinearOperator"/>. Single products are GEMVs on
/// the current backend; the Golub–Kahan pair y ← A·x − α·y, z ← Aᵀ·y is fused into one pass over A.
/// </summary>
public sealed class DenseOperator : ILinearOperator
{
    /// <summary>
    /// Bytes of A per block of the fused pass: the block is reused from the last-level cache for the
    /// second product, and is tall enough that every column segment is a long contiguous stream
    /// (small L2-sized blocks were slower than two GEMVs at d = 1024: 1024 short streams per block).
    /// </summary>
    private const int BlockBytes = 1 << 23;

    /// <summary>Fixed number of row chunks whose partial Aᵀy are summed in order, so the result does not depend on the thread count.</summary>
    private const int Chunks = 64;

    private readonly double[] _values;
    private readonly int _ld;

    /// <summary>Wraps (does not copy) the column-major rows×columns matrix in <paramref name="values"/> with leading dimension <paramref name="ld"/>.</summary>
    /// <exception cref="ArgumentException">The sizes do not fit the array.</exception>
    public DenseOperator(double[] values, int rows, int columns, int ld)
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
    public void Multiply(ReadOnlySpan<double> x, Span<double> y) =>
        LinearAlgebraBackend.Current.Gemv(Transpose.NoTranspose, Rows, Columns, 1.0, _values, _ld, x, 1, 0.0, y, 1);

    /// <summary>Y ← A·X for the column-major d×k matrix X (one GEMM: A is read once for all k columns); Y is n×k.</summary>
    internal void MultiplyColumns(ReadOnlySpan<double> x, int k, Span<double> y) =>
        LinearAlgebraBackend.Current.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, Rows, k, Columns, 1.0, _values, _ld, x, Columns, 0.0, y, Rows);

    /// <inheritdoc />
    public void MultiplyTransposed(ReadOnlySpan<double> y, Span<double> x) =>
        LinearAlgebraBackend.Current.Gemv(Transpose.Transpose, Rows, Columns, 1.0, _values, _ld, y, 1, 0.0, x, 1);

    /// <inheritdoc />
    /// <remarks>
    /// Row blocks of A (8 MiB) are multiplied by x, four columns per sweep of the block's piece of y,
    /// and the same block, still in the last-level cache, by the fresh piece of y: A is read from
    /// memory once instead of twice. Rows are split
    /// into a fixed number of chunks, each summing its own partial Aᵀy; the partials are added in
    /// chunk order, so the bits do not depend on the thread count.
    /// </remarks>
    public unsafe void MultiplyThenTransposed(ReadOnlySpan<double> x, double alpha, Span<double> y, Span<double> z)
    {
        if (x.Length != Columns) throw new ArgumentException($"x has length {x.Length}; A has {Columns} columns.", nameof(x));
        if (y.Length != Rows) throw new ArgumentException($"y has length {y.Length}; A has {Rows} rows.", nameof(y));
        if (z.Length != Columns) throw new ArgumentException($"z has length {z.Length}; A has {Columns} columns.", nameof(z));
        int n = Rows, d = Columns, ld = _ld;
        int blockRows = Math.Max(Vector<double>.Count, BlockBytes / (8 * Math.Max(1, d)) / Vector<double>.Count * Vector<double>.Count);
        int chunks = Math.Min(Chunks, (n + blockRows - 1) / blockRows);
        int chunkRows = ((n + chunks - 1) / chunks + blockRows - 1) / blockRows * blockRows;
        chunks = (n + chunkRows - 1) / chunkRows;
        var partials = new double[chunks * d];
        var xs = x.ToArray();
        fixed (double* pa = _values)
        fixed (double* py = y)
        {
            double* a = pa, yy = py;
            Parallel.For(0, chunks, c =>
            {
                int r0 = c * chunkRows, r1 = Math.Min(n, r0 + chunkRows);
                fixed (double* pz = &partials[c * d])
                {
                    double* zc = pz;
                    for (int b0 = r0; b0 < r1; b0 += blockRows)
                    {
                        int rows = Math.Min(blockRows, r1 - b0);
                        double* yb = yy + b0;
                        for (int i = 0; i < rows; i++) yb[i] *= -alpha;
                        int j = 0;
                        for (; j + 4 <= d; j += 4)
                            Axpy4(rows, xs[j], xs[j + 1], xs[j + 2], xs[j + 3], a + (long)j * ld + b0, ld, yb);
                        for (; j < d; j++) Axpy(rows, xs[j], a + (long)j * ld + b0, yb);
                        j = 0;
                        for (; j + 4 <= d; j += 4) Dot4(rows, a + (long)j * ld + b0, ld, yb, zc + j);
                        for (; j < d; j++) zc[j] += Dot(rows, a + (long)j * ld + b0, yb);
                    }
                }
            });
        }
        z.Clear();
        for (int c = 0; c < chunks; c++)
            for (int j = 0; j < d; j++) z[j] += partials[c * d + j];
    }

    /// <summary>y += Σₖ αₖ·xₖ for the four columns x₀..x₃ (x + k·ld): y is loaded and stored once for four columns.</summary>
    private static unsafe void Axpy4(int n, double a0, double a1, double a2, double a3, double* x, long ld, double* y)
    {
        double* x1 = x + ld, x2 = x + 2 * ld, x3 = x + 3 * ld;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var v0 = new Vector<double>(a0);
            var v1 = new Vector<double>(a1);
            var v2 = new Vector<double>(a2);
            var v3 = new Vector<double>(a3);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                var acc = Vector.Load(y + i);
                acc = Vector.FusedMultiplyAdd(v0, Vector.Load(x + i), acc);
                acc = Vector.FusedMultiplyAdd(v1, Vector.Load(x1 + i), acc);
                acc = Vector.FusedMultiplyAdd(v2, Vector.Load(x2 + i), acc);
                acc = Vector.FusedMultiplyAdd(v3, Vector.Load(x3 + i), acc);
                Vector.Store(acc, y + i);
            }
        }
        for (; i < n; i++)
            y[i] = Math.FusedMultiplyAdd(a3, x3[i], Math.FusedMultiplyAdd(a2, x2[i], Math.FusedMultiplyAdd(a1, x1[i], Math.FusedMultiplyAdd(a0, x[i], y[i]))));
    }

    /// <summary>z[k] += xₖ·y for the four columns x₀..x₃ (x + k·ld), sharing the loads of y.</summary>
    private static unsafe void Dot4(int n, double* x, long ld, double* y, double* z)
    {
        double* x1 = x + ld, x2 = x + 2 * ld, x3 = x + 3 * ld;
        int i = 0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var c0 = Vector<double>.Zero;
            var c1 = Vector<double>.Zero;
            var c2 = Vector<double>.Zero;
            var c3 = Vector<double>.Zero;
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
            {
                var v = Vector.Load(y + i);
                c0 = Vector.FusedMultiplyAdd(Vector.Load(x + i), v, c0);
                c1 = Vector.FusedMultiplyAdd(Vector.Load(x1 + i), v, c1);
                c2 = Vector.FusedMultiplyAdd(Vector.Load(x2 + i), v, c2);
                c3 = Vector.FusedMultiplyAdd(Vector.Load(x3 + i), v, c3);
            }
            s0 = Vector.Sum(c0);
            s1 = Vector.Sum(c1);
            s2 = Vector.Sum(c2);
            s3 = Vector.Sum(c3);
        }
        for (; i < n; i++)
        {
            s0 = Math.FusedMultiplyAdd(x[i], y[i], s0);
            s1 = Math.FusedMultiplyAdd(x1[i], y[i], s1);
            s2 = Math.FusedMultiplyAdd(x2[i], y[i], s2);
            s3 = Math.FusedMultiplyAdd(x3[i], y[i], s3);
        }
        z[0] += s0;
        z[1] += s1;
        z[2] += s2;
        z[3] += s3;
    }

    private static unsafe void Axpy(int n, double alpha, double* x, double* y)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var va = new Vector<double>(alpha);
            for (; i <= n - Vector<double>.Count; i += Vector<double>.Count)
                Vector.Store(Vector.FusedMultiplyAdd(va, Vector.Load(x + i), Vector.Load(y + i)), y + i);
        }
        for (; i < n; i++) y[i] = Math.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    private static unsafe double Dot(int n, double* x, double* y)
    {
        int i = 0;
        double s = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var acc0 = Vector<double>.Zero;
            var acc1 = Vector<double>.Zero;
            int w = Vector<double>.Count;
            for (; i <= n - 2 * w; i += 2 * w)
            {
                acc0 = Vector.FusedMultiplyAdd(Vector.Load(x + i), Vector.Load(y + i), acc0);
                acc1 = Vector.FusedMultiplyAdd(Vector.Load(x + i + w), Vector.Load(y + i + w), acc1);
            }
            s = Vector.Sum(acc0 + acc1);
        }
        for (; i < n; i++) s = Math.FusedMultiplyAdd(x[i], y[i], s);
        return s;
    }
}
