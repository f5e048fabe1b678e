using CsCheck;
using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

public class SparseProjectionPropertyTests
{
    /// <summary>
    /// Rounding of the threshold and of each entry vᵢ − θ: a few units of round-off of the largest
    /// magnitude involved (the spread of v and the total), times the support size for the sum; 1e-12
    /// relative leaves a factor of about 10 at 300 entries.
    /// </summary>
    private const double RelativeRounding = 1e-12;

    [Fact]
    public void LandsInTheSetAndSatisfiesTheThresholdConditions()
    {
        Gen.Select(Gen.Int[1, 300], Gen.Int[1, 320], Gen.Double[0, 10], Gen.Bool, Gen.Int[0, 100000])
            .Sample(t =>
            {
                var (m, k, total, integers, seed) = t;
                var rng = new System.Random(seed);
                // Integer entries make ties common.
                var v = Enumerable.Range(0, m).Select(_ => integers ? rng.Next(-5, 6) : 2000 * rng.NextDouble() - 1000).ToArray();
                var p = new double[m];
                SparseProjection.Project(v, k, total, p);
                double range = v.Max() - v.Min();
                double tolerance = RelativeRounding * (total + range) * Math.Max(1, Math.Min(k, m));
                var support = Enumerable.Range(0, m).Where(i => p[i] != 0).ToArray();
                Assert.True(support.Length <= k);
                Assert.All(p, x => Assert.True(x >= 0));
                Assert.Equal(total, p.Sum(), tolerance);
                if (total == 0) return;
                // On the support pᵢ = vᵢ − θ with one θ; every entry outside is at most θ (else moving mass to it
                // would be closer), and larger entries are never left out for smaller ones.
                double theta = v[support[0]] - p[support[0]];
                foreach (int i in support) Assert.Equal(theta, v[i] - p[i], tolerance);
                double smallestIn = support.Min(i => v[i]);
                for (int j = 0; j < m; j++)
                    if (p[j] == 0)
                    {
                        Assert.True(v[j] <= smallestIn);
                        if (support.Length < k) Assert.True(v[j] <= theta + tolerance);
                    }
            }, iter: 300);
    }
}
