namespace Numerics.Spectral;

/// <summary>How the soft clip's inverse square root is iterated.</summary>
public enum SoftClipSchedule
{
    /// <summary>
    /// Interval-optimal scaled Newton–Schulz on the Gram form: each step applies the cubic
    /// γx(3 − γ²x²)/2 with γ = √(3/(1 + ℓ + ℓ²)) chosen for the current singular-value interval
    /// [ℓ, 1], so small singular values grow about 2.6× per step instead of 1.5×. Default.
    /// </summary>
    Adaptive,

    /// <summary>The official SPECTRA iteration: coupled Newton–Schulz Y ← Y·T, Z ← T·Z with T = (3I − Z·Y)/2.</summary>
    Coupled,
}
