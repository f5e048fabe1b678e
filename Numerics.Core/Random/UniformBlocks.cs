using System.Runtime.Intrinsics;

namespace Numerics.Random;

/// <summary>Raw 64-bit words: x₁:x₀ then x₃:x₂ of each block.</summary>
internal readonly struct WordBlocks : IBlockDistribution<ulong>
{
    public static int PerBlock => 2;

    public static ulong Element(CounterRng rng, long index) => rng.UInt64(index);

    public static unsafe void FromBlocks(uint* blocks, int count, ulong* destination, PhiloxPath path) =>
        Buffer.MemoryCopy(blocks, destination, 16L * count, 16L * count);
}

/// <summary>Uniform doubles in [0, 1): the top 53 bits of each 64-bit word times 2⁻⁵³ (exact).</summary>
internal readonly struct UniformDoubleBlocks : IBlockDistribution<double>
{
    public const double TwoPow53Inv = 1.0 / (1UL << 53);

    public static int PerBlock => 2;

    public static double Element(CounterRng rng, long index) => (rng.UInt64(index) >> 11) * TwoPow53Inv;

    public static unsafe void FromBlocks(uint* blocks, int count, double* destination, PhiloxPath path)
    {
        var words = (ulong*)blocks;
        int n = 2 * count, i = 0;
        if (path != PhiloxPath.Scalar)
            for (; i + 4 <= n; i += 4)
                (Vector256.ConvertToDouble(Vector256.Load(words + i) >> 11) * TwoPow53Inv).Store(destination + i);
        for (; i < n; i++) destination[i] = (words[i] >> 11) * TwoPow53Inv;
    }
}

/// <summary>Uniform floats in [0, 1): the top 24 bits of each 32-bit word times 2⁻²⁴ (exact).</summary>
internal readonly struct UniformSingleBlocks : IBlockDistribution<float>
{
    public const float TwoPow24Inv = 1.0f / (1 << 24);

    public static int PerBlock => 4;

    public static float Element(CounterRng rng, long index)
    {
        var (x0, x1, x2, x3) = rng.Block((ulong)index >> 2);
        uint word = (index & 3) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
        return (word >> 8) * TwoPow24Inv;
    }

    public static unsafe void FromBlocks(uint* blocks, int count, float* destination, PhiloxPath path)
    {
        int n = 4 * count, i = 0;
        if (path != PhiloxPath.Scalar)
            for (; i + 8 <= n; i += 8)
                (Vector256.ConvertToSingle((Vector256.Load(blocks + i) >> 8).AsInt32()) * TwoPow24Inv).Store(destination + i);
        for (; i < n; i++) destination[i] = (blocks[i] >> 8) * TwoPow24Inv;
    }
}
