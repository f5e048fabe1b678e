using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>The outcome of <see cref="SparseTransport"/>: the plan, the potentials and the certificates of how good they are.</summary>
/// <param name="Plan">T, with at most k non-zeros per column (exact zeros elsewhere).</param>
/// <param name="Alpha">α, the source potentials (length m).</param>
/// <param name="Beta">β, the target potentials (length n) for the dual; null for the semi-dual.</param>
/// <param name="Formulation">The dual that was maximised.</param>
/// <param name="K">k, the most non-zeros per column allowed.</param>
/// <param name="Gamma">γ, the regulariser's weight.</param>
/// <param name="Cost">⟨T, C⟩, the transport cost of the plan.</param>
/// <param name="RegularizedCost">⟨T, C⟩ + (γ/2)‖T‖², the primal objective at the plan.</param>
/// <param name="DualValue">S_k(α) or D_k(α, β), a lower bound on the optimal value of the convexified primal.</param>
/// <param name="DualityGap">
/// RegularizedCost − DualValue. It certifies optimality only together with small marginal errors:
/// the plan is feasible only up to them, so the gap can be slightly negative.
/// </param>
/// <param name="RowMarginalError">Σᵢ |(T·1)ᵢ − aᵢ|.</param>
/// <param name="ColumnMarginalError">Σⱼ |(Tᵀ·1)ⱼ − bⱼ| (rounding level for the semi-dual, whose columns carry b exactly).</param>
/// <param name="Residual">‖∇f‖∞ at the returned potentials: the largest marginal violation, the quantity the tolerance bounds.</param>
/// <param name="MaxNonZerosPerColumn">The largest number of non-zeros in a column of <paramref name="Plan"/>.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when Residual ≤ tolerance. <see cref="SolverStatus.Stalled"/>
/// when the line search found no acceptable step: expected at small k (k = 1 above all), where the
/// dual is piecewise linear near its maximum and the marginals cannot be met by a ≤ k-sparse plan
/// from the dual alone. <see cref="SolverStatus.MaxIterations"/>, <see cref="SolverStatus.Cancelled"/>.
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
    double DualityGap,
    double RowMarginalError,
    double ColumnMarginalError,
    double Residual,
    int MaxNonZerosPerColumn,
    SolverStatus Status,
    int Iterations,
    int Evaluations);
