namespace Numerics.Optimization;

/// <summary>The outcome of <see cref="ConjugateGradient{TVector}"/>.</summary>
/// <param name="X">The returned iterate: the last one, or for <see cref="SolverStatus.Stalled"/> the one with the smallest recomputed residual.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> only when <paramref name="ResidualNorm"/> ≤ Tolerance·‖b‖;
/// <see cref="SolverStatus.Breakdown"/> when pᵀA·p ≤ 0 (A, or the preconditioner, is not positive
/// definite) or a product was not finite; <see cref="SolverStatus.Stalled"/> when restarting from
/// the recomputed residual no longer lowers it (the tolerance is below the rounding floor).
/// </param>
/// <param name="Iterations">Iterations completed (one product with A each, plus one per recomputed residual).</param>
/// <param name="ResidualNorm">‖b − A·X‖₂, recomputed from A at <paramref name="X"/> (not the recursively updated residual).</param>
/// <param name="Restarts">Times the recursive residual met the tolerance while the recomputed one did not, and the iteration restarted from the latter.</param>
public sealed record ConjugateGradientResult<TVector>(TVector X, SolverStatus Status, int Iterations, double ResidualNorm, int Restarts);
