using CsCheck;
using Numerics.Optimization;
using Numerics.Transport;
using static Numerics.Core.Tests.Transport.TransportBaselineTolerances;
using static Numerics.Core.Tests.Transport.TransportTestProblems;

namespace Numerics.Core.Tests.Transport;

public class TransportPropertyTests
{
    [Fact]
    public void ExactTransportIsOptimalOnRandomShapesZerosAndTies()
    {
        // Shapes 1…20 each way, up to three zero masses per side, continuous or tied integer costs:
        // the recomputed duality checks hold, and on small shapes the vertex enumeration agrees.
        Gen.Select(Gen.Int[1, 20], Gen.Int[1, 20], Gen.Int[0, 1000], Gen.Int[0, 3], Gen.Bool)
            .Sample(t =>
            {
                var (m, n, seed, zeros, tied) = t;
                var a = Marginal(m, seed, Enumerable.Range(0, Math.Min(zeros, m - 1)).Select(k => (k * 7 + seed) % m).ToArray());
                var b = Marginal(n, seed + 1, Enumerable.Range(0, Math.Min(zeros, n - 1)).Select(k => (k * 5 + seed) % n).ToArray());
                var cost = tied ? IntegerCost(m, n, seed + 2, 3) : Cost(m, n, seed + 2);
                var r = ExactTransport.Solve(a, b, cost, m, n);
                Assert.Equal(SolverStatus.Converged, r.Status);
                ExactTransportTests.AssertOptimal(r, a, b, cost);
                if (m * n <= 12) Assert.Equal(BruteForceOptimalCost(a, b, cost), r.Cost, CostAgreement);
            }, iter: 200);
    }

    [Fact]
    public void SinkhornMeetsBothMarginalsOnRandomShapes()
    {
        Gen.Select(Gen.Int[1, 15], Gen.Int[1, 15], Gen.Int[0, 1000], Gen.Double[0.05, 2])
            .Sample(t =>
            {
                var (m, n, seed, epsilon) = t;
                var (a, b, cost) = Problem(m, n, seed);
                var r = SinkhornTransport.Solve(a, b, cost, m, n, epsilon);
                Assert.Equal(SolverStatus.Converged, r.Status);
                double tol = SinkhornOptions.DefaultTolerance;
                for (int i = 0; i < m; i++) Assert.Equal(a[i], r.Plan.Row(i).Sum(), SinkhornAgreement(tol));
                for (int j = 0; j < n; j++) Assert.Equal(b[j], r.Plan.Column(j).Sum(), SinkhornAgreement(tol));
                Assert.All(r.Plan.Enumerate(), x => Assert.True(x >= 0));
                // The rounded plan is feasible and the dual value a lower bound: the certificate is never negative.
                Assert.True(r.DualityGap >= -CostAgreement, $"gap {r.DualityGap}");
            }, iter: 60);
    }
}
