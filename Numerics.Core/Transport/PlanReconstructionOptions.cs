using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Options of <see cref="ExactPlanReconstruction"/>. <see cref="IterativeOptions.Tolerance"/> bounds the
/// marginal violation of the reconstructed plan for <see cref="SolverStatus.Converged"/> (null:
/// <see cref="ExactTransportOptions.DefaultTolerance"/>); <see cref="IterativeOptions.MaxIterations"/>
/// limits the pivots of the solve on the support (null: <see cref="ExactTransportOptions.DefaultMaxIterations"/>).
/// </summary>
public sealed record PlanReconstructionOptions : IterativeOptions
{
    /// <summary>
    /// The default <see cref="SupportTolerance"/>, 1e-6: potentials from an L-BFGS solve of the
    /// semi-dual are accurate to about its gradient tolerance (1e-5 to 1e-8 in the official code and
    /// SciPy), so reduced costs of the optimal support sit within about that of 0 relative to the cost
    /// scale, while those of random off-support cells are of order 1/(m·n).
    /// </summary>
    public const double DefaultSupportTolerance = 1e-6;

    /// <summary>
    /// Cells with reduced cost cᵢⱼ − αᵢ − βⱼ ≤ SupportTolerance·max|cᵢⱼ| form the support. Default
    /// <see cref="DefaultSupportTolerance"/>; finite, ≥ 0.
    /// </summary>
    public double SupportTolerance { get; init; } = DefaultSupportTolerance;

    /// <inheritdoc />
    /// <remarks>Also rejects a negative or non-finite <see cref="SupportTolerance"/>.</remarks>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!(SupportTolerance >= 0) || !double.IsFinite(SupportTolerance))
            throw new ArgumentException($"SupportTolerance must be finite and non-negative, got {SupportTolerance}.", paramName);
    }
}
