using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The outcome of <see cref="SinkhornTransport"/>: the entropic plan
/// Tᵢⱼ = aᵢ·bⱼ·exp((fᵢ + gⱼ − cᵢⱼ)/ε), its potentials and its errors, all recomputed from the returned plan.
/// </summary>
/// <param name="Plan">T, dense m×n; rows with aᵢ = 0 and columns with bⱼ = 0 are exactly zero.</param>
/// <param name="F">Row potentials f (for aᵢ = 0, the value the row update would give: −ε·log Σⱼ bⱼ·exp((gⱼ − cᵢⱼ)/ε)).</param>
/// <param name="G">Column potentials g (likewise for bⱼ = 0).</param>
/// <param name="Epsilon">The entropic regularisation ε.</param>
/// <param name="Cost">⟨T, C⟩ (POT's <c>sinkhorn2</c>).</param>
/// <param name="Objective">⟨T, C⟩ + ε·KL(T ‖ a⊗b), with KL(T ‖ a⊗b) = Σ Tᵢⱼ·log(Tᵢⱼ/(aᵢbⱼ)) − ΣTᵢⱼ + 1.</param>
/// <param name="DualObjective">
/// Σaᵢfᵢ + Σbⱼgⱼ − ε·(ΣTᵢⱼ − 1), the entropic dual at (f, g) (ΣTᵢⱼ = Σ aᵢbⱼ·exp((fᵢ + gⱼ − cᵢⱼ)/ε)):
/// by weak duality a lower bound on the optimal entropic objective, for any potentials.
/// </param>
/// <param name="FeasibleObjective">
/// The entropic objective of the plan rounded onto U(a, b) (<see cref="PlanRounding"/>): a feasible
/// plan, so an upper bound on the optimum (NaN on <see cref="SolverStatus.Breakdown"/>).
/// </param>
/// <param name="RowMarginalError">‖T·1 − a‖₂ against the normalised a/Σa (the marginals every transport solver uses).</param>
/// <param name="ColumnMarginalError">‖Tᵀ·1 − b‖₂ against b/Σb.</param>
/// <param name="InputMass">Σa and Σb as passed: against the caller's vectors the errors are larger by at most |Σa − 1| and |Σb − 1|.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when both recomputed errors are within the tolerance;
/// <see cref="SolverStatus.MaxIterations"/>; <see cref="SolverStatus.Breakdown"/> on non-finite values
/// (ε so small that (f − c)/ε overflows); <see cref="SolverStatus.Stalled"/> when the in-loop error
/// met the tolerance but the recomputed one does not; <see cref="SolverStatus.Cancelled"/>.
/// </param>
/// <param name="Iterations">Iterations made (one column update and one row update each).</param>
public sealed record SinkhornResult(Matrix<double> Plan, double[] F, double[] G, double Epsilon, double Cost, double Objective, double DualObjective,
    double FeasibleObjective, double RowMarginalError, double ColumnMarginalError, InputMass InputMass, SolverStatus Status, int Iterations)
{
    /// <summary>
    /// FeasibleObjective − DualObjective: a certified bound on the suboptimality of both the rounded plan
    /// and the dual value, non-negative up to the rounding of the two values.
    /// </summary>
    public double DualityGap => FeasibleObjective - DualObjective;

    /// <summary>
    /// Objective − DualObjective for the returned (unrounded) plan: an estimate, not a bound, since that
    /// plan meets the marginals only to the reported errors.
    /// </summary>
    public double GapEstimate => Objective - DualObjective;

    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;
}
