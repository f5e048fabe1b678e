using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>The outcome of <see cref="ExactPlanReconstruction"/>.</summary>
/// <param name="Plan">The plan on the support: a basic solution of the marginal equations there (at most m + n − 1 entries).</param>
/// <param name="Beta">βⱼ = minᵢ(cᵢⱼ − αᵢ), the c-transform of α.</param>
/// <param name="SupportSize">The number of cells in the support.</param>
/// <param name="Cost">⟨T, C⟩.</param>
/// <param name="DualObjective">
/// Σaᵢαᵢ + Σbⱼβⱼ. (α, β) is dual feasible by construction, so this is a lower bound on the exact cost,
/// and <paramref name="Cost"/> − DualObjective bounds the plan's suboptimality whenever the marginals hold.
/// </param>
/// <param name="RowMarginalViolation">maxᵢ |Σⱼ Tᵢⱼ − aᵢ|.</param>
/// <param name="ColumnMarginalViolation">maxⱼ |Σᵢ Tᵢⱼ − bⱼ| (b rescaled to Σa as in <see cref="ExactTransport"/>).</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when the recomputed marginal violations are within the
/// tolerance; <see cref="SolverStatus.Stalled"/> when the support admits no plan with these marginals
/// (the plan then violates them as little as the support allows); <see cref="SolverStatus.MaxIterations"/>
/// or <see cref="SolverStatus.Cancelled"/> from the solve on the support.
/// </param>
/// <param name="Iterations">Pivots of the solve on the support.</param>
public sealed record PlanReconstructionResult(CoordinatePlan Plan, double[] Beta, int SupportSize, double Cost, double DualObjective,
    double RowMarginalViolation, double ColumnMarginalViolation, SolverStatus Status, int Iterations)
{
    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;
}
