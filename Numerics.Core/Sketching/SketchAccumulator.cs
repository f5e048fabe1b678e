using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Memory;
using Numerics.Random;

namespace Numerics.Sketching;

/// <summary>
/// Builds S·X from blocks of rows of X, in any order and split: <see cref="Add(int, int, int, int, ReadOnlySpan{double}, int)"/>
/// adds S[:, rows]·X[rows, cols]; accumulators over disjoint row blocks combine with
/// <see cref="Merge"/>; <see cref="Complete"/> returns the m×c sketch.
/// </summary>
/// <remarks>
/// <para>Every kind adds: a block added twice (or rows added by two merged accumulators) counts
/// twice, as S·(X₁ + X₂) would.</para>
/// <para>SRHT keeps the signed, permuted, zero-padded input (N×c, about the size of X) and runs the
/// transform once in <see cref="Complete"/>. Adding a row adds it into zeros (exact), so over
/// disjoint blocks the result is bit-identical for any block split, merge order or thread count.</para>
/// <para>Gaussian and CountSketch keep the m×c sum. CountSketch is bit-identical for any split when
/// blocks are added in row order; a Gaussian sum over a different split agrees to rounding.</para>
/// <para>Holds unmanaged memory for SRHT (a huge-page-backed scratch buffer): dispose it
/// (the <c>using</c> pattern).</para>
/// </remarks>
public sealed unsafe class SketchAccumulator : IDisposable
{
    private const int GaussianRowChunk = 2048;
    private readonly SketchOperator _op;
    private ScratchBuffer? _buffer;         // SRHT: the signed, permuted, zero-padded input as N×w row-major panels of columns
    private double* _padded;
    private readonly double[]? _sum;        // Gaussian / CountSketch: m × columns, column-major
    private bool _completed;
    private readonly int _width;            // SRHT: columns per panel

    internal SketchAccumulator(SketchOperator op, int columns)
    {
        if (columns < 1) throw new ArgumentException($"columns must be at least 1, got {columns}.", nameof(columns));
        _op = op;
        Columns = columns;
        _width = SrhtTransform.PanelWidth(columns);
        if (op.Kind == SketchKind.Srht)
        {
            long length = (long)op.PaddedRows * Panels * _width;
            _buffer = ScratchBuffer.Rent(length * sizeof(double));
            _padded = _buffer.Doubles;
            ParallelClear(_padded, length);
        }
        else
        {
            _sum = new double[(long)op.Rows * columns];
        }
    }

    /// <summary>The sketch.</summary>
    public SketchOperator Operator => _op;

    /// <summary>c: the column count of X.</summary>
    public int Columns { get; }

    /// <summary>
    /// Adds S[:, rowOffset .. rowOffset+rowCount)·B into columns columnOffset .. columnOffset+columnCount
    /// of the sketch, for the column-major block B (rowCount × columnCount, leading dimension <paramref name="ld"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The block lies outside X, the span is too short, or it holds NaN/∞ or an entry beyond <see cref="SketchOperator.MaxSafeMagnitude"/>.</exception>
    /// <exception cref="InvalidOperationException">The accumulator was completed or disposed.</exception>
    public void Add(int rowOffset, int rowCount, int columnOffset, int columnCount, ReadOnlySpan<double> block, int ld)
    {
        ThrowIfDone();
        if (rowOffset < 0 || rowCount < 0 || (long)rowOffset + rowCount > _op.InputRows)
            throw new ArgumentException($"Rows {rowOffset}..{(long)rowOffset + rowCount} lie outside 0..{_op.InputRows}.", nameof(rowOffset));
        if (columnOffset < 0 || columnCount < 0 || (long)columnOffset + columnCount > Columns)
            throw new ArgumentException($"Columns {columnOffset}..{(long)columnOffset + columnCount} lie outside 0..{Columns}.", nameof(columnOffset));
        if (rowCount == 0 || columnCount == 0) return;
        ShapeCheck.Matrix(block.Length, rowCount, columnCount, ld, nameof(block), nameof(ld));
        for (int j = 0; j < columnCount; j++)
        {
            var column = block.Slice(j * ld, rowCount);
            DenseStorage.RequireFinite(column, nameof(block));
            double largest = Math.Abs(System.Numerics.Tensors.TensorPrimitives.MaxMagnitude(column));
            if (largest > _op.MaxSafeMagnitude)
                throw new ArgumentException($"block has an entry of magnitude {largest:E3}; the sketch of entries beyond {_op.MaxSafeMagnitude:E3} can overflow. Scale the input down first.", nameof(block));
        }
        AddValidated(rowOffset, rowCount, columnOffset, columnCount, block, ld);
    }

