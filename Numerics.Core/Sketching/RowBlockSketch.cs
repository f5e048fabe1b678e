using Numerics.Random;

namespace Numerics.Sketching;

/// <summary>
/// One row block's share S[:, r0..r1)·X of a sketch, built from chunks of the block's rows in row
/// order: the unit that the distributed and streaming solvers sum, block by block in global order.
/// </summary>
/// <remarks>
/// <para>CountSketch keeps only its m×c sum and regenerates the buckets and signs of each chunk's rows
/// from their counters (the same values as <see cref="SketchOperator"/>'s tables, without the O(n)
/// table), so its memory is O(m·c + chunk) and a block's sum is bit-identical to the one-process
/// sketch restricted to the block. The Gaussian sketch keeps its m×c sum (through
/// <see cref="SketchAccumulator"/>). The SRHT cannot do better than its accumulator: the permutation
/// sends a block's rows anywhere in the padded order and the Hadamard transform mixes all of them,
/// so a block's share needs the N×c buffer (N = 2^⌈log₂ n⌉) on every rank — usable for moderate n,
/// not for data larger than memory.</para>
/// <para>The share depends on how the block was chunked only for the Gaussian sketch (each chunk is
/// one GEMM); the solvers chunk every block the same way, in memory or streamed.</para>
/// </remarks>
internal sealed class RowBlockSketch : IDisposable
{
    private readonly SketchOperator _op;
    private readonly int _columns;
    private readonly double[]? _sum;                 // CountSketch: m × c, column-major
    private readonly SketchAccumulator? _accumulator; // Gaussian, SRHT

    public RowBlockSketch(SketchOperator op, int columns)
    {
        _op = op;
        _columns = columns;
        if (op.Kind == SketchKind.CountSketch) _sum = new double[(long)op.Rows * columns];
        else _accumulator = op.CreateAccumulator(columns);
    }

    /// <summary>Adds S[:, rowOffset .. rowOffset + rowCount)·X_chunk for the column-major chunk (rowCount × c, leading dimension ld), already checked finite.</summary>
    public void Add(long rowOffset, int rowCount, ReadOnlySpan<double> chunk, int ld)
    {
        if (_accumulator is not null)
        {
            _accumulator.AddValidated(checked((int)rowOffset), rowCount, 0, _columns, chunk, ld);
            return;
        }
        int m = _op.Rows;
        var signs = new double[rowCount];
        new CounterRng(_op.Seed, SketchStreams.BucketSigns).FillRademacher(signs, rowOffset);
        // The words of UniformInteger(i, m), drawn in one vectorised fill and scaled by multiply-high as it does.
        var words = new ulong[rowCount];
        new CounterRng(_op.Seed, SketchStreams.Buckets).FillUInt64(words, rowOffset);
        var buckets = new int[rowCount];
        for (int r = 0; r < rowCount; r++) buckets[r] = (int)Math.BigMul(words[r], (ulong)m, out _);
        var sum = _sum!;
        int columns = _columns;
        // Columns are independent, so splitting over them keeps each bucket's summation order (rows ascending).
        unsafe
        {
            fixed (double* src = chunk)
            fixed (double* pSum = sum)
            fixed (double* pSigns = signs)
            fixed (int* pBuckets = buckets)
            {
                var state = new ScatterState(src, ld, pSum, m, pSigns, pBuckets, rowCount);
                Parallel.For(0, columns, state.Column);
            }
        }
    }

    /// <summary>The CountSketch scatter of one column, with every pointer and bound held in locals of the loop.</summary>
    private sealed unsafe class ScatterState(double* source, int ld, double* sum, int m, double* signs, int* buckets, int rows)
    {
        public void Column(int j)
        {
            double* column = source + (long)j * ld;
            double* output = sum + (long)j * m;
            double* s = signs;
            int* b = buckets;
            int n = rows;
            for (int r = 0; r < n; r++) output[b[r]] += s[r] * column[r];
        }
    }

    /// <summary>
    /// Adds the block's share into <paramref name="total"/> (m×c), or copies it there when
    /// <paramref name="first"/>: the running sum of shares, block by block, in the order a rank-ordered
    /// Allreduce adds them (rank 0's values, plus rank 1's, …).
    /// </summary>
    public void AddTo(Span<double> total, bool first)
    {
        double[] share = _sum ?? _accumulator!.Complete();
        if (first) share.CopyTo(total);
        else for (int i = 0; i < share.Length; i++) total[i] += share[i];
    }

    public void Dispose() => _accumulator?.Dispose();
}
