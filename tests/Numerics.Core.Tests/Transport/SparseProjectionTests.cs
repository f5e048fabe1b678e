using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

public class SparseProjectionTests
{
    /// <summary>
    /// Projection against the enumeration of all supports: both are exact up to rounding of sums of
    /// ≤ 10 entries of size ≤ 4 (the bisection brackets θ to the last bit), so 1e-12 absolute.
    /// </summary>
    private const double EnumerationTolerance = 1e-12;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void MatchesEnumerationOfAllSupports(int seed)
    {
        var rng = new System.Random(seed);
        for (int m = 1; m <= 10; m++)
            for (int k = 1; k <= m + 1; k++)
                foreach (double total in new[] { 1.0, 2.5 })
                {
                    var v = Enumerable.Range(0, m).Select(_ => 4 * rng.NextDouble() - 2).ToArray();
                    var p = new double[m];
                    SparseProjection.Project(v, k, total, p);
                    var expected = TransportReference.SparseProjectionByEnumeration(v, k, total);
                    for (int i = 0; i < m; i++) Assert.Equal(expected[i], p[i], EnumerationTolerance);
                    Assert.True(p.Count(x => x != 0) <= k);
                    Assert.All(p, x => Assert.True(x >= 0));
                    Assert.Equal(total, p.Sum(), EnumerationTolerance);
                }
    }

    [Fact]
    public void LargeKIsTheSimplexProjectionAndKOneIsTheArgmax()
    {
        var v = TestData.Random(50, 11, 3);
        var p = new double[50];
        SparseProjection.Project(v, 50, p);
        var simplex = TransportReference.SimplexByBisection(v, 1);
        for (int i = 0; i < 50; i++) Assert.Equal(simplex[i], p[i], EnumerationTolerance);

        SparseProjection.Project(v, 1, p);
        int argmax = Array.IndexOf(v, v.Max());
        for (int i = 0; i < 50; i++) Assert.Equal(i == argmax ? 1.0 : 0.0, p[i]);
    }

    [Fact]
    public void ShiftInvariantAndExactZerosOutsideTheSupport()
    {
        // Entries are multiples of 1/64 and the shift a power of two, so v + c is exact and the
        // differences the threshold uses are the same bits: the projections must agree exactly.
        var v = Enumerable.Range(0, 40).Select(i => ((i * 37) % 41) / 64.0).ToArray();
        var shifted = v.Select(x => x + 1024).ToArray();
        var p = new double[40];
        var q = new double[40];
        SparseProjection.Project(v, 5, p);
        SparseProjection.Project(shifted, 5, q);
        Assert.Equal(p, q);
        Assert.Equal(35, p.Count(x => x == 0));
    }

    [Fact]
    public void TiesGoToTheSmallerIndex()
    {
        double[] v = [1, 3, 3, 3, 0];
        var p = new double[5];
        SparseProjection.Project(v, 2, p);
        Assert.Equal([0, 0.5, 0.5, 0, 0], p);
        SparseProjection.Project(v, 1, p);
        Assert.Equal([0, 1.0, 0, 0, 0], p);
    }

    [Fact]
    public void ExtremeScalesStayFiniteAndExact()
    {
        // Differences that overflow: only the largest entry can carry mass.
        double[] v = [1e308, -1e308, 5e307];
        var p = new double[3];
        SparseProjection.Project(v, 2, p);
        Assert.Equal([1.0, 0, 0], p);
        // Tiny differences: the projection of nearly equal entries spreads the mass evenly.
        double[] w = [1e-300, 2e-300, 0];
        SparseProjection.Project(w, 3, p);
        Assert.All(p, x => Assert.Equal(1.0 / 3, x, EnumerationTolerance));
        // Zero total: p = 0.
        SparseProjection.Project(w, 2, 0.0, p);
        Assert.Equal(new double[3], p);
    }

    [Fact]
    public void RejectsBadInputWithoutWriting()
    {
        var p = new double[] { 7, 7 };
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => SparseProjection.Project([1.0, 2.0], 0, p)).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => SparseProjection.Project([1.0, double.NaN], 1, p)).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => SparseProjection.Project([double.PositiveInfinity, 1.0], 1, p)).ParamName);
        Assert.Equal("v", Assert.Throws<ArgumentException>(() => SparseProjection.Project(ReadOnlySpan<double>.Empty, 1, Span<double>.Empty)).ParamName);
        Assert.Equal("result", Assert.Throws<ArgumentException>(() => SparseProjection.Project([1.0, 2.0, 3.0], 1, p)).ParamName);
        Assert.Equal("total", Assert.Throws<ArgumentOutOfRangeException>(() => SparseProjection.Project([1.0, 2.0], 1, -1.0, p)).ParamName);
        Assert.Equal("total", Assert.Throws<ArgumentOutOfRangeException>(() => SparseProjection.Project([1.0, 2.0], 1, double.NaN, p)).ParamName);
        Assert.Equal([7.0, 7.0], p);
    }
}
