namespace Numerics.Spectral;

/// <summary>AdamW hyper-parameters; defaults are the SPECTRA 160M runs (lr 2e-3, β = (0.8, 0.999), ε = 1e-8, λ = 0.1).</summary>
public sealed record AdamWOptions : OptimizerOptions
{
    /// <summary>First-moment decay β₁ ∈ [0, 1). Default 0.8.</summary>
    public double Beta1 { get; init; } = 0.8;

    /// <summary>Second-moment decay β₂ ∈ [0, 1). Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε &gt; 0 in the denominator. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <inheritdoc />
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!(Beta1 is >= 0 and < 1)) throw new ArgumentException($"AdamWOptions.Beta1 must lie in [0, 1), got {Beta1}.", paramName);
        if (!(Beta2 is >= 0 and < 1)) throw new ArgumentException($"AdamWOptions.Beta2 must lie in [0, 1), got {Beta2}.", paramName);
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon)) throw new ArgumentException($"AdamWOptions.Epsilon must be positive and finite, got {Epsilon}.", paramName);
    }

    private protected override IEnumerable<(string Key, object Value)> SpecificOptions() =>
        [("beta1", Beta1), ("beta2", Beta2), ("eps", Epsilon)];
}
