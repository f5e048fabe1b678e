namespace Numerics.Optimization;

/// <summary>The outcome of <see cref="Lbfgs{TVector}.Minimize"/>.</summary>
/// <param name="X">The returned iterate, the lowest point reached (f never rises between iterates, up to a line search's flat band, <see cref="StrongWolfeLineSearch.FlatTolerance"/>). A new vector; the caller owns it.</param>
/// <param name="Value">f(X).</param>
/// <param name="Residual">‖∇f(X)‖ in <see cref="LbfgsOptions.GradientNorm"/> (default ‖·‖∞), from the evaluation at X.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when Residual ≤ Tolerance; <see cref="SolverStatus.Stalled"/>
/// when the line search failed even along −∇f with the history cleared, or f stopped decreasing
/// (see <see cref="LbfgsOptions.StallWindow"/>); <see cref="SolverStatus.MaxIterations"/>;
/// <see cref="SolverStatus.Cancelled"/>.
/// </param>
/// <param name="Iterations">Accepted steps.</param>
/// <param name="Evaluations">Objective evaluations, the one at x₀ and every line-search trial included.</param>
/// <param name="Gradient">∇f(X) (the evaluation behind Residual). A new vector; the caller owns it.</param>
/// <param name="SkippedUpdates">Accepted steps whose pair (s, y) failed sᵀy &gt; ε·‖s‖·‖y‖ and was not stored.</param>
/// <param name="Restarts">Times the history was cleared and the iteration restarted along −∇f: after a failed line search, or when the two-loop direction was not a descent direction.</param>
public sealed record LbfgsResult<TVector>(TVector X, double Value, double Residual, SolverStatus Status, int Iterations, int Evaluations,
    TVector Gradient, int SkippedUpdates, int Restarts)
    : MinimizationResult<TVector>(X, Value, Residual, Status, Iterations, Evaluations);
