namespace Numerics.Spectral;

/// <summary>AdamW hyper-parameters; defaults are the SPECTRA 160M runs (lr 2e-3, β = (0.8, 0.999), ε = 1e-8, λ = 0.1).</summary>
public sealed record AdamWOptions : OptimizerOptions
{
    /// <summary>First-moment decay β₁. Default 0.8.</summary>
    public double Beta1 { get; init; } = 0.8;

    /// <summary>Second-moment decay β₂. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε in the denominator. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;
}
