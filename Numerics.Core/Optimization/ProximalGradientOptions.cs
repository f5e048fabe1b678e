namespace Numerics.Optimization;

/// <summary>
/// Options of <see cref="ProximalGradient{TVector}"/> (FISTA with backtracking).
/// <see cref="IterativeOptions.Tolerance"/> bounds the gradient-mapping norm
/// ‖x − prox_{t·g}(x − t∇f(x))‖₂/t at the returned x (absolute; default 1e-8: the mapping is zero
/// exactly at a minimiser and equals ‖∇f‖ when g = 0); <see cref="IterativeOptions.MaxIterations"/>
/// defaults to 10 000.
/// </summary>
public sealed record ProximalGradientOptions : IterativeOptions
{
    /// <summary>The tolerance used when <see cref="IterativeOptions.Tolerance"/> is null.</summary>
    public const double DefaultTolerance = 1e-8;

    /// <summary>The iteration limit used when <see cref="IterativeOptions.MaxIterations"/> is null.</summary>
    public const int DefaultMaxIterations = 10_000;

    /// <summary>The first trial step t₀ &gt; 0 (ideally a little above 1/L for an L-smooth f). Default 1.</summary>
    public double InitialStep { get; init; } = 1.0;

    /// <summary>The factor η ∈ (0, 1) the step is multiplied by while the sufficient-decrease test fails. Default 0.5.</summary>
    public double ShrinkFactor { get; init; } = 0.5;

    /// <summary>Shrinks allowed within one iteration before the solve stops <see cref="SolverStatus.Stalled"/> (≥ 0; 0: a fixed step). Default 60.</summary>
    public int MaxBacktracks { get; init; } = 60;

    /// <summary>
    /// O'Donoghue–Candès adaptive restart, gradient scheme: the momentum resets whenever
    /// (y − x⁺)ᵀ(x⁺ − x) &gt; 0, i.e. the step goes against the gradient mapping. Default true.
    /// </summary>
    public bool AdaptiveRestart { get; init; } = true;

    /// <inheritdoc />
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!(InitialStep > 0) || !double.IsFinite(InitialStep))
            throw new ArgumentException($"ProximalGradientOptions.InitialStep must be positive and finite, got {InitialStep}.", paramName);
        if (!(ShrinkFactor is > 0 and < 1))
            throw new ArgumentException($"ProximalGradientOptions.ShrinkFactor must lie in (0, 1), got {ShrinkFactor}.", paramName);
        if (MaxBacktracks < 0)
            throw new ArgumentException($"ProximalGradientOptions.MaxBacktracks must be non-negative, got {MaxBacktracks}.", paramName);
    }
}
