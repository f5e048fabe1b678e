namespace Numerics.Optimization;

/// <summary>
/// Hyper-parameters of <see cref="Adam"/>. The defaults are PyTorch's <c>torch.optim.Adam</c>
/// (and <c>AdamW</c> with its decay set to 0): η = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0.
/// </summary>
public sealed record AdamOptions
{
    /// <summary>Learning rate η &gt; 0. Default 1e-3.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>First-moment decay β₁ ∈ [0, 1). Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Second-moment decay β₂ ∈ [0, 1). Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε &gt; 0, added to √v̂ in the denominator. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;

    /// <summary>
    /// Decoupled weight decay λ ≥ 0 (AdamW, Loshchilov–Hutter): θ ← (1 − ηλ)·θ − η·m̂/(√v̂ + ε).
    /// Default 0 (plain Adam). It acts on the parameters only, never on the moments.
    /// </summary>
    public double WeightDecay { get; init; }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a field is
    /// NaN, infinite or out of its range.
    /// </summary>
    public void Validate(string paramName)
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"AdamOptions.LearningRate must be positive and finite, got {LearningRate}.", paramName);
        if (!(Beta1 is >= 0 and < 1))
            throw new ArgumentException($"AdamOptions.Beta1 must lie in [0, 1), got {Beta1}.", paramName);
        if (!(Beta2 is >= 0 and < 1))
            throw new ArgumentException($"AdamOptions.Beta2 must lie in [0, 1), got {Beta2}.", paramName);
        if (!(Epsilon > 0) || !double.IsFinite(Epsilon))
            throw new ArgumentException($"AdamOptions.Epsilon must be positive and finite, got {Epsilon}.", paramName);
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
            throw new ArgumentException($"AdamOptions.WeightDecay must be non-negative and finite, got {WeightDecay}.", paramName);
        if (LearningRate * WeightDecay >= 1)
            throw new ArgumentException($"AdamOptions.LearningRate·WeightDecay must be below 1 (the decay factor 1 − ηλ turns the parameters' sign otherwise), got {LearningRate * WeightDecay}.", paramName);
    }
}
