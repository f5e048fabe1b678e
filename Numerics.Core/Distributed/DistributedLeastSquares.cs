using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Numerics.Optimization;
using Numerics.Sketching;

namespace Numerics.Distributed;

/// <summary>
/// Tall least squares min ‖A·x − b‖₂ with the rows of A and b spread over the ranks of an
/// <see cref="ICommunicator"/>, by sketch-and-solve or sketch-and-precondition (Blendenpik): each
/// rank sketches its own rows, the partial sketches are summed by the rank-ordered Allreduce, every
/// rank factors the same m×d sketch, and LSQR runs with local products whose Aᵀy and norms are
/// Allreduced. The same call with one rank and several blocks is the one-process run over the same
/// partition, and gives the same bits.
/// </summary>
/// <remarks>
/// <para><b>Determinism.</b> Every sum over rows is formed per block (in row order, chunk by chunk),
/// then over a rank's blocks in order, then over ranks in rank order; blocks are contiguous and in
/// global order, so the sum is (share of block 0 + share of block 1) + … whichever ranks hold them.
/// The result therefore depends on the block partition alone: R ranks with one block each equal one
/// rank with the same R blocks bit for bit, and a streamed block equals the same block in memory.
/// Against the unpartitioned <see cref="SketchedLeastSquares"/> the sums are associated differently,
/// so the answers agree to rounding (see docs/scale.md for how far).</para>
/// <para><b>Passes over A.</b> Sketch-and-solve reads A once to sketch and once more to recompute the
/// residual and normal residual it reports; sketch-and-precondition adds one pass per LSQR
/// iteration (the fused A·x, Aᵀy) and two to decide its status. A pass is a second sketch pass only
/// for inputs whose largest entry lies outside [2⁻⁴⁵⁰, 2⁴⁵⁰], which are then scaled by a power of
/// two as they are read (exactly, as in the one-process solver).</para>
/// <para><b>Memory per rank.</b> O(m·d + chunk) for the CountSketch and Gaussian sketches, plus
/// the rank's b and, with LSQR, a few vectors of its row count; an SRHT needs an N×(d+1) buffer
/// (N = 2^⌈log₂ n⌉, the global padded size) on every rank (see <see cref="RowBlockSketch"/>).</para>
/// <para><b>What is not distributed.</b> The dense methods (QR, SVD), the ridge term and the ℓ∞
/// certificate are refused with <see cref="ArgumentException"/>; so is a GPU sketch backend. A
/// sketch that loses a direction of A cannot fall back to dense QR here: the result then has status
/// <see cref="SolverStatus.Breakdown"/> and says why in <see cref="LeastSquaresResult.MethodReason"/>.</para>
/// <para><b>Failures.</b> Every rank must call this with the same options and its own blocks. Bad
/// arguments, an unreadable or non-finite block, or a failed factorization on any rank end the call
/// on every rank: the failing rank throws its own exception, the others
/// <see cref="RankFailureException"/>; no rank is left waiting in a collective.</para>
/// </remarks>
public static class DistributedLeastSquares
{
    /// <summary>
    /// Solves min ‖A·x − b‖₂ where this rank holds <paramref name="blocks"/> of the
    /// <paramref name="rows"/> rows. Collective: every rank calls it with the same options.
    /// </summary>
    /// <param name="communicator">The ranks.</param>
    /// <param name="blocks">This rank's row blocks (at least one), contiguous and in global order; over all ranks in rank order they cover rows [0, n) once.</param>
    /// <param name="rows">n, the global row count (at most 2^30).</param>
    /// <param name="options">Method (sketch-and-solve or sketch-and-precondition), sketch, size, seed, tolerance, iterations, rcond, progress and cancellation; null for the defaults.</param>
    /// <returns>The same result on every rank. Residual norms are global, recomputed from x.</returns>
    /// <exception cref="ArgumentException">A block list, the layout over ranks, a shape or an option is invalid (on the rank where it is; the others throw <see cref="RankFailureException"/>).</exception>
    /// <exception cref="RankFailureException">Another rank failed.</exception>
    /// <exception cref="InvalidDataException">A mapped block of this rank holds NaN/∞.</exception>
    public static LeastSquaresResult Solve(ICommunicator communicator, IReadOnlyList<RowBlock> blocks, long rows, SketchedLeastSquaresOptions? options = null) =>
        Solve(communicator, blocks, rows, options, chunkRows: null);