    /// <summary><see cref="Add(int, int, int, int, ReadOnlySpan{double}, int)"/> for callers that already checked shapes and finiteness.</summary>
    internal void AddValidated(int rowOffset, int rowCount, int columnOffset, int columnCount, ReadOnlySpan<double> block, int ld)
    {
        fixed (double* src = block)
        {
            switch (_op.Kind)
            {
                case SketchKind.Srht: ScatterSigned(src, ld, rowOffset, rowCount, columnOffset, columnCount); break;
                case SketchKind.Gaussian: AddGaussian(src, ld, rowOffset, rowCount, columnOffset, columnCount); break;
                default: AddCountSketch(src, ld, rowOffset, rowCount, columnOffset, columnCount); break;
            }
        }
    }

    /// <summary>Adds the dense block (rows rowOffset.. of X, columns columnOffset..).</summary>
    public void Add(int rowOffset, Matrix<double> block, int columnOffset = 0)
    {
        ArgumentNullException.ThrowIfNull(block);
        Add(rowOffset, block.RowCount, columnOffset, block.ColumnCount, DenseStorage.ColumnMajor(block), Math.Max(1, block.RowCount));
    }

    /// <summary>Adds everything <paramref name="other"/> accumulated (same operator and column count); other is unchanged.</summary>
    public void Merge(SketchAccumulator other)
    {
        ArgumentNullException.ThrowIfNull(other);
        ThrowIfDone();
        other.ThrowIfDone();
        if (!SameOperator(other._op) || other.Columns != Columns)
            throw new ArgumentException("other must come from an identical sketch (kind, rows, input rows, seed) with the same column count.", nameof(other));
        if (_padded is not null)
        {
            // Disjoint row blocks meet zeros here, so the sum is exact.
            long total = (long)_op.PaddedRows * Panels * _width;
            var dst = _padded;
            var src = other._padded;
            Parallel.For(0, (int)((total + (1 << 16) - 1) >> 16), chunk =>
            {
                long start = (long)chunk << 16, end = Math.Min(total, start + (1 << 16));
                for (long i = start; i < end; i++) dst[i] += src[i];
            });
        }
        else
        {
            for (long i = 0; i < _sum!.LongLength; i++) _sum[i] += other._sum![i];
        }
    }

    private bool SameOperator(SketchOperator o) =>
        o.Kind == _op.Kind && o.Rows == _op.Rows && o.InputRows == _op.InputRows && o.Seed == _op.Seed;

    /// <summary>
    /// The m×c sketch S·X, column-major. An SRHT accumulator transforms its buffer in place and
    /// then frees it, so this can be called once; the others may be called again.
    /// </summary>
    public double[] Complete()
    {
        ThrowIfDone();
        if (_padded is null) return (double[])_sum!.Clone();
        var result = new double[(long)_op.Rows * Columns];
        var padded = _padded;
        int n = _op.PaddedRows, m = _op.Rows, columns = Columns, width = _width;
        var rows = _op.SampledRows;
        double scale = 1.0 / Math.Sqrt(m);
        Parallel.For(0, Panels, panel =>
        {
            int first = panel * width;
            fixed (double* output = result)
                SrhtTransform.TransformAndSample(padded + (long)panel * n * width, n, rows, scale, output + (long)first * m, m,
                    Math.Min(width, columns - first), width);
        });
        FreePadded();
        _completed = true;
        return result;
    }

    /// <summary><see cref="Complete"/> as a MathNet matrix.</summary>
    public Matrix<double> ToMatrix() => Matrix<double>.Build.Dense(_op.Rows, Columns, Complete());

