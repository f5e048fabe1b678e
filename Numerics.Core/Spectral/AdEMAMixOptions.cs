namespace Numerics.Spectral;

/// <summary>AdEMAMix; defaults are the SPECTRA runs (β = (0.9, 0.999), β₃ = 0.999, α = 8, λ = 0.1).</summary>
public sealed record AdEMAMixOptions : OptimizerOptions
{
    /// <summary>Fast EMA decay β₁ ∈ (0, 1). Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Second-moment decay β₂ ∈ [0, 1). Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Slow EMA decay β₃ ∈ (0, 1). Default 0.999.</summary>
    public double Beta3 { get; init; } = 0.999;

    /// <summary>Weight α ≥ 0 of the slow EMA. Default 8.</summary>
    public double Alpha { get; init; } = 8;

    /// <summary>Warmup T ≥ 0 of α and β₃ (0: none). Default 0.</summary>
    public int AlphaBetaWarmup { get; init; }

    /// <summary>ε &gt; 0. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <inheritdoc />
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        // β₁ and β₃ enter logarithms in the β₃ warmup schedule, hence the open intervals.
        if (!(Beta1 is > 0 and < 1)) throw new ArgumentException($"AdEMAMixOptions.Beta1 must lie in (0, 1), got {Beta1}.", paramName);
        if (!(Beta2 is >= 0 and < 1)) throw new ArgumentException($"AdEMAMixOptions.Beta2 must lie in [0, 1), got {Beta2}.", paramName);
        if (!(Beta3 is > 0 and < 1)) throw new ArgumentException($"AdEMAMixOptions.Beta3 must lie in (0, 1), got {Beta3}.", paramName);
        if (!(Alpha >= 0) || !double.IsFinite(Alpha)) throw new ArgumentException($"AdEMAMixOptions.Alpha must be non-negative and finite, got {Alpha}.", paramName);
        if (AlphaBetaWarmup < 0) throw new ArgumentException($"AdEMAMixOptions.AlphaBetaWarmup must be non-negative, got {AlphaBetaWarmup}.", paramName);
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentException($"AdEMAMixOptions.Epsilon must be positive and finite, got {Epsilon}.", paramName);
    }

    private protected override IEnumerable<(string Key, object Value)> SpecificOptions() =>
        [("beta1", Beta1), ("beta2", Beta2), ("beta3", Beta3), ("alpha", Alpha), ("abwarmup", AlphaBetaWarmup), ("eps", Epsilon)];
}
