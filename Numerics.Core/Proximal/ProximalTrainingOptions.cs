using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>
/// How <see cref="ProximalTrainer"/> trains a network: a schedule of stages, the batch size, the
/// training noise level σ, the seed, and Adam's moment decays.
/// </summary>
public sealed record ProximalTrainingOptions
{
    /// <summary>The stages, run in order with one Adam state throughout. Required, at least one.</summary>
    public required IReadOnlyList<TrainingStage> Stages { get; init; }

    /// <summary>m, samples per step. Default 2000 (the official 1-D notebook).</summary>
    public int BatchSize { get; init; } = 2000;

    /// <summary>σ &gt; 0 of the training noise, y = x + σ·v with v ~ N(0, I). Default 1 (the 1-D notebook).</summary>
    public double NoiseLevel { get; init; } = 1;

    /// <summary>The seed of the data and noise streams. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Adam's β₁, β₂ and ε (its learning rate is each stage's). Default PyTorch's.</summary>
    public AdamOptions Adam { get; init; } = new();

    /// <summary>Checked before each step: training stops within one step with <see cref="SolverStatus.Cancelled"/>.</summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>One record per step: the step count, the batch loss, and ‖∂L/∂θ‖∞.</summary>
    public IProgress<IterationProgress>? Progress { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a field is out of range.</summary>
    public void Validate(string paramName)
    {
        if (Stages is null || Stages.Count == 0) throw new ArgumentException("Stages must hold at least one stage.", paramName);
        foreach (var stage in Stages)
        {
            if (stage is null) throw new ArgumentException("Stages holds a null stage.", paramName);
            stage.Validate(paramName);
        }
        if (BatchSize < 1) throw new ArgumentException($"BatchSize must be at least 1, got {BatchSize}.", paramName);
        if (!(NoiseLevel > 0) || !double.IsFinite(NoiseLevel)) throw new ArgumentException($"NoiseLevel must be positive and finite, got {NoiseLevel}.", paramName);
        if (Adam is null) throw new ArgumentException("Adam must not be null.", paramName);
        Adam.Validate(paramName);
    }
}
