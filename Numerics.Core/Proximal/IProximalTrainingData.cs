using Numerics.Random;

namespace Numerics.Proximal;

/// <summary>
/// A source of clean training samples x ∈ ℝⁿ. Training adds the noise itself (y = x + σ·v), so a
/// source only supplies x.
/// </summary>
public interface IProximalTrainingData
{
    /// <summary>n, the length of each sample.</summary>
    int Dimension { get; }

    /// <summary>
    /// Writes the clean batch of training step <paramref name="step"/> into <paramref name="batch"/>
    /// (n×m, one sample per column). It must depend only on (<paramref name="rng"/>, step, m), so a
    /// seed reproduces training bit for bit.
    /// </summary>
    void Sample(CounterRng rng, long step, Span<double> batch);
}
