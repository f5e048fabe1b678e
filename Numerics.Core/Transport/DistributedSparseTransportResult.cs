using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The outcome of <see cref="DistributedSparseTransport"/> on one rank: the plan of this rank's
/// columns, and everything else for the whole problem, the same on every rank.
/// </summary>
/// <param name="BlockPlans">The plan's columns of each block this rank holds, in the blocks' order (each m × the block's columns, ≤ k non-zeros per column).</param>
/// <param name="Alpha">α, the source potentials (length m).</param>
/// <param name="Beta">β, all n target potentials, for the dual; null for the semi-dual.</param>
/// <param name="Formulation">The dual that was maximised.</param>
/// <param name="K">k, the most non-zeros per column allowed.</param>
/// <param name="Gamma">γ, the regulariser's weight.</param>
/// <param name="Cost">⟨T, C⟩ over all columns.</param>
/// <param name="RegularizedCost">⟨T, C⟩ + (γ/2)‖T‖² over all columns.</param>
/// <param name="DualValue">S_k(α) or D_k(α, β): a proven lower bound on the optimum of the k-sparse regularised problem, by weak duality, at any potentials.</param>
/// <param name="GapEstimate">RegularizedCost − DualValue for the returned plan, which meets the row marginals only approximately: an estimate, not a certificate (see <see cref="SparseTransportResult.GapEstimate"/>; no feasible plan is rounded across ranks).</param>
/// <param name="RowMarginalError">Σᵢ |(T·1)ᵢ − aᵢ| with T·1 summed over every rank's columns.</param>
/// <param name="ColumnMarginalError">Σⱼ |(Tᵀ·1)ⱼ − bⱼ| over all columns.</param>
/// <param name="Residual">The L-BFGS stopping measure at the returned potentials (the total marginal error, as for <see cref="SparseTransport"/>).</param>
/// <param name="MaxNonZerosPerColumn">The most non-zeros in any column of the whole plan.</param>
/// <param name="Status">As in <see cref="SparseTransportResult.Status"/>: <c>Converged</c> only when the recomputed row + column marginal error meets the tolerance; the same on every rank.</param>
/// <param name="Iterations">L-BFGS iterations.</param>
/// <param name="Evaluations">Objective evaluations, each one pass over every rank's columns and one AllreduceSum.</param>
/// <param name="BytesCommunicated">The communicator's <c>BytesCommunicated</c> spent by this solve on this rank.</param>
public sealed record DistributedSparseTransportResult(
    IReadOnlyList<TransportPlan> BlockPlans,
    Vector<double> Alpha,
    Vector<double>? Beta,
    TransportFormulation Formulation,
    int K,
    double Gamma,
    double Cost,
    double RegularizedCost,
    double DualValue,
    double GapEstimate,
    double RowMarginalError,
    double ColumnMarginalError,
    double Residual,
    int MaxNonZerosPerColumn,
    SolverStatus Status,
    int Iterations,
    int Evaluations,
    long BytesCommunicated);