    private int Panels => (Columns + _width - 1) / _width;

    /// <summary>Row i of the block goes, times σᵢ, to padded row Π(i) of its panel; panels in parallel.</summary>
    private void ScatterSigned(double* src, int ld, int rowOffset, int rowCount, int columnOffset, int columnCount)
    {
        var positions = _op.Positions;
        var signs = _op.Signs;
        var padded = _padded;
        int n = _op.PaddedRows, width = _width;
        int firstPanel = columnOffset / width, lastPanel = (columnOffset + columnCount - 1) / width;
        Parallel.For(firstPanel, lastPanel + 1, panel =>
        {
            int c0 = Math.Max(columnOffset, panel * width), c1 = Math.Min(columnOffset + columnCount, (panel + 1) * width);
            SrhtTransform.ScatterPanel(src + (long)(c0 - columnOffset) * ld, ld, rowCount, c0 - panel * width, c1 - c0,
                positions, signs, rowOffset, padded + (long)panel * n * width, width, accumulate: true);
        });
    }

    private static void ParallelClear(double* p, long length)
    {
        const int chunk = 1 << 18;
        Parallel.For(0, (int)((length + chunk - 1) / chunk), c =>
            new Span<double>(p + (long)c * chunk, (int)Math.Min(chunk, length - (long)c * chunk)).Clear());
    }

    private void AddGaussian(double* src, int ld, int rowOffset, int rowCount, int columnOffset, int columnCount)
    {
        int m = _op.Rows;
        var rng = new CounterRng(_op.Seed, SketchStreams.Gaussian);
        double scale = 1.0 / Math.Sqrt(m);
        int chunk = Math.Min(rowCount, GaussianRowChunk);
        var g = new double[(long)m * chunk];
        // A seeded sketch must have the same bits whatever the thread count.
        var backend = LinearAlgebraBackend.ThreadCountInvariant;
        var sum = _sum!;
        for (int r0 = 0; r0 < rowCount; r0 += chunk)
        {
            int rows = Math.Min(chunk, rowCount - r0);
            var gs = g.AsSpan(0, m * rows);
            // Column i of S is normals i·m .. i·m+m−1, so a block of columns is one contiguous run.
            rng.FillNormal(gs, (long)(rowOffset + r0) * m);
            var b = new ReadOnlySpan<double>(src + r0, (int)Math.Min(int.MaxValue, (long)(columnCount - 1) * ld + rows));
            backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, m, columnCount, rows, scale, gs, m, b, ld,
                1.0, sum.AsSpan((int)((long)columnOffset * m)), m);
        }
    }

    private void AddCountSketch(double* src, int ld, int rowOffset, int rowCount, int columnOffset, int columnCount)
    {
        int m = _op.Rows;
        var buckets = _op.Buckets;
        var signs = new double[rowCount];
        new CounterRng(_op.Seed, SketchStreams.BucketSigns).FillRademacher(signs, rowOffset);
        var sum = _sum!;
        // Columns are independent, so splitting over them keeps each bucket's summation order.
        Parallel.For(0, columnCount, j =>
        {
            double* col = src + (long)j * ld;
            long outCol = (long)(columnOffset + j) * m;
            for (int r = 0; r < rowCount; r++)
                sum[outCol + buckets[rowOffset + r]] += signs[r] * col[r];
        });
    }

    private void ThrowIfDone()
    {
        if (_completed) throw new InvalidOperationException("The SRHT accumulator was completed; its buffer is consumed by the transform.");
        if (_op.Kind == SketchKind.Srht && _padded is null) throw new ObjectDisposedException(nameof(SketchAccumulator));
    }

    private void FreePadded()
    {
        _padded = null;
        Interlocked.Exchange(ref _buffer, null)?.Dispose();
    }

    /// <summary>Frees the SRHT buffer.</summary>
    public void Dispose()
    {
        FreePadded();
        GC.SuppressFinalize(this);
    }

    /// <summary>Returns the SRHT buffer if <see cref="Dispose"/> was not called.</summary>
    ~SketchAccumulator() => FreePadded();
}
