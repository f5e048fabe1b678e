namespace Numerics.Spectral;

/// <summary>AdEMAMix; defaults are the SPECTRA runs (β = (0.9, 0.999), β₃ = 0.999, α = 8, λ = 0.1).</summary>
public sealed record AdEMAMixOptions : OptimizerOptions
{
    /// <summary>Fast EMA decay β₁. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Second-moment decay β₂. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Slow EMA decay β₃. Default 0.999.</summary>
    public double Beta3 { get; init; } = 0.999;

    /// <summary>Weight α of the slow EMA. Default 8.</summary>
    public double Alpha { get; init; } = 8;

    /// <summary>Warmup T of α and β₃ (0: none). Default 0.</summary>
    public int AlphaBetaWarmup { get; init; }

    /// <summary>ε. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;
}
