namespace Numerics.Optimization;

/// <summary>
/// The outcome of <see cref="ProximalGradient{TVector}"/>: <see cref="MinimizationResult{TVector}.Value"/>
/// is f(X) + g(X) and <see cref="MinimizationResult{TVector}.Residual"/> the gradient-mapping norm
/// ‖X − prox_{t·g}(X − t∇f(X))‖₂/t recomputed at X with t = <paramref name="Step"/>.
/// </summary>
/// <param name="X">The last accepted iterate.</param>
/// <param name="Value">f(X) + g(X).</param>
/// <param name="Residual">The gradient-mapping norm at X.</param>
/// <param name="Status">Why the solver stopped.</param>
/// <param name="Iterations">Accepted steps.</param>
/// <param name="Evaluations">Evaluations of f and ∇f, backtracking trials included.</param>
/// <param name="Step">The step t the residual was computed with (the backtracked step at the end).</param>
/// <param name="Restarts">Momentum restarts.</param>
public sealed record ProximalGradientResult<TVector>(TVector X, double Value, double Residual, SolverStatus Status, int Iterations, int Evaluations, double Step, int Restarts)
    : MinimizationResult<TVector>(X, Value, Residual, Status, Iterations, Evaluations);
