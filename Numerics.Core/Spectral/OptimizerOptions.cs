namespace Numerics.Spectral;

/// <summary>Hyper-parameters shared by the optimizers.</summary>
public abstract record OptimizerOptions
{
    /// <summary>Peak learning rate η.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Decoupled weight decay λ: W ← (1 − ηλ)W − η·(update). Default 0.1.</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Linear warmup steps: η_t = η·min(1, t/WarmupSteps) for step t = 1, 2, …. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>SPECTRA clipping, or null for the plain optimizer.</summary>
    public SpectraClipping? Spectra { get; init; } = new();
}
