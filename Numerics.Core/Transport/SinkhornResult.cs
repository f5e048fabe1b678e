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
/// <param name="DualObjective">Σaᵢfᵢ + Σbⱼgⱼ − ε·(ΣTᵢⱼ − 1): equal to <paramref name="Objective"/> when the marginals hold.</param>
/// <param name="RowMarginalError">‖T·1 − a‖₂.</param>
/// <param name="ColumnMarginalError">‖Tᵀ·1 − b‖₂.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when both recomputed errors are within the tolerance;
/// <see cref="SolverStatus.MaxIterations"/>; <see cref="SolverStatus.Breakdown"/> on non-finite values
/// (ε so small that (f − c)/ε overflows); <see cref="SolverStatus.Stalled"/> when the in-loop error
/// met the tolerance but the recomputed one does not; <see cref="SolverStatus.Cancelled"/>.
/// </param>
/// <param name="Iterations">Iterations made (one column update and one row update each).</param>
public sealed record SinkhornResult(Matrix<double> Plan, double[] F, double[] G, double Epsilon, double Cost, double Objective, double DualObjective,
    double RowMarginalError, double ColumnMarginalError, SolverStatus Status, int Iterations)
{
    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;
}