    /// <summary><see cref="Solve(ICommunicator, IReadOnlyList{RowBlock}, long, SketchedLeastSquaresOptions?)"/> with a chosen chunk (tests: a file many chunks long without a file of many megabytes).</summary>
    internal static LeastSquaresResult Solve(ICommunicator communicator, IReadOnlyList<RowBlock> blocks, long rows, SketchedLeastSquaresOptions? options, int? chunkRows)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        options ??= new SketchedLeastSquaresOptions();
        Agree(communicator, Capture(() => ValidateLocal(blocks, rows, options)), "validating its arguments");
        int d = blocks[0].Columns, n = (int)rows;
        int chunk = chunkRows ?? RowBlock.ChunkRows(d);
        CheckLayout(communicator, blocks, rows);

        var (method, m, reason) = SketchedLeastSquares.Plan(n, d, options);
        if (method is LeastSquaresMethod.Qr or LeastSquaresMethod.Svd)
            throw new ArgumentException($"No sketch fits: {reason}. The dense methods are not distributed; solve this problem on one process.", nameof(rows));
        if (m < d) throw new ArgumentException($"Rows must be at least the column count {d}, got {m}.", nameof(options));
        if (m > n) throw new ArgumentException($"Rows ({m}) exceeds the rows of a ({n}): a sketch larger than A saves nothing.", nameof(options));
        double rcond = options.Rcond ?? Numerics.LinearAlgebra.DenseBaselines.DefaultRelativeCutoff(n, d);
        var sketch = new SketchOperator(options.Sketch, m, n, options.Seed);
        var token = options.CancellationToken;

        var clock = Stopwatch.StartNew();
        var pass = SketchPass(communicator, blocks, sketch, d, chunk, 1, 1, token);
        if (pass.Cancelled) return Cancelled(communicator, blocks, d, method, reason, sketch, 1);
        int ea = ExponentOf(pass.MaxA), eb = ExponentOf(pass.MaxB);
        if (ea != 0 || eb != 0)
        {
            // Extreme magnitudes: sketch again with A/2^ea and b/2^eb, scaled exactly as they are read.
            pass = SketchPass(communicator, blocks, sketch, d, chunk, Math.ScaleB(1, -ea), Math.ScaleB(1, -eb), token);
            if (pass.Cancelled) return Cancelled(communicator, blocks, d, method, reason, sketch, Math.ScaleB(1, -eb));
        }
        double sketchSeconds = clock.Elapsed.TotalSeconds;
        var sab = pass.Sketch;

        SketchPreconditioner? pre = null;
        Agree(communicator, Capture(() => pre = SketchPreconditioner.Factor(sab, m, d, rcond, options.SingularValues)), "factoring the sketch");
        var op = new RowBlockOperator(communicator, blocks, d, chunk, Math.ScaleB(1, -ea), token);
        var b = LocalB(blocks, Math.ScaleB(1, -eb));
        string? lost = SketchedLeastSquares.SketchLostRank(op, d, 0, pre!, rcond);

