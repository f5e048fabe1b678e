using System.Runtime.ExceptionServices;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Distributed;

/// <summary>
/// A tall A whose rows are spread over ranks, each rank holding contiguous <see cref="RowBlock"/>s:
/// A·x is local (each rank computes its rows of y), Aᵀ·y and row-space norms are the sums of the
/// blocks' shares, block by block in order on a rank and then over ranks by the rank-ordered
/// Allreduce. LSQR runs on it unchanged (<see cref="ILinearOperator.RowSpaceNorm"/>).
/// </summary>
/// <remarks>
/// <para>Every block is read in chunks of <see cref="RowBlock.ChunkRows"/> rows into one buffer, and
/// the fused pair y ← A·x − α·y, z ← Aᵀy reads each chunk once: one pass over the rank's rows (one
/// pass over the file when streaming) per LSQR iteration.</para>
/// <para>Failures and cancellation travel with the data: every Allreduce carries two more numbers,
/// the count of ranks whose local work failed and of ranks whose token fired. A failure therefore
/// ends every rank at the same collective (the failing rank with its own exception, the others with
/// <see cref="RankFailureException"/>) instead of leaving them waiting, and a cancellation becomes
/// <see cref="CollectiveToken"/>, which fires on every rank at the same point, so LSQR stops at the
/// same iteration everywhere. A failure in A·x (no collective) is held until the next collective.</para>
/// </remarks>
internal sealed class RowBlockOperator : ILinearOperator
{
    private readonly ICommunicator _communicator;
    private readonly IReadOnlyList<RowBlock> _blocks;
    private readonly double _scale;
    private readonly CancellationToken _userToken;
    private readonly CancellationTokenSource _collective = new();
    private readonly double[] _chunk;
    private readonly int _chunkRows;
    private ExceptionDispatchInfo? _pending;

    /// <param name="communicator">The ranks.</param>
    /// <param name="blocks">This rank's blocks, contiguous and in global order.</param>
    /// <param name="columns">d.</param>
    /// <param name="chunkRows">Rows per chunk read.</param>
    /// <param name="scale">The power of two A is multiplied by as it is read.</param>
    /// <param name="userToken">The caller's token, turned into <see cref="CollectiveToken"/>.</param>
    public RowBlockOperator(ICommunicator communicator, IReadOnlyList<RowBlock> blocks, int columns, int chunkRows, double scale, CancellationToken userToken)
    {
        _communicator = communicator;
        _blocks = blocks;
        _scale = scale;
        _userToken = userToken;
        Columns = columns;
        long rows = 0;
        foreach (var block in blocks) rows += block.Count;
        Rows = checked((int)rows);
        _chunkRows = chunkRows;
        _chunk = new double[(long)Math.Min(_chunkRows, Math.Max(1, MaxBlockRows(blocks))) * columns];
    }

    private static int MaxBlockRows(IReadOnlyList<RowBlock> blocks)
    {
        int max = 0;
        foreach (var block in blocks) max = Math.Max(max, block.Count);
        return max;
    }

