namespace Numerics.Spectral;

/// <summary>Signum with Nesterov momentum; defaults are the SPECTRA runs (β = 0.95, lr 2e-3, λ = 0.1).</summary>
public sealed record SignumOptions : OptimizerOptions
{
    /// <summary>Momentum β ∈ [0, 1). Default 0.95.</summary>
    public double Momentum { get; init; } = 0.95;

    /// <inheritdoc />
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!(Momentum is >= 0 and < 1)) throw new ArgumentException($"SignumOptions.Momentum must lie in [0, 1), got {Momentum}.", paramName);
    }

    private protected override IEnumerable<(string Key, object Value)> SpecificOptions() => [("momentum", Momentum)];
}
