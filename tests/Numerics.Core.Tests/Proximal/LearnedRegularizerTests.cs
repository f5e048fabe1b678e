using Numerics.Optimization;
using Numerics.Proximal;
using static Numerics.Core.Tests.Proximal.LearnedProximalNetworkTests;
using static Numerics.Core.Tests.Proximal.ProximalTolerances;

namespace Numerics.Core.Tests.Proximal;

public class LearnedRegularizerTests
{
    private static readonly ProximalNetworkArchitecture Plane = new() { InputDimension = 2, Width = 8, Layers = 3, Beta = 10, Alpha = 0.1 };
    private static readonly RegularizerOptions Tight = new() { Tolerance = Inversion };

    private static double Norm2(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s;
    }

    [Fact]
    public void InversionRecoversThePreimageOfTheProx()
    {
        var net = new LearnedProximalNetwork(Plane, 1);
        int m = 8;
        var v = Gaussian(2 * m, 41, 2);
        var x = new double[2 * m];
        net.Prox(v, x);
        var r = LearnedRegularizer.Evaluate(net, x, Tight);
        Assert.True(r.AllConverged, string.Join(",", r.Statuses) + " " + string.Join(",", r.Residuals) + " " + string.Join(",", r.Iterations));
        for (int j = 0; j < m; j++)
        {
            double bound = Inversion * (1 + Math.Sqrt(Norm2(x.AsSpan(2 * j, 2), new double[2])));
            Assert.True(r.Residuals[j] <= bound);
            // ψ is 2α-strongly convex, so ‖ŷ − v‖ ≤ ‖f(ŷ) − f(v)‖/(2α) = residual/(2α): stationarity v − x = ∇R(x).
            Assert.True(Math.Sqrt(Norm2(r.Preimages.AsSpan(2 * j, 2), v.AsSpan(2 * j, 2))) <= r.Residuals[j] / (2 * Plane.Alpha) * (1 + 1e-6) + 1e-14);
        }
    }

    [Fact]
    public void GradientOfTheRegularizerMatchesFiniteDifferences()
    {
        var net = new LearnedProximalNetwork(Plane, 2);
        for (ulong trial = 0; trial < 5; trial++)
        {
            var x = Gaussian(2, 50 + trial, 1.5);
            var d = Gaussian(2, 60 + trial);
            var at = LearnedRegularizer.Evaluate(net, x, Tight);
            var plus = LearnedRegularizer.Evaluate(net, [x[0] + Step * d[0], x[1] + Step * d[1]], Tight);
            var minus = LearnedRegularizer.Evaluate(net, [x[0] - Step * d[0], x[1] - Step * d[1]], Tight);
            double fd = (plus.Values[0] - minus.Values[0]) / (2 * Step);
            double analytic = (at.Preimages[0] - x[0]) * d[0] + (at.Preimages[1] - x[1]) * d[1];
            Assert.True(Math.Abs(fd - analytic) <= FiniteDifference * (1 + Math.Abs(at.Values[0])), $"fd {fd}, analytic {analytic}");
        }
    }

    [Fact]
    public void TheProxIsTheGlobalMinimiserOfTheProximalObjective()
    {
        var net = new LearnedProximalNetwork(Plane, 3);
        for (ulong trial = 0; trial < 5; trial++)
        {
            var v = Gaussian(2, 70 + trial, 2);
            var x = new double[2];
            net.Prox(v, x);
            double rx = LearnedRegularizer.Evaluate(net, x, Tight).Values[0];
            double best = 0.5 * Norm2(v, x) + rx;
            // Candidates around x, near and far; α > 0 puts every point in the range of f.
            var zs = Gaussian(2 * 20, 80 + trial, 1.0);
            for (int i = 0; i < 2 * 20; i++) zs[i] = x[i % 2] + zs[i] * (i < 20 ? 0.1 : 2);
            var rz = LearnedRegularizer.Evaluate(net, zs, Tight);
            Assert.True(rz.AllConverged, string.Join(",", rz.Statuses) + " " + string.Join(",", rz.Residuals));
            for (int j = 0; j < 20; j++)
            {
                double candidate = 0.5 * Norm2(v, zs.AsSpan(2 * j, 2)) + rz.Values[j];
                Assert.True(best <= candidate + OptimalitySlack * (1 + Math.Abs(candidate)), $"f(v) scores {best}, z scores {candidate}");
            }
        }
    }

