using Numerics.Optimization;

namespace Numerics.Spectral;

/// <summary>The outcome of one Newton–Schulz matrix function.</summary>
/// <param name="Value">The result (same shape as the input).</param>
/// <param name="Steps">Newton–Schulz steps taken (for the hard clip, of both sign iterations).</param>
/// <param name="Residual">
/// The certificate, recomputed after the last step from the iterate itself rather than from the
/// recursively updated one: ‖I − Z·Y₀·Z‖_F for the soft clip, ‖N² − N‖_F with N = VᵀV the Gram
/// matrix of the output V for the polar factor, the larger of the two sign certificates for the hard clip.
/// </param>
/// <param name="Alpha">α = 1 + ŝ/c² with ŝ ≥ σ_max² (soft clip), or 1.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when the certificate met the tolerance and the element type's
/// rounding cannot spoil it (see <see cref="NewtonSchulz"/>); <see cref="SolverStatus.MaxIterations"/>
/// when a fixed count, a fixed schedule or the step limit stopped it short; <see cref="SolverStatus.Stalled"/>
/// at the rounding floor or when the tolerance lies below what the element type can certify at this α;
/// <see cref="SolverStatus.Breakdown"/> on non-finite values; <see cref="SolverStatus.Cancelled"/>.
/// </param>
/// <param name="MaxSingularValueBound">
/// An upper bound on ‖Value‖₂, proven from the certificate (soft clip, polar factor) or from the
/// Gram matrix of the result (hard clip), with the rounding of the element type accounted for.
/// </param>
public sealed record NewtonSchulzResult<TMatrix>(TMatrix Value, int Steps, double Residual, double Alpha, SolverStatus Status, double MaxSingularValueBound)
{
    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;
}
