using Numerics.Optimization;

namespace Numerics.Spectral;

/// <summary>
/// Options of the Newton–Schulz iterations. <see cref="IterativeOptions.Tolerance"/> is the target
/// relative accuracy of each output singular value: the iteration stops when its residual
/// (‖I − Z·Y‖_F, ‖I − R‖_F or ‖R² − R‖_F) is at most 2·Tolerance; null means 1e-12 for double and
/// 1e-5 for float (<see cref="NewtonSchulz.DefaultTolerance"/>). <see cref="IterativeOptions.MaxIterations"/>
/// limits the steps of one iteration; null means <see cref="DefaultMaxIterations"/>.
/// </summary>
public sealed record NewtonSchulzOptions : IterativeOptions
{
    /// <summary>The step limit when <see cref="IterativeOptions.MaxIterations"/> is null: 80, far above the ~40 steps α = 1e16 needs.</summary>
    public const int DefaultMaxIterations = 80;

    /// <summary>Run exactly this many steps (no residual stop), as the official code's fixed 10. Null: adaptive.</summary>
    public int? Steps { get; init; }

    /// <summary>How the soft clip stops when <see cref="Steps"/> is null. Default <see cref="StepRule.Residual"/>.</summary>
    public StepRule StepRule { get; init; } = StepRule.Residual;

    /// <summary>The soft clip's schedule. Default <see cref="SoftClipSchedule.Adaptive"/>.</summary>
    public SoftClipSchedule SoftSchedule { get; init; } = SoftClipSchedule.Adaptive;

    /// <summary>The polar factor's schedule. Default <see cref="PolarSchedule.Converged"/>.</summary>
    public PolarSchedule PolarSchedule { get; init; } = PolarSchedule.Converged;

    /// <summary>
    /// Return at once, with <see cref="Optimization.SolverStatus.Stalled"/> and a NaN value, when the
    /// element type's rounding already rules out certifying the tolerance (u·α·k &gt; tol for the soft
    /// clip, the hard clip's sign tolerance below its floor), instead of iterating to a result that
    /// cannot be certified. For callers with an exact fallback; <see cref="SpectralClip"/> sets it when
    /// its fallback is on. Default false.
    /// </summary>
    public bool StopWhenUncertifiable { get; init; }

    /// <summary>The resolved step limit.</summary>
    public int StepLimit => MaxIterations ?? DefaultMaxIterations;

    /// <inheritdoc />
    /// <remarks>
    /// Also rejects a negative <see cref="Steps"/>, one above the step limit, and undefined enum
    /// values. <see cref="PolarSchedule.PolarExpress"/> has five coefficient sets, so the polar
    /// factor rejects a larger step count when it runs that schedule.
    /// </remarks>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (Tolerance is 0) throw new ArgumentException("NewtonSchulzOptions.Tolerance must be positive, got 0.", paramName);
        if (Steps is < 0) throw new ArgumentException($"NewtonSchulzOptions.Steps must be non-negative, got {Steps}.", paramName);
        if (Steps > StepLimit)
            throw new ArgumentException($"NewtonSchulzOptions.Steps ({Steps}) exceeds the step limit MaxIterations ({StepLimit}); raise MaxIterations to run that many.", paramName);
        if (!Enum.IsDefined(StepRule) || !Enum.IsDefined(SoftSchedule) || !Enum.IsDefined(PolarSchedule))
            throw new ArgumentException("NewtonSchulzOptions holds an undefined schedule or step rule.", paramName);
    }
}
