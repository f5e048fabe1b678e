namespace Numerics.Spectral;

/// <summary>Signum with Nesterov momentum; defaults are the SPECTRA runs (β = 0.95, lr 2e-3, λ = 0.1).</summary>
public sealed record SignumOptions : OptimizerOptions
{
    /// <summary>Momentum β. Default 0.95.</summary>
    public double Momentum { get; init; } = 0.95;
}