    [Fact]
    public void APointOutsideTheRangeDoesNotConverge()
    {
        // α = 0: f is bounded (|s′| ≤ 1), so x = 1e6 has no preimage and R(x) = +∞.
        var net = new LearnedProximalNetwork(new ProximalNetworkArchitecture { Width = 6, Layers = 2 }, 4);
        var r = LearnedRegularizer.Evaluate(net, [1e6, 0.1], new RegularizerOptions { MaxIterations = 200 });
        Assert.NotEqual(SolverStatus.Converged, r.Statuses[0]);
        Assert.True(r.Residuals[0] > RegularizerOptions.DefaultTolerance * (1 + 1e6));
        Assert.False(r.AllConverged);
    }

    [Fact]
    public void APointJustOutsideTheRangeIsAStatusNotAnException()
    {
        // α = 0 and x = 3.1 just beyond sup f: the Newton refinement's Hessian is nearly singular there,
        // CG's iterate overflowed, and the network's refusal of the infinite direction escaped
        // Evaluate as an ArgumentException. The point in the range must still converge.
        var net = new LearnedProximalNetwork(new ProximalNetworkArchitecture { Width = 5, Layers = 2 }, 0);
        var f = new double[2];
        net.Prox([-1e6, 1e6], f);
        Assert.True(3.1 > f[1], $"3.1 must lie beyond sup f ≈ {f[1]}");
        var inside = new double[1];
        net.Prox([0.3], inside);
        var r = LearnedRegularizer.Evaluate(net, [3.1, inside[0]]);
        Assert.NotEqual(SolverStatus.Converged, r.Statuses[0]);
        Assert.True(r.Residuals[0] > RegularizerOptions.DefaultTolerance * (1 + 3.1), $"residual {r.Residuals[0]}");
        Assert.Equal(SolverStatus.Converged, r.Statuses[1]);
        Assert.True(r.Residuals[1] <= RegularizerOptions.DefaultTolerance * (1 + Math.Abs(inside[0])));
    }

    [Fact]
    public void APointWhereThePotentialOverflowsIsABreakdownNotAnException()
    {
        // α‖x‖² = 0.1·1e400 overflows: the solve cannot start at u₀ = x. The other point is unaffected.
        var net = new LearnedProximalNetwork(Plane, 6);
        var v = Gaussian(2, 90);
        var fv = new double[2];
        net.Prox(v, fv);
        var r = LearnedRegularizer.Evaluate(net, [1e200, 0, fv[0], fv[1]], Tight);
        Assert.Equal(SolverStatus.Breakdown, r.Statuses[0]);
        Assert.True(double.IsNaN(r.Values[0]));
        Assert.Equal(SolverStatus.Converged, r.Statuses[1]);
        Assert.False(r.AllConverged);
    }

    [Fact]
    public void BadInputAndCancellation()
    {
        var net = new LearnedProximalNetwork(Plane, 5);
        Assert.Throws<ArgumentException>("x", () => LearnedRegularizer.Evaluate(net, new double[3]));
        Assert.Throws<ArgumentException>("x", () => LearnedRegularizer.Evaluate(net, [double.NaN, 0]));
        Assert.Throws<ArgumentException>("options", () => LearnedRegularizer.Evaluate(net, new double[2], new RegularizerOptions { Tolerance = -1 }));
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var r = LearnedRegularizer.Evaluate(net, new double[4], new RegularizerOptions { CancellationToken = cts.Token });
        Assert.All(r.Statuses, s => Assert.Equal(SolverStatus.Cancelled, s));
        Assert.All(r.Values, v => Assert.True(double.IsNaN(v)));
    }
}
