namespace Numerics.Proximal;

/// <summary>One stage of a training schedule: a loss, a number of Adam steps and a learning rate.</summary>
/// <param name="Loss">The loss of this stage.</param>
/// <param name="Steps">Adam steps (≥ 0).</param>
/// <param name="LearningRate">η &gt; 0 for these steps.</param>
/// <param name="Gamma">γ &gt; 0 of <see cref="ProximalLoss.ProximalMatching"/>; ignored by the other losses.</param>
public sealed record TrainingStage(ProximalLoss Loss, int Steps, double LearningRate, double Gamma = double.NaN)
{
    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a field is out of range.</summary>
    public void Validate(string paramName)
    {
        if (!Enum.IsDefined(Loss)) throw new ArgumentException($"Unknown loss {Loss}.", paramName);
        if (Steps < 0) throw new ArgumentException($"Steps must be non-negative, got {Steps}.", paramName);
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"LearningRate must be positive and finite, got {LearningRate}.", paramName);
        if (Loss == ProximalLoss.ProximalMatching && (!(Gamma > 0) || !double.IsFinite(Gamma)))
            throw new ArgumentException($"Gamma must be positive and finite for proximal matching, got {Gamma}.", paramName);
    }
}
