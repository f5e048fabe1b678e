using Numerics.Random;

namespace Numerics.Core.Tests.Random;

public class CounterRngTests
{
    [Theory]
    // Random123 kat_vectors: philox4x32 10, counter[4] key[2] → output[4].
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox_matches_known_answer_vectors(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint e0, uint e1, uint e2, uint e3)
    {
        Assert.Equal((e0, e1, e2, e3), Philox4x32.Block(c0, c1, c2, c3, k0, k1));
    }

    [Fact]
    public void Block_maps_seed_to_key_and_block_stream_to_counter()
    {
        var rng = new CounterRng(0x299f31d0a4093822UL, 0x037073441319_8a2eUL);
        Assert.Equal((0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u), rng.Block(0x85a308d3243f6a88UL));
    }

    [Fact]
    public void Parallel_fill_split_fill_and_single_elements_agree_bit_for_bit()
    {
        var rng = new CounterRng(42, 7);
        const int n = 200_003; // above the parallel threshold, odd
        var whole = new double[n];
        rng.FillNormal(whole);
        var parts = new double[n];
        int[] cuts = [0, 1, 17, 65_536, 131_073, n];
        for (int c = 0; c + 1 < cuts.Length; c++)
            rng.FillNormal(parts.AsSpan(cuts[c], cuts[c + 1] - cuts[c]), cuts[c]);
        Assert.Equal(whole, parts);
        foreach (int i in new[] { 0, 1, 2, 99_999, n - 1 }) Assert.Equal(rng.Normal(i), whole[i]);

        var u = new double[n];
        rng.FillUniform(u);
        var signs = new double[n];
        rng.FillRademacher(signs);
        var f = new float[n];
        rng.FillUniform(f);
        foreach (int i in new[] { 0, 5, 127, 128, n - 1 })
        {
            Assert.Equal(rng.Uniform(i), u[i]);
            Assert.Equal(rng.Rademacher(i), signs[i]);
            Assert.Equal(rng.UniformSingle(i), f[i]);
        }
    }

    [Fact]
    public void Distributions_have_the_right_moments()
    {
        // Deterministic given the seed; bounds are ~6 standard errors for n = 2¹⁸.
        const int n = 1 << 18;
        var rng = new CounterRng(2024);
        var x = new double[n];
        rng.FillUniform(x);
        Assert.All(x, v => Assert.InRange(v, 0.0, 1.0 - 1e-17));
        Assert.InRange(x.Average(), 0.5 - 6 * 0.2887 / 512, 0.5 + 6 * 0.2887 / 512);
        rng.FillNormal(x);
        double mean = x.Average(), var = x.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -6.0 / 512, 6.0 / 512);
        Assert.InRange(var, 1 - 6 * 1.414 / 512, 1 + 6 * 1.414 / 512);
        Assert.InRange(x.Count(v => Math.Abs(v) < 1) / (double)n, 0.6827 - 0.006, 0.6827 + 0.006);
        rng.FillRademacher(x);
        Assert.All(x, v => Assert.True(v == 1 || v == -1));
        Assert.InRange(x.Sum(), -6 * 512.0, 6 * 512.0);
    }

    [Fact]
    public void Streams_and_seeds_are_distinct()
    {
        var a = new double[64];
        var b = new double[64];
        var c = new double[64];
        new CounterRng(1, 0).FillUniform(a);
        new CounterRng(1, 1).FillUniform(b);
        new CounterRng(2, 0).FillUniform(c);
        Assert.NotEqual(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void Permutation_and_sampling_are_valid_and_reproducible()
    {
        var rng = new CounterRng(9);
        var p = rng.Permutation(1000);
        Assert.Equal(Enumerable.Range(0, 1000), p.Order());
        Assert.Equal(p, rng.Permutation(1000));
        Assert.NotEqual(Enumerable.Range(0, 1000), p);
        var s = rng.SampleWithoutReplacement(1 << 20, 500);
        Assert.Equal(500, s.Distinct().Count());
        Assert.All(s, v => Assert.InRange(v, 0, (1 << 20) - 1));
        Assert.Equal(s, rng.SampleWithoutReplacement(1 << 20, 500));
        Assert.Equal(Enumerable.Range(0, 10), rng.SampleWithoutReplacement(10, 10).Order());
        Assert.Empty(rng.Permutation(0));
    }

    [Fact]
    public void Sampling_is_uniform_over_positions()
    {
        // Each of 8 items should appear first with probability 1/8 over many streams.
        var counts = new int[8];
        for (ulong s = 0; s < 8000; s++) counts[new CounterRng(5, s).SampleWithoutReplacement(8, 3)[0]]++;
        Assert.All(counts, c => Assert.InRange(c, 1000 - 6 * 30, 1000 + 6 * 30));
    }

    [Fact]
    public void Rejects_bad_arguments()
    {
        var rng = new CounterRng(1);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => rng.SampleWithoutReplacement(5, 6)).ParamName);
        Assert.Equal("n", Assert.Throws<ArgumentOutOfRangeException>(() => rng.Permutation(-1)).ParamName);
        Assert.Equal("bound", Assert.Throws<ArgumentOutOfRangeException>(() => rng.UniformInteger(0, 0)).ParamName);
        Assert.Equal("start", Assert.Throws<ArgumentOutOfRangeException>(() => rng.FillUniform(new double[3], -1)).ParamName);
    }
}
