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
        var buckets = new int[rowCount];
        var rng = new CounterRng(_op.Seed, SketchStreams.Buckets);
        for (int r = 0; r < rowCount; r++) buckets[r] = (int)rng.UniformInteger(rowOffset + r, m);
        var sum = _sum!;
        unsafe
        {
            fixed (double* src = chunk)
            {
                double* p = src;
                // Columns are independent, so splitting over them keeps each bucket's summation order (rows ascending).
                Parallel.For(0, _columns, j =>
                {
                    double* column = p + (long)j * ld;
                    long outColumn = (long)j * m;
                    for (int r = 0; r < rowCount; r++) sum[outColumn + buckets[r]] += signs[r] * column[r];
                });
            }
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
