using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>The outcome of a plug-and-play solve.</summary>
/// <param name="X">The estimate.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when <see cref="Residual"/> ≤ Tolerance·(1 + ‖X‖₂);
/// <see cref="SolverStatus.MaxIterations"/>; <see cref="SolverStatus.Breakdown"/> on a non-finite
/// iterate (X is then the last finite one); <see cref="SolverStatus.Cancelled"/>.
/// </param>
/// <param name="Iterations">Iterations done.</param>
/// <param name="Residual">
/// Proximal gradient: the gradient mapping ‖f(X − η∇h(X)) − X‖₂/η at the returned X, zero exactly at
/// a critical point of h + R/η. ADMM: max(‖x − z‖₂, ρ‖z − z_prev‖₂, ‖(AᵀA + ρI)x − Aᵀb − ρ(z_prev − u)‖₂)
/// of the last iteration (primal, dual and inner-solve residuals), with X = z.
/// </param>
public sealed record PlugAndPlayResult(double[] X, SolverStatus Status, int Iterations, double Residual);
