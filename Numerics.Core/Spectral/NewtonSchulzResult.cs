using Numerics.Optimization;

namespace Numerics.Spectral;

/// <summary>The outcome of one Newton–Schulz matrix function.</summary>
/// <param name="Value">The result (same shape as the input).</param>
/// <param name="Steps">Newton–Schulz steps taken (for the hard clip, of both sign iterations).</param>
/// <param name="Residual">The final residual of the iteration, computed after the last step (see <see cref="NewtonSchulzOptions"/>).</param>
/// <param name="Alpha">α = 1 + ŝ/c² with ŝ ≥ σ_max² (soft clip), or 1.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when the final residual met the tolerance, however the step
/// count was chosen; <see cref="SolverStatus.MaxIterations"/> when a fixed count, a fixed schedule or
/// the step limit stopped it short; <see cref="SolverStatus.Stalled"/> at the rounding floor;
/// <see cref="SolverStatus.Breakdown"/> on non-finite values; <see cref="SolverStatus.Cancelled"/>.
/// </param>
public sealed record NewtonSchulzResult<TMatrix>(TMatrix Value, int Steps, double Residual, double Alpha, SolverStatus Status)
{
    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;
}
