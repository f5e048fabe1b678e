using Numerics.Sketching;

namespace Numerics.Core.Tests.Sketching;

/// <summary>
/// Pins the exact output bits of the SRHT: the hashes below were recorded from the implementation and
/// any change to the panel layout, blocking or threading must reproduce them.
/// </summary>
public class SrhtBitsTests
{
    /// <summary>FNV-1a over the 64-bit patterns of the values.</summary>
    private static ulong Fnv1a(double[] values)
    {
        ulong hash = 14695981039346656037UL;
        foreach (double v in values)
        {
            ulong bits = (ulong)BitConverter.DoubleToInt64Bits(v);
            for (int k = 0; k < 8; k++)
            {
                hash ^= (bits >> (8 * k)) & 0xFF;
                hash *= 1099511628211UL;
            }
        }
        return hash;
    }

    [Theory]
    [InlineData(20000, 13, 64, true, false, 11375323180502634773UL)]      // N = 32768: pruned cross-block sums; b shares the last panel
    [InlineData(20000, 13, 17000, false, false, 16397894985536592314UL)]  // the full cross-block transform
    [InlineData(9000, 11, 300, true, false, 5499046545193934478UL)]      // N = 16384, pruned
    [InlineData(9000, 11, 300, true, true, 16487640407794673183UL)]       // the same in float32
    [InlineData(40000, 16, 500, true, false, 14963424391519466582UL)]     // N = 65536; b in a panel of its own
    [InlineData(3000, 7, 100, true, false, 16783106889977481508UL)]       // N = 4096: one L2 block
    [InlineData(700, 2, 40, true, false, 9779457986838233181UL)]         // N = 1024: one L1 block, one panel
    public void Srht_output_bits_are_pinned(int n, int d, int m, bool withB, bool single, ulong expected)
    {
        var a = TestData.Random(n * d, n + d);
        var b = withB ? TestData.Random(n, n + d + 1) : [];
        var op = new SketchOperator(SketchKind.Srht, m, n, seed: 77);
        // Both panel widths (eight columns are used only with AVX-512) and both schedules.
        foreach (bool narrow in new[] { false, true })
            foreach (bool? rowSplit in new bool?[] { null, true, false })
            {
                SrhtTransform.ForceNarrowPanels.Value = narrow;
                SrhtTransform.ForcedSchedule.Value = rowSplit;
                try
                {
                    var result = single
                        ? op.ApplyAugmented(Array.ConvertAll(a, x => (float)x), d, b)
                        : op.ApplyAugmented(a, d, b);
                    Assert.Equal(expected, Fnv1a(result));
                }
                finally
                {
                    SrhtTransform.ForcedSchedule.Value = null;
                    SrhtTransform.ForceNarrowPanels.Value = false;
                }
            }
        // The accumulator (row blocks in two parts) gives the same bits.
        var source = single ? Array.ConvertAll(a, x => (double)(float)x) : a;
        using var acc = op.CreateAccumulator(d + (withB ? 1 : 0));
        int half = n / 2;
        acc.Add(0, half, 0, d, source, n);
        acc.Add(half, n - half, 0, d, source.AsSpan(half), n);
        if (withB) acc.Add(0, n, d, 1, b, n);
        Assert.Equal(expected, Fnv1a(acc.Complete()));
    }
}
