using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>R_θ at a batch of points, with the inversion behind each value.</summary>
/// <param name="Values">R_θ(x_j) = ⟨x_j, ŷ_j⟩ − ½‖x_j‖² − ψ(ŷ_j), one per point (up to an additive constant shared by all points).</param>
/// <param name="Preimages">ŷ_j with f(ŷ_j) ≈ x_j, n×m; ∇R_θ(x_j) = ŷ_j − x_j.</param>
/// <param name="Residuals">‖f(ŷ_j) − x_j‖₂, recomputed at the returned ŷ_j.</param>
/// <param name="Statuses">
/// Per point: <see cref="SolverStatus.Converged"/> when the residual meets the tolerance; otherwise
/// L-BFGS's status. A point outside the range of f (possible when α = 0, where R = +∞) cannot converge:
/// F(u) = ψ(u) − ⟨x, u⟩ is then unbounded below and the solve ends without <c>Converged</c>.
/// <see cref="SolverStatus.Breakdown"/> (NaN value and residual) when ψ or f is not finite at the
/// start u₀ = x, which happens only when α‖x‖² overflows.
/// </param>
/// <param name="Iterations">L-BFGS iterations per point.</param>
/// <remarks>When the token fires, the points not yet evaluated have NaN value and residual and <see cref="SolverStatus.Cancelled"/>.</remarks>
public sealed record RegularizerEvaluation(double[] Values, double[] Preimages, double[] Residuals, SolverStatus[] Statuses, int[] Iterations)
{
    /// <summary>The largest residual over the points.</summary>
    public double MaxResidual => Residuals.Max();

    /// <summary>Whether every point converged.</summary>
    public bool AllConverged => Statuses.All(s => s == SolverStatus.Converged);
}
