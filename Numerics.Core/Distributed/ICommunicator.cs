namespace Numerics.Distributed;

/// <summary>
/// A group of cooperating processes (ranks) that exchange dense spans: what the distributed
/// solvers need from MPI, and nothing more. <see cref="SingleProcessCommunicator"/> is the group
/// of one; an MPI implementation lives outside Core.
/// </summary>
/// <remarks>
/// <para>Every collective must be called by every rank, in the same order, with spans of the same
/// length: that is the caller's contract, as in MPI.</para>
/// <para>Determinism: <see cref="AllreduceSum"/> must give the same bits on every rank and in every
/// run, whatever the transport does internally. Implementations therefore sum the ranks'
/// contributions in rank order (0, 1, …, size − 1), left to right, rather than in whatever tree
/// order a library reduction chooses, so that a result depends only on the partition of the data.</para>
/// </remarks>
public interface ICommunicator
{
    /// <summary>This process's rank, in [0, <see cref="Size"/>).</summary>
    int Rank { get; }

    /// <summary>The number of ranks (≥ 1).</summary>
    int Size { get; }

    /// <summary>
    /// values ← Σ over ranks of every rank's values, element by element, summed in rank order; the
    /// same bits on every rank.
    /// </summary>
    void AllreduceSum(Span<double> values);

    /// <summary>values ← the values of rank <paramref name="root"/>, on every rank.</summary>
    void Broadcast(Span<double> values, int root);

    /// <summary>
    /// True on every rank when <paramref name="ok"/> is true on every rank: the collective with
    /// which ranks agree to go on or to stop together (a rank that failed says so here instead of
    /// leaving the others waiting in the next collective).
    /// </summary>
    bool AllAgree(bool ok);

    /// <summary>Payload bytes this rank has sent and received through the collectives so far.</summary>
    long BytesCommunicated { get; }
}
