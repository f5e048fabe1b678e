using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>
/// Settings of <see cref="PlugAndPlay"/>'s solvers. <see cref="IterativeOptions.Tolerance"/> bounds
/// the solver's residual relative to 1 + ‖x‖₂ (default 1e-6); <see cref="IterativeOptions.MaxIterations"/>
/// defaults to 100.
/// </summary>
/// <remarks>
/// The paper's CelebA deblurring runs 20 iterations of ADMM with ρ = 0.1 and an inner CG of tolerance
/// 1e-5 and at most 30 iterations, and PGD with η = 2; those are this record's ADMM defaults, but η
/// defaults to 1, inside the simple decrease condition η &lt; 1/‖A‖² when ‖A‖ ≤ 1.
/// </remarks>
public sealed record PlugAndPlayOptions : IterativeOptions
{
    /// <summary>The default relative tolerance.</summary>
    public const double DefaultTolerance = 1e-6;

    /// <summary>The default iteration limit.</summary>
    public const int DefaultMaxIterations = 100;

    /// <summary>η &gt; 0 of proximal gradient: x⁺ = f(x − η·Aᵀ(Ax − b)), proximal gradient on ½‖Ax − b‖² + R/η. Default 1.</summary>
    public double StepSize { get; init; } = 1;

    /// <summary>ρ &gt; 0 of ADMM, which minimises ½‖Ax − b‖² + ρ·R(x). Default 0.1 (the paper's CelebA setting).</summary>
    public double Penalty { get; init; } = 0.1;

    /// <summary>Relative tolerance of ADMM's inner CG solve of (AᵀA + ρI)x = Aᵀb + ρ(z − u). Default 1e-5 (the paper's).</summary>
    public double InnerTolerance { get; init; } = 1e-5;

    /// <summary>Iteration limit of the inner CG solve. Default 30 (the paper's).</summary>
    public int InnerMaxIterations { get; init; } = 30;

    /// <inheritdoc />
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!(StepSize > 0) || !double.IsFinite(StepSize)) throw new ArgumentException($"StepSize must be positive and finite, got {StepSize}.", paramName);
        if (!(Penalty > 0) || !double.IsFinite(Penalty)) throw new ArgumentException($"Penalty must be positive and finite, got {Penalty}.", paramName);
        if (!(InnerTolerance > 0) || !double.IsFinite(InnerTolerance)) throw new ArgumentException($"InnerTolerance must be positive and finite, got {InnerTolerance}.", paramName);
        if (InnerMaxIterations < 1) throw new ArgumentException($"InnerMaxIterations must be at least 1, got {InnerMaxIterations}.", paramName);
    }
}
