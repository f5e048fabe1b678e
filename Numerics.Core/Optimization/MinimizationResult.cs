namespace Numerics.Optimization;

/// <summary>The outcome of a minimiser (L-BFGS, FISTA, …).</summary>
/// <param name="X">The returned iterate: the last one, or the best one when the solver stopped early (<see cref="SolverStatus.Stalled"/>, <see cref="SolverStatus.Cancelled"/>).</param>
/// <param name="Value">The objective at <paramref name="X"/> (for composite problems f(X) + g(X)).</param>
/// <param name="Residual">The optimality measure at <paramref name="X"/>, recomputed there (each solver documents which: ‖∇f‖∞, the gradient-mapping norm, …).</param>
/// <param name="Status">Why the solver stopped; <see cref="SolverStatus.Converged"/> only when <paramref name="Residual"/> meets the tolerance.</param>
/// <param name="Iterations">Iterations completed.</param>
/// <param name="Evaluations">Objective (value and gradient) evaluations.</param>
public record MinimizationResult<TVector>(TVector X, double Value, double Residual, SolverStatus Status, int Iterations, int Evaluations);
