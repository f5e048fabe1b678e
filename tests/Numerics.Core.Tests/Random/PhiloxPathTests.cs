using System.Runtime.Intrinsics.X86;
using Numerics.Random;

namespace Numerics.Core.Tests.Random;

/// <summary>The SIMD fills against the scalar ones: same bits for every (seed, stream, index), every path.</summary>
public class PhiloxPathTests
{
    /// <summary>The paths this CPU can run (the scalar one always).</summary>
    public static TheoryData<int> Paths()
    {
        var data = new TheoryData<int> { (int)PhiloxPath.Scalar };
        if (Avx2.IsSupported && Fma.IsSupported) data.Add((int)PhiloxPath.Vector256);
        if (Avx2.IsSupported && Fma.IsSupported && Avx512F.IsSupported) data.Add((int)PhiloxPath.Vector512);
        return data;
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public unsafe void Lanes_produce_the_scalar_blocks_in_order_across_a_carry_into_the_high_counter_word(int path)
    {
        var rng = new CounterRng(0x0123456789ABCDEFUL, 0xFEDCBA9876543210UL);
        const int count = 53;                     // not a multiple of 8 or 16: the scalar tail runs too
        ulong first = (1UL << 32) - 21;           // lanes on both sides of the low word's wrap
        var words = new uint[4 * count];
        fixed (uint* w = words) PhiloxLanes.Generate((PhiloxPath)path, rng, first, count, w);
        for (int b = 0; b < count; b++)
            Assert.Equal(rng.Block(first + (ulong)b), (words[4 * b], words[4 * b + 1], words[4 * b + 2], words[4 * b + 3]));
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Every_fill_equals_its_single_elements_on_every_path(int path)
    {
        var p = (PhiloxPath)path;
        var rng = new CounterRng(77, 5);
        // Odd starts and lengths leave partial blocks at both ends; 2⁸·… starts cross the wrap of
        // the low counter word inside the SIMD batches.
        foreach (long start in new long[] { 0, 1, 3, 127, 129, 2 * ((1L << 32) - 9) + 1, 128 * ((1L << 32) - 3) + 5 })
        foreach (int n in new[] { 0, 1, 2, 7, 33, 300, 1031 })
        {
            var u = new double[n]; rng.FillUniform(u, start, p);
            var f = new float[n]; rng.FillUniform(f, start, p);
            var z = new double[n]; rng.FillNormal(z, start, p);
            var s = new double[n]; rng.FillRademacher(s, start, p);
            var w = new ulong[n]; rng.FillUInt64(w, start, p);
            for (int i = 0; i < n; i++)
            {
                Assert.Equal(rng.Uniform(start + i), u[i]);
                Assert.Equal(rng.UniformSingle(start + i), f[i]);
                Assert.Equal(BitConverter.DoubleToInt64Bits(rng.Normal(start + i)), BitConverter.DoubleToInt64Bits(z[i]));
                Assert.Equal(rng.Rademacher(start + i), s[i]);
                Assert.Equal(rng.UInt64(start + i), w[i]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Long_parallel_fills_equal_the_scalar_path_bit_for_bit(int path)
    {
        var rng = new CounterRng(2026, 3);
        const int n = 300_001;                    // above the parallel threshold, odd
        foreach (long start in new long[] { 0, 5 })
        {
            var (z0, u0, f0, s0) = Fill(rng, n, start, PhiloxPath.Scalar);
            var (z1, u1, f1, s1) = Fill(rng, n, start, (PhiloxPath)path);
            Assert.Equal(z0, z1);
            Assert.Equal(u0, u1);
            Assert.Equal(f0, f1);
            Assert.Equal(s0, s1);
        }

        static (long[] Normal, double[] Uniform, float[] Single, double[] Signs) Fill(CounterRng rng, int n, long start, PhiloxPath p)
        {
            var z = new double[n]; rng.FillNormal(z, start, p);
            var u = new double[n]; rng.FillUniform(u, start, p);
            var f = new float[n]; rng.FillUniform(f, start, p);
            var s = new double[n]; rng.FillRademacher(s, start, p);
            return (Array.ConvertAll(z, BitConverter.DoubleToInt64Bits), u, f, s);
        }
    }

    [Fact]
    public void Rademacher_signs_use_every_bit_of_a_block_lowest_first()
    {
        var rng = new CounterRng(11, 2);
        var signs = new double[256];
        rng.FillRademacher(signs);
        for (int b = 0; b < 2; b++)
        {
            var (x0, x1, x2, x3) = rng.Block((ulong)b);
            uint[] words = [x0, x1, x2, x3];
            for (int i = 0; i < 128; i++)
                Assert.Equal(((words[i / 32] >> (i % 32)) & 1) == 0 ? 1.0 : -1.0, signs[128 * b + i]);
        }
    }

    [Fact]
    public void Shuffles_draw_the_same_words_as_UniformInteger()
    {
        // Permutation step s swaps position n−1−s with ⌊word_s·(n−s)/2⁶⁴⌋; rebuild it from the element accessor.
        var rng = new CounterRng(4, 9);
        const int n = 10_000;                     // more words than one buffer
        var expected = Enumerable.Range(0, n).ToArray();
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)rng.UniformInteger(n - 1 - i, i + 1);
            (expected[i], expected[j]) = (expected[j], expected[i]);
        }
        Assert.Equal(expected, rng.Permutation(n));
    }
}
