using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The outcome of <see cref="SparseTransport.SolveBatch(IReadOnlyList{TransportProblem}, int, SparseTransportOptions?)"/>:
/// one <see cref="SparseTransportResult"/> per problem, in order, each with its own status, errors,
/// dual value and certificate, and what the shared L-BFGS run did.
/// </summary>
/// <param name="Results">Problem p's result. Its status is earned on its own marginal errors, recomputed from its plan; its Iterations and Evaluations are the batch's (every evaluation covers every problem).</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when every problem's result is; otherwise the shared run's
/// status (<see cref="SolverStatus.MaxIterations"/>, <see cref="SolverStatus.Stalled"/>,
/// <see cref="SolverStatus.Cancelled"/>), or Stalled when the run's test passed but a recomputed error did not.
/// </param>
/// <param name="Residual">‖∇F‖₁ over all problems at the end: the sum of their total marginal errors, which L-BFGS tested against the tolerance.</param>
/// <param name="Iterations">L-BFGS iterations of the shared run.</param>
/// <param name="Evaluations">Batched evaluations (each one pass over every problem's C).</param>
public sealed record SparseTransportBatchResult(
    IReadOnlyList<SparseTransportResult> Results,
    SolverStatus Status,
    double Residual,
    int Iterations,
    int Evaluations)
{
    /// <summary>How many problems ended <see cref="SolverStatus.Converged"/>.</summary>
    public int ConvergedCount => Results.Count(r => r.Status == SolverStatus.Converged);
}
