using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>The outcome of <see cref="ExactPlanReconstruction"/>.</summary>
/// <param name="Plan">The plan on the support: a basic solution of the marginal equations there (at most m + n − 1 entries).</param>
/// <param name="Beta">βⱼ = minᵢ(cᵢⱼ − αᵢ), the c-transform of α.</param>
/// <param name="SupportSize">The number of cells in the support.</param>
/// <param name="Cost">⟨T, C⟩.</param>
/// <param name="DualObjective">
/// Σaᵢαᵢ + Σbⱼβⱼ (normalised a, b). (α, β) is dual feasible by construction, so this is a lower bound on the exact cost,
/// and <paramref name="Cost"/> − DualObjective bounds the plan's suboptimality whenever the marginals hold.
/// </param>
/// <param name="RowMarginalViolation">maxᵢ |Σⱼ Tᵢⱼ − aᵢ| against the normalised a/Σa.</param>
/// <param name="ColumnMarginalViolation">maxⱼ |Σᵢ Tᵢⱼ − bⱼ| against b/Σb.</param>
/// <param name="InputMass">Σa and Σb as passed (see <see cref="Transport.InputMass"/>).</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when the recomputed marginal violations are within the
/// tolerance; <see cref="SolverStatus.Stalled"/> when the support admits no plan with these marginals
/// (the plan then violates them as little as the support allows); <see cref="SolverStatus.MaxIterations"/>
/// or <see cref="SolverStatus.Cancelled"/> from the solve on the support.
/// </param>
/// <param name="Iterations">Pivots of the solve on the support.</param>
public sealed record PlanReconstructionResult(CoordinatePlan Plan, double[] Beta, int SupportSize, double Cost, double DualObjective,
    double RowMarginalViolation, double ColumnMarginalViolation, InputMass InputMass, SolverStatus Status, int Iterations)
{
    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;
}