        var (z0, _, corrections) = pre!.Coordinates(sab.AsSpan(m * d, m));
        double tolerance = options.Tolerance ?? LsqrOptions.DefaultToleranceFor(n);
        var (x, lsqr, _, residualNorm, normalResidual, status, stopTest, relativeNormal) = SketchedLeastSquares.Refine(op, b, pre, z0,
            method == LeastSquaresMethod.SketchAndPrecondition && pre.Rank > 0 && lost is null, tolerance, n, options, op.CollectiveToken);
        if (lost is not null) status = SolverStatus.Breakdown;
        string factorization = corrections > 0
            ? $"{pre.Factorization}, {corrections} seminormal correction{(corrections > 1 ? "s" : "")}"
            : pre.Factorization;
        return new LeastSquaresResult
        {
            X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(Scaled(x, eb - ea)),
            Method = method,
            MethodReason = lost is null ? reason : $"{lost.Replace(": dense pivoted QR", "", StringComparison.Ordinal)}; dense QR is not distributed",
            Sketch = sketch.Kind, SketchRows = m,
            Rank = pre.Rank, RankDeficient = pre.Rank < d, Rcond = rcond,
            SingularValues = pre.SingularValues is { } sv ? Scaled(sv, ea) : null,
            Factorization = factorization,
            Status = status, StopTest = stopTest, Iterations = lsqr?.Iterations ?? 0,
            ResidualNorm = Math.ScaleB(residualNorm, eb),
            NormalResidualNorm = Math.ScaleB(normalResidual, ea + eb),
            RelativeNormalResidual = relativeNormal,
            PreconditionedCondition = lsqr is { Iterations: > 2 } ? lsqr.LargestSingularValue / lsqr.SmallestSingularValue : null,
            SketchSeconds = sketchSeconds,
        };
    }

    /// <summary>The sketch [S·A | S·b] summed over all blocks of all ranks, with the global largest magnitudes of A and b as read.</summary>
    private readonly record struct SketchPassResult(double[] Sketch, double MaxA, double MaxB, bool Cancelled);

    /// <summary>
    /// One pass over this rank's blocks: each block's share of the sketch (chunk by chunk), summed
    /// block by block, then one Allreduce carrying the shares, every rank's largest |A| and |b| (in its
    /// own slots, so the sum is exact) and the failure and cancellation counts.
    /// </summary>
    private static SketchPassResult SketchPass(ICommunicator communicator, IReadOnlyList<RowBlock> blocks, SketchOperator sketch, int d, int chunkRows,
        double scaleA, double scaleB, CancellationToken token)
    {
        int m = sketch.Rows, c = d + 1, size = communicator.Size, rank = communicator.Rank;
        long sketchLength = (long)m * c;
        var payload = new double[sketchLength + 2 * size + 2];
        var total = payload.AsSpan(0, (int)sketchLength);
        double maxA = 0, maxB = 0;
        bool cancelled = false;
        ExceptionDispatchInfo? failure = null;
        try
        {
            var chunk = new double[(long)Math.Min(chunkRows, MaxRows(blocks)) * c];
            bool first = true;
            foreach (var block in blocks)
            {
                using var share = new RowBlockSketch(sketch, c);
                for (int r0 = 0; r0 < block.Count && !cancelled; r0 += chunkRows)
                {
                    if (token.IsCancellationRequested) { cancelled = true; break; }
                    int k = Math.Min(chunkRows, block.Count - r0);
                    var values = chunk.AsSpan(0, k * c);
                    block.CopyRows(r0, k, values, k, scaleA);
                    var bPart = values.Slice(d * k, k);
                    block.B.Slice(r0, k).CopyTo(bPart);
                    if (scaleB != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(bPart, scaleB, bPart);
                    maxA = Math.Max(maxA, Numerics.Arithmetic.SpanArithmetic.MaxAbs<double>(values[..(d * k)]));
                    maxB = Math.Max(maxB, Numerics.Arithmetic.SpanArithmetic.MaxAbs<double>(bPart));
                    share.Add(block.Offset + r0, k, values, k);
                }
                if (cancelled) break;
                share.AddTo(total, first);
                first = false;
            }
        }
        catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        payload[sketchLength + 2 * rank] = maxA;
        payload[sketchLength + 2 * rank + 1] = maxB;
        payload[^2] = failure is null ? 0 : 1;
        payload[^1] = cancelled ? 1 : 0;
        communicator.AllreduceSum(payload);
        if (payload[^2] > 0)
        {
            failure?.Throw();
            throw new RankFailureException($"{payload[^2]:0} other rank(s) failed while sketching their rows; see their errors.");
        }
        double globalA = 0, globalB = 0;
        for (int r = 0; r < size; r++)
        {
            globalA = Math.Max(globalA, payload[sketchLength + 2 * r]);
            globalB = Math.Max(globalB, payload[sketchLength + 2 * r + 1]);
        }
        return new SketchPassResult(payload[..(int)sketchLength], globalA, globalB, payload[^1] > 0);
    }

    private static int MaxRows(IReadOnlyList<RowBlock> blocks)
    {
        int max = 1;
        foreach (var block in blocks) max = Math.Max(max, block.Count);
        return max;
    }

    /// <summary>This rank's blocks' b, concatenated, times <paramref name="scale"/> (a power of two).</summary>
    private static double[] LocalB(IReadOnlyList<RowBlock> blocks, double scale)
    {
        long total = 0;
        foreach (var block in blocks) total += block.Count;
        var b = new double[total];
        int row = 0;
        foreach (var block in blocks)
        {
            block.B.CopyTo(b.AsSpan(row));
            row += block.Count;
        }
        if (scale != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(b, scale, b);
        return b;
    }

    /// <summary>A solve cancelled during the sketch, on every rank: x = 0, whose residual is b (a global norm).</summary>
    private static LeastSquaresResult Cancelled(ICommunicator communicator, IReadOnlyList<RowBlock> blocks, int d, LeastSquaresMethod method, string? reason,
        SketchOperator sketch, double scaleB)
    {
        var op = new RowBlockOperator(communicator, blocks, d, RowBlock.ChunkRows(d), 1, default);
        var b = LocalB(blocks, scaleB);
        return new LeastSquaresResult
        {
            X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(d),
            Method = method, MethodReason = reason, Sketch = sketch.Kind, SketchRows = sketch.Rows,
            Rank = 0, RankDeficient = true, Status = SolverStatus.Cancelled,
            ResidualNorm = op.RowSpaceNorm(b) / scaleB,
        };
    }

    private static void ValidateLocal(IReadOnlyList<RowBlock> blocks, long rows, SketchedLeastSquaresOptions options)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        if (blocks.Count == 0) throw new ArgumentException("Every rank must hold at least one row block.", nameof(blocks));
        if (rows < 1 || rows > 1 << 30) throw new ArgumentException($"rows must lie in [1, 2^30], got {rows}.", nameof(rows));
        for (int i = 0; i < blocks.Count; i++)
        {
            if (blocks[i] is null) throw new ArgumentException($"Block {i} is null.", nameof(blocks));
            if (blocks[i].Columns != blocks[0].Columns)
                throw new ArgumentException($"Block {i} has {blocks[i].Columns} columns, block 0 {blocks[0].Columns}.", nameof(blocks));
            if (i > 0 && blocks[i].Offset != blocks[i - 1].Offset + blocks[i - 1].Count)
                throw new ArgumentException($"Block {i} starts at row {blocks[i].Offset}, not where block {i - 1} ends ({blocks[i - 1].Offset + blocks[i - 1].Count}): a rank's blocks must be contiguous and in order.", nameof(blocks));
        }
        if (blocks[^1].Offset + blocks[^1].Count > rows)
            throw new ArgumentException($"The blocks reach row {blocks[^1].Offset + blocks[^1].Count}, beyond the {rows} rows.", nameof(blocks));
        if (rows < blocks[0].Columns) throw new ArgumentException($"A must be tall (rows ≥ columns), got {rows}×{blocks[0].Columns}.", nameof(rows));
        options.Validate(nameof(options));
        if (options.Method is not (LeastSquaresMethod.SketchAndSolve or LeastSquaresMethod.SketchAndPrecondition))
            throw new ArgumentException($"Method {options.Method} is not distributed: use SketchAndSolve or SketchAndPrecondition.", nameof(options));
        if (options.Damp != 0) throw new ArgumentException("Damp is not supported by the distributed solver.", nameof(options));
        if (options.Certificate) throw new ArgumentException("The ℓ∞ certificate is not computed by the distributed solver.", nameof(options));
        if (options.Backend is not null) throw new ArgumentException("The distributed solver sketches on the CPU; Backend must be null.", nameof(options));
    }

    /// <summary>
    /// Checks, from one Allreduce of every rank's (first row, end, columns) in its own slots, that the
    /// ranks' blocks tile [0, n) in rank order with one column count; the same verdict on every rank.
    /// </summary>
    private static void CheckLayout(ICommunicator communicator, IReadOnlyList<RowBlock> blocks, long rows)
    {
        int size = communicator.Size, rank = communicator.Rank;
        var slots = new double[3 * size];
        slots[3 * rank] = blocks[0].Offset;
        slots[3 * rank + 1] = blocks[^1].Offset + blocks[^1].Count;
        slots[3 * rank + 2] = blocks[0].Columns;
        communicator.AllreduceSum(slots);
        double expected = 0;
        for (int r = 0; r < size; r++)
        {
            if (slots[3 * r] != expected)
                throw new ArgumentException($"Rank {r}'s rows start at {slots[3 * r]:0}, not at {expected:0} where the previous rank's end: ranks must hold contiguous blocks in rank order.", nameof(blocks));
            if (slots[3 * r + 2] != slots[2])
                throw new ArgumentException($"Rank {r} has {slots[3 * r + 2]:0} columns, rank 0 {slots[2]:0}.", nameof(blocks));
            expected = slots[3 * r + 1];
        }
        if (expected != rows) throw new ArgumentException($"The ranks' blocks cover {expected:0} rows, not the {rows} given.", nameof(blocks));
    }

    private static ExceptionDispatchInfo? Capture(Action action)
    {
        try { action(); return null; }
        catch (Exception e) { return ExceptionDispatchInfo.Capture(e); }
    }

    /// <summary>Every rank says whether its step succeeded; a rank that failed rethrows its error, the others throw <see cref="RankFailureException"/>.</summary>
    private static void Agree(ICommunicator communicator, ExceptionDispatchInfo? local, string stage)
    {
        bool all = communicator.AllAgree(local is null);
        local?.Throw();
        if (!all) throw new RankFailureException($"Another rank failed while {stage}; see its error.");
    }

    private static int ExponentOf(double max)
    {
        double scale = ProblemScale.For(max);
        return scale == 1 ? 0 : Math.ILogB(scale);
    }

    /// <summary>values·2^e, a copy.</summary>
    private static double[] Scaled(double[] values, int e)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++) result[i] = Math.ScaleB(values[i], e);
        return result;
    }
}
