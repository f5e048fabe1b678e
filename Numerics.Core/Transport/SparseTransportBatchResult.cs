using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The outcome of <see cref="SparseTransport.SolveBatch(IReadOnlyList{TransportProblem}, int, SparseTransportOptions?)"/>:
/// one <see cref="SparseTransportResult"/> per problem, in order, each exactly what
/// <see cref="SparseTransport.Solve(TransportProblem, int, SparseTransportOptions?)"/> reports for
/// that problem (status earned on its own recomputed marginal errors, its own iterations, dual
/// value and certificate), and the number of batched passes that produced them.
/// </summary>
/// <param name="Results">Problem p's result.</param>
/// <param name="Passes">
/// Batched evaluations when the problems ran in lockstep on a batched evaluation
/// (<see cref="SparseTransport.SolveBatch(ISparseTransportBatchObjective, SparseTransportOptions?)"/>, as on a device),
/// each one pass over the running problems' C: the most evaluations any problem took, plus the final one that reads the plans.
/// 0 when the problems were solved independently (the host overload).
/// </param>
public sealed record SparseTransportBatchResult(IReadOnlyList<SparseTransportResult> Results, long Passes)
{
    /// <summary>How many problems ended <see cref="SolverStatus.Converged"/>.</summary>
    public int ConvergedCount => Results.Count(r => r.Status == SolverStatus.Converged);
}
