namespace Numerics.Sketching;

/// <summary>
/// The <see cref="Numerics.Random.CounterRng"/> stream ids a sketch draws from. They are part of
/// the sketch's definition: the CPU and GPU implementations read the same streams, so (kind, m, n,
/// seed) fixes S on every device.
/// </summary>
internal static class SketchStreams
{
    /// <summary>SRHT: the sign σᵢ of input row i is Rademacher element i.</summary>
    public const ulong Signs = 0x5352_4854_0001;
    /// <summary>SRHT: the row permutation Π of the padded rows (Fisher–Yates).</summary>
    public const ulong Permutation = 0x5352_4854_0002;
    /// <summary>SRHT: the m sampled rows of H (sampling without replacement).</summary>
    public const ulong SampledRows = 0x5352_4854_0003;
    /// <summary>Gaussian: S[k, i]·√m is normal element k + i·m.</summary>
    public const ulong Gaussian = 0x4741_5553_0001;
    /// <summary>CountSketch: the output row of input row i is UniformInteger(i, m).</summary>
    public const ulong Buckets = 0x434E_5453_0001;
    /// <summary>CountSketch: the sign of input row i is Rademacher element i.</summary>
    public const ulong BucketSigns = 0x434E_5453_0002;
    /// <summary>
    /// The ℓ∞ certificate's Gaussian G (m₂×n): G[k, i]·√m₂ is normal element k + i·m₂. A stream of
    /// its own, so G is independent of every main sketch drawn with the same seed.
    /// </summary>
    public const ulong Certificate = 0x4345_5254_0001;
}
