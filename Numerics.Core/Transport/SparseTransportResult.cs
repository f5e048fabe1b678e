using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The outcome of <see cref="SparseTransport"/>: the plan, the potentials, and how far from optimal
/// they are — a proven lower bound on the optimum always, and a certified duality gap when a
/// feasible plan is available.
/// </summary>
/// <remarks>
/// <para>
/// <b>Lower bound.</b> For any potentials, weak duality gives D_k(α, β) ≤ P_k and S_k(α) ≤ P_k, where
/// P_k = min {⟨T, C⟩ + (γ/2)‖T‖² : T ∈ U(a, b), ‖t_j‖₀ ≤ k} (+∞ when no such plan exists): for a
/// feasible T the Lagrangian ⟨T, C⟩ + (γ/2)‖T‖² + ⟨α, a − T·1⟩ + ⟨β, b − Tᵀ·1⟩ equals its primal
/// value, and minimising it over all T ≥ 0 with ≤ k non-zeros per column (a larger set) gives D_k;
/// keeping Tᵀ·1 = b and minimising over α's term alone gives S_k. The sparsity constraint makes P_k
/// non-convex, so the bound need not be tight; it is for k ≥ m. <see cref="DualValue"/> is this bound.
/// </para>
/// <para>
/// <b>Upper bound and gap.</b> Only a feasible plan bounds P_k from above. The solver looks for one:
/// the returned plan rounded onto U(a, b) (<see cref="PlanRounding"/>), kept when it still has at most
/// k non-zeros per column — always for k ≥ m, where there is no sparsity constraint — and, at k = 1,
/// the exact-LP plan rebuilt from α (<see cref="ExactPlanReconstruction"/>) when it meets the
/// marginals with one non-zero per column. The better one is <see cref="FeasiblePlan"/>, and
/// <see cref="DualityGap"/> = its regularised cost − <see cref="DualValue"/> ≥ P_k − DualValue and
/// ≥ its own suboptimality: a certificate, non-negative up to the rounding of the two values
/// (a few units of u·|value|). When no feasible plan is found, <see cref="DualityGap"/> is null and
/// only <see cref="GapEstimate"/> is available.
/// </para>
/// </remarks>
/// <param name="Plan">T, with at most k non-zeros per column (exact zeros elsewhere); it meets the marginals only up to <paramref name="RowMarginalError"/> and <paramref name="ColumnMarginalError"/>.</param>
/// <param name="Alpha">α, the source potentials (length m).</param>
/// <param name="Beta">β, the target potentials (length n) for the dual; null for the semi-dual.</param>
/// <param name="Formulation">The dual that was maximised.</param>
/// <param name="K">k, the most non-zeros per column allowed.</param>
/// <param name="Gamma">γ, the regulariser's weight.</param>
/// <param name="Cost">⟨T, C⟩ of <paramref name="Plan"/>.</param>
/// <param name="RegularizedCost">⟨T, C⟩ + (γ/2)‖T‖² of <paramref name="Plan"/>: its primal value, not a bound (the plan is not feasible).</param>
/// <param name="DualValue">S_k(α) or D_k(α, β) at the returned potentials: a lower bound on the optimal value P_k (see remarks).</param>
/// <param name="GapEstimate">
/// RegularizedCost − DualValue: an estimate, not a bound. <paramref name="Plan"/> violates the
/// marginals by the reported errors, so its primal value can lie below P_k and this can be negative
/// (by Fenchel's equality per column it equals Σᵢ xᵢ·∇ᵢf over the potentials x, so its size is at most
/// ‖x‖∞ times the marginal error).
/// </param>
/// <param name="DualityGap">
/// <paramref name="FeasiblePlan"/>'s regularised cost − DualValue: an upper bound on the suboptimality
/// of both the feasible plan and the dual value; null when no feasible plan was found (see remarks).
/// </param>
/// <param name="FeasiblePlan">The feasible plan behind <paramref name="DualityGap"/>, or null.</param>
/// <param name="RowMarginalError">Σᵢ |(T·1)ᵢ − aᵢ| of <paramref name="Plan"/>, against the normalised a/Σa (see <paramref name="InputMass"/>).</param>
/// <param name="ColumnMarginalError">Σⱼ |(Tᵀ·1)ⱼ − bⱼ| against b/Σb (rounding level for the semi-dual, whose columns carry b exactly).</param>
/// <param name="InputMass">Σa and Σb as passed: against the caller's vectors the errors are larger by at most |Σa − 1| and |Σb − 1|.</param>
/// <param name="Residual">‖∇f‖₁ at the returned potentials, the total marginal violation L-BFGS tested (equal to RowMarginalError + ColumnMarginalError up to summation order).</param>
/// <param name="MaxNonZerosPerColumn">The largest number of non-zeros in a column of <paramref name="Plan"/>.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when RowMarginalError + ColumnMarginalError, recomputed from the
/// returned plan, is within the tolerance. <see cref="SolverStatus.Stalled"/> when the line search found
/// no acceptable step (expected at small k, above all k = 1, where the dual is piecewise linear near its
/// maximum and a ≤ k-sparse plan read off the dual need not meet the marginals), or when L-BFGS's test
/// passed but the recomputed errors do not. <see cref="SolverStatus.MaxIterations"/>, <see cref="SolverStatus.Cancelled"/>.
/// </param>
/// <param name="Iterations">L-BFGS iterations.</param>
/// <param name="Evaluations">Objective evaluations (each one pass over C).</param>
public sealed record SparseTransportResult(
    TransportPlan Plan,
    Vector<double> Alpha,
    Vector<double>? Beta,
    TransportFormulation Formulation,
    int K,
    double Gamma,
    double Cost,
    double RegularizedCost,
    double DualValue,
    double GapEstimate,
    double? DualityGap,
    FeasibleTransportPlan? FeasiblePlan,
    double RowMarginalError,
    double ColumnMarginalError,
    InputMass InputMass,
    double Residual,
    int MaxNonZerosPerColumn,
    SolverStatus Status,
    int Iterations,
    int Evaluations)
{
    /// <summary>The total marginal error of <see cref="Plan"/>, RowMarginalError + ColumnMarginalError: the quantity the tolerance bounds.</summary>
    public double MarginalError => RowMarginalError + ColumnMarginalError;

    /// <summary>The upper bound on P_k from <see cref="FeasiblePlan"/> (its regularised cost), or null.</summary>
    public double? UpperBound => FeasiblePlan?.RegularizedCost;
}