    /// <summary>Fires on every rank at the same collective once any rank's caller cancelled.</summary>
    public CancellationToken CollectiveToken => _collective.Token;

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <inheritdoc />
    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        try { Pass(Product.Forward, x, 0, y, default, default); }
        catch (Exception e)
        {
            _pending ??= ExceptionDispatchInfo.Capture(e);
            y.Clear();
        }
    }

    /// <inheritdoc />
    public void MultiplyTransposed(ReadOnlySpan<double> y, Span<double> x)
    {
        var payload = new double[Columns + 2];
        try { Pass(Product.Transposed, default, 0, default, y, payload.AsSpan(0, Columns)); }
        catch (Exception e) { _pending ??= ExceptionDispatchInfo.Capture(e); }
        Reduce(payload);
        payload.AsSpan(0, Columns).CopyTo(x);
    }

    /// <inheritdoc />
    public void MultiplyThenTransposed(ReadOnlySpan<double> x, double alpha, Span<double> y, Span<double> z)
    {
        var payload = new double[Columns + 2];
        try { Pass(Product.Fused, x, alpha, y, y, payload.AsSpan(0, Columns)); }
        catch (Exception e) { _pending ??= ExceptionDispatchInfo.Capture(e); }
        Reduce(payload);
        payload.AsSpan(0, Columns).CopyTo(z);
    }

    /// <summary>What one pass over the rank's rows computes.</summary>
    private enum Product
    {
        /// <summary>y ← A·x.</summary>
        Forward,

        /// <summary>total ← Aᵀy.</summary>
        Transposed,

        /// <summary>y ← A·x − α·y, then total ← Aᵀy with the updated y (one read of each chunk).</summary>
        Fused,
    }

    /// <summary>
    /// The one loop over this rank's rows: every block is read chunk by chunk into the shared buffer,
    /// the chunk's product formed with the thread-count-invariant backend (the same bits on every
    /// rank whatever its thread count), and for the transposed products each block's share summed in
    /// chunk order, then the shares in block order into <paramref name="total"/> (this rank's part of
    /// the rank-ordered sum).
    /// </summary>
    /// <param name="product">What to compute.</param>
    /// <param name="x">The d-vector of A·x (Forward, Fused).</param>
    /// <param name="alpha">α of the fused update.</param>
    /// <param name="yOut">This rank's rows of y, written (Forward, Fused).</param>
    /// <param name="yIn">This rank's rows of y, read (Transposed; Fused: the same memory as <paramref name="yOut"/>).</param>
    /// <param name="total">This rank's Aᵀy (Transposed, Fused).</param>
    private void Pass(Product product, ReadOnlySpan<double> x, double alpha, Span<double> yOut, ReadOnlySpan<double> yIn, Span<double> total)
    {
        bool transposed = product != Product.Forward;
        var share = transposed ? new double[Columns] : null;
        var part = transposed ? new double[Columns] : null;
        var xs = product == Product.Fused ? x.ToArray() : null;
        int row = 0;
        bool first = true;
        foreach (var block in _blocks)
        {
            share?.AsSpan().Clear();
            for (int r0 = 0; r0 < block.Count; r0 += _chunkRows)
            {
                int k = Math.Min(_chunkRows, block.Count - r0);
                block.CopyRows(r0, k, _chunk, k, _scale);
                switch (product)
                {
                    case Product.Forward:
                        LinearAlgebraBackend.ThreadCountInvariant.Gemv(Transpose.NoTranspose, k, Columns, 1.0, _chunk, k, x, 1, 0.0, yOut.Slice(row, k), 1);
                        break;
                    case Product.Transposed:
                        LinearAlgebraBackend.ThreadCountInvariant.Gemv(Transpose.Transpose, k, Columns, 1.0, _chunk, k, yIn.Slice(row, k), 1, 0.0, part, 1);
                        break;
                    default:
                        new DenseOperator(_chunk, k, Columns, k).MultiplyThenTransposed(xs, alpha, yOut.Slice(row, k), part);
                        break;
                }
                if (transposed) for (int j = 0; j < Columns; j++) share![j] += part![j];
                row += k;
            }
            if (transposed)
            {
                if (first) share!.CopyTo(total);
                else for (int j = 0; j < Columns; j++) total[j] += share![j];
                first = false;
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>Each block's Σyᵢ² is summed in row order, the blocks' sums in block order and the ranks' in rank order; the square root is taken of the total. The inputs are scaled to magnitudes near 1, so the squares neither overflow nor lose a residual that matters.</remarks>
    public double RowSpaceNorm(ReadOnlySpan<double> y)
    {
        var payload = new double[3];
        int row = 0;
        bool first = true;
        foreach (var block in _blocks)
        {
            double share = 0;
            foreach (double v in y.Slice(row, block.Count)) share += v * v;
            payload[0] = first ? share : payload[0] + share;
            first = false;
            row += block.Count;
        }
        Reduce(payload);
        return Math.Sqrt(payload[0]);
    }

    /// <summary>Allreduces the payload with this rank's failure and cancellation counts in its last two entries, then acts on the totals.</summary>
    private void Reduce(double[] payload)
    {
        payload[^2] = _pending is null ? 0 : 1;
        payload[^1] = _userToken.IsCancellationRequested ? 1 : 0;
        _communicator.AllreduceSum(payload);
        if (payload[^2] > 0)
        {
            _pending?.Throw();
            throw new RankFailureException($"{payload[^2]:0} other rank(s) failed while reading their rows of A; see their errors.");
        }
        if (payload[^1] > 0) _collective.Cancel();
    }
}
