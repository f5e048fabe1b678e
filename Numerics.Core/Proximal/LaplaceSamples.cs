using Numerics.Random;

namespace Numerics.Proximal;

/// <summary>Scalar samples of the Laplace distribution with density e^{−|x|/b}/(2b), by inversion of its CDF.</summary>
public sealed class LaplaceSamples : IProximalTrainingData
{
    /// <summary>Samples with scale <paramref name="scale"/>.</summary>
    /// <param name="scale">b &gt; 0. Default 1, the paper's 1-D experiment.</param>
    /// <exception cref="ArgumentOutOfRangeException">b is not positive and finite.</exception>
    public LaplaceSamples(double scale = 1)
    {
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "The scale must be positive and finite.");
        Scale = scale;
    }

    /// <summary>2⁻⁵⁴, half the spacing of the uniform draws.</summary>
    private const double HalfStep = 1.0 / (1L << 54);

    /// <summary>b, the scale.</summary>
    public double Scale { get; }

    /// <inheritdoc />
    public int Dimension => 1;

    /// <inheritdoc />
    public void Sample(CounterRng rng, long step, Span<double> batch)
    {
        rng.FillUniform(batch, step * batch.Length);
        foreach (ref double x in batch)
        {
            // u ∈ [0, 1) in steps of 2⁻⁵³; shifting by half a step keeps ln away from 0.
            double c = x + HalfStep - 0.5;
            x = -Scale * Math.Sign(c) * Math.Log(1 - 2 * Math.Abs(c));
        }
    }
}
