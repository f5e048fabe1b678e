using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

public class TopKSelectionTests
{
    /// <summary>The k best of the stream by a full LINQ sort: larger value first, ties by smaller index; only values above the floor and within the band of the maximum.</summary>
    private static (double Value, int Index)[] Expected(double[] v, int k, double floor, double band)
    {
        double max = v.Max();
        return v.Select((x, i) => (Value: x, Index: i)).Where(p => p.Value > floor && p.Value > max - band)
            .OrderByDescending(p => p.Value).ThenBy(p => p.Index).Take(k).ToArray();
    }

    public static TheoryData<string> Streams => new() { "random", "ties", "ascending", "descending", "constant" };

    private static double[] Stream(string kind, int m, System.Random rng) => kind switch
    {
        "random" => Enumerable.Range(0, m).Select(_ => rng.NextDouble()).ToArray(),
        "ties" => Enumerable.Range(0, m).Select(_ => (double)rng.Next(4)).ToArray(),
        "ascending" => Enumerable.Range(0, m).Select(i => (double)i).ToArray(),
        "descending" => Enumerable.Range(0, m).Select(i => (double)-i).ToArray(),
        _ => new double[m],
    };

    [Theory]
    [MemberData(nameof(Streams))]
    public void SelectsTheSameSetAndOrderAsAFullSort(string kind)
    {
        var rng = new System.Random(5);
        foreach (int m in new[] { 1, 2, 7, 33, 200 })
            foreach (int k in new[] { 1, 2, 3, 8, 250 })
                foreach (var (floor, band) in new[] { (double.NegativeInfinity, double.PositiveInfinity), (0.5, double.PositiveInfinity), (double.NegativeInfinity, 1.5) })
                {
                    var v = Stream(kind, m, rng);
                    var top = new TopKSelection(Math.Min(k, m));
                    top.Reset(floor, band);
                    for (int i = 0; i < m; i++) top.Offer(v[i], i);
                    top.Finish();
                    var expected = Expected(v, Math.Min(k, m), floor, band);
                    // The band prunes only what the expected list excludes too, but candidates kept before
                    // the maximum rose may remain: the selection holds the expected prefix, then values outside the band.
                    Assert.True(top.Count >= expected.Length);
                    for (int r = 0; r < expected.Length; r++)
                    {
                        Assert.Equal(expected[r].Value, top.Values[r]);
                        Assert.Equal(expected[r].Index, top.Indices[r]);
                    }
                    double max = v.Max();
                    for (int r = expected.Length; r < top.Count; r++) Assert.True(top.Values[r] <= max - band);
                }
    }

    [Fact]
    public void NaNIsNeverSelected()
    {
        var top = new TopKSelection(2);
        top.Reset(double.NegativeInfinity);
        double[] v = [double.NaN, 1, double.NaN, 3, 2];
        for (int i = 0; i < v.Length; i++) top.Offer(v[i], i);
        top.Finish();
        Assert.Equal([3.0, 2.0], top.Values.ToArray());
        Assert.Equal([3, 4], top.Indices.ToArray());
    }
}
