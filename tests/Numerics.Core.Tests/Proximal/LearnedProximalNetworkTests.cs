using Numerics.Proximal;
using Numerics.Random;
using static Numerics.Core.Tests.Proximal.ProximalTolerances;

namespace Numerics.Core.Tests.Proximal;

public class LearnedProximalNetworkTests
{
    private static readonly ProximalNetworkArchitecture Small = new() { InputDimension = 3, Width = 7, Layers = 3, Beta = 10, Alpha = 0.05 };

    /// <summary>A network whose hidden-path weights are all positive (so the constraint is inactive and θ can be perturbed both ways).</summary>
    internal static LearnedProximalNetwork Interior(ProximalNetworkArchitecture architecture, ulong seed)
    {
        var net = new LearnedProximalNetwork(architecture, seed);
        var p = net.Parameters.ToArray();
        foreach (var (start, length) in net.ConstrainedRanges())
            for (int i = start; i < start + length; i++) p[i] = p[i] * 0.5 + 0.05;
        net.SetParameters(p);
        return net;
    }

    internal static double[] Gaussian(int length, ulong seed, double scale = 1)
    {
        var v = new double[length];
        new CounterRng(seed).FillNormal(v);
        for (int i = 0; i < length; i++) v[i] *= scale;
        return v;
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static double Psi(LearnedProximalNetwork net, double[] y)
    {
        var v = new double[y.Length / net.InputDimension];
        net.Potential(y, v);
        return v.Sum();
    }

    [Fact]
    public void ProxMatchesFiniteDifferencesOfThePotential()
    {
        var net = Interior(Small, 1);
        for (ulong trial = 0; trial < 10; trial++)
        {
            var y = Gaussian(3, 100 + trial, 2);
            var v = Gaussian(3, 200 + trial);
            var f = new double[3];
            net.Prox(y, f);
            double plus = Psi(net, y.Zip(v, (a, b) => a + Step * b).ToArray());
            double minus = Psi(net, y.Zip(v, (a, b) => a - Step * b).ToArray());
            double fd = (plus - minus) / (2 * Step);
            Assert.True(Math.Abs(fd - Dot(f, v)) <= FiniteDifference * (1 + Math.Abs(Psi(net, y))), $"trial {trial}: fd {fd}, analytic {Dot(f, v)}");
        }
    }

    [Fact]
    public void HessianVectorProductMatchesFiniteDifferencesOfTheProx()
    {
        var net = Interior(Small, 2);
        int m = 6;
        var y = Gaussian(3 * m, 11, 2);
        var v = Gaussian(3 * m, 12);
        var hv = new double[3 * m];
        net.HessianVectorProduct(y, v, hv);
        var fp = new double[3 * m];
        var fm = new double[3 * m];
        net.Prox(y.Zip(v, (a, b) => a + Step * b).ToArray(), fp);
        net.Prox(y.Zip(v, (a, b) => a - Step * b).ToArray(), fm);
        for (int i = 0; i < 3 * m; i++)
        {
            double fd = (fp[i] - fm[i]) / (2 * Step);
            Assert.True(Math.Abs(fd - hv[i]) <= FiniteDifference * (1 + Math.Abs(hv[i])), $"entry {i}: fd {fd}, analytic {hv[i]}");
        }
    }

    [Fact]
    public void JacobianIsSymmetricAndAboveTheStrongConvexityModulus()
    {
        var net = new LearnedProximalNetwork(Small, 3);
        for (ulong trial = 0; trial < 10; trial++)
        {
            var y = Gaussian(3, 300 + trial, 3);
            var u = Gaussian(3, 400 + trial);
            var v = Gaussian(3, 500 + trial);
            var hu = new double[3];
            var hv = new double[3];
            net.HessianVectorProduct(y, u, hu);
            net.HessianVectorProduct(y, v, hv);
            double uhv = Dot(u, hv), vhu = Dot(v, hu);
            Assert.True(Math.Abs(uhv - vhu) <= Symmetry * (1 + Math.Abs(uhv)), $"{uhv} vs {vhu}");
            double vv = Dot(v, v);
            Assert.True(Dot(v, hv) >= 2 * Small.Alpha * vv * (1 - ConvexitySlack), $"curvature {Dot(v, hv)} below 2α‖v‖² = {2 * Small.Alpha * vv}");
        }
    }

    [Fact]
    public void PotentialIsConvexAlongRandomLinesAndItsGradientIsCyclicallyMonotone()
    {
        var net = new LearnedProximalNetwork(Small, 4);
        for (ulong trial = 0; trial < 20; trial++)
        {
            var a = Gaussian(3, 600 + trial, 3);
            var b = Gaussian(3, 700 + trial, 3);
            double pa = Psi(net, a), pb = Psi(net, b);
            double pm = Psi(net, a.Zip(b, (p, q) => (p + q) / 2).ToArray());
            double scale = Math.Abs(pa) + Math.Abs(pb) + 1;
            Assert.True(pm <= (pa + pb) / 2 + ConvexitySlack * scale, "midpoint convexity");
            var fa = new double[3];
            var fb = new double[3];
            net.Prox(a, fa);
            net.Prox(b, fb);
            var d = b.Zip(a, (p, q) => p - q).ToArray();
            Assert.True(pb >= pa + Dot(fa, d) - ConvexitySlack * scale, "first-order convexity");
            double monotone = Dot(fb.Zip(fa, (p, q) => p - q).ToArray(), d);
            Assert.True(monotone >= 2 * Small.Alpha * Dot(d, d) - ConvexitySlack * scale, "strong monotonicity");
        }
        // Cyclic monotonicity, Σ ⟨f(y_i), y_{i+1} − y_i⟩ ≤ 0 over a cycle, characterises gradients of convex functions.
        for (ulong trial = 0; trial < 10; trial++)
        {
            const int cycle = 5;
            var ys = Gaussian(3 * cycle, 800 + trial, 3);
            var fs = new double[3 * cycle];
            net.Prox(ys, fs);
            double sum = 0, scale = 0;
            for (int i = 0; i < cycle; i++)
                for (int l = 0; l < 3; l++)
                {
                    double step = ys[(i + 1) % cycle * 3 + l] - ys[i * 3 + l];
                    sum += fs[i * 3 + l] * step;
                    scale += Math.Abs(fs[i * 3 + l] * step);
                }
            Assert.True(sum <= ConvexitySlack * (1 + scale), $"cyclic sum {sum}");
        }
    }

    [Theory]
    [InlineData(3, 7, 3)]
    [InlineData(1, 1, 1)] // one unit, no hidden-path matrix: only A₀, b₀, w and a
    [InlineData(2, 1, 4)]
    [InlineData(4, 5, 1)]
    public void ParameterGradientMatchesFiniteDifferencesForEveryParameter(int n, int width, int layers)
    {
        var shape = Small with { InputDimension = n, Width = width, Layers = layers };
        var net = Interior(shape, 5);
        int m = 4;
        var y = Gaussian(n * m, 21, 2);
        var r = Gaussian(n * m, 22);
        var g = new double[net.ParameterCount];
        net.ParameterGradient(y, r, g);
        var theta = net.Parameters.ToArray();
        var probe = new LearnedProximalNetwork(shape, theta);
        var f = new double[n * m];
        double Phi(double[] parameters)
        {
            probe.SetParameters(parameters);
            probe.Prox(y, f);
            return Dot(r, f);
        }
        for (int i = 0; i < theta.Length; i++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += Step;
            minus[i] -= Step;
            double fd = (Phi(plus) - Phi(minus)) / (2 * Step);
            Assert.True(Math.Abs(fd - g[i]) <= FiniteDifference * (1 + Math.Abs(g[i])), $"parameter {i}: fd {fd}, analytic {g[i]}");
        }
    }

    [Fact]
    public void ABatchEqualsItsColumnsOneAtATime()
    {
        var net = new LearnedProximalNetwork(Small, 6);
        int m = 9;
        var y = Gaussian(3 * m, 31, 2);
        var f = new double[3 * m];
        var psi = new double[m];
        net.PotentialAndProx(y, psi, f);
        for (int j = 0; j < m; j++)
        {
            var fj = new double[3];
            var pj = new double[1];
            net.PotentialAndProx(y.AsSpan(3 * j, 3), pj, fj);
            Assert.True(Math.Abs(pj[0] - psi[j]) <= BatchConsistency * (1 + Math.Abs(psi[j])));
            for (int l = 0; l < 3; l++) Assert.True(Math.Abs(fj[l] - f[3 * j + l]) <= BatchConsistency * (1 + Math.Abs(fj[l])));
        }
    }

    /// <summary>300 columns: three column blocks of the passes (128, 128 and 44), so the per-block partial gradients are added.</summary>
    private const int SeveralBlocks = 300;

    [Fact]
    public void ParameterGradientMatchesFiniteDifferencesAcrossSeveralColumnBlocks()
    {
        var shape = Small with { InputDimension = 2, Width = 5, Layers = 3 };
        var net = Interior(shape, 7);
        int m = SeveralBlocks;
        var y = Gaussian(2 * m, 41, 2);
        var r = Gaussian(2 * m, 42, 1.0 / m);
        var g = new double[net.ParameterCount];
        net.ParameterGradient(y, r, g);
        var theta = net.Parameters.ToArray();
        var probe = new LearnedProximalNetwork(shape, theta);
        var f = new double[2 * m];
        double Phi(double[] parameters)
        {
            probe.SetParameters(parameters);
            probe.Prox(y, f);
            return Dot(r, f);
        }
        for (int i = 0; i < theta.Length; i++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[i] += Step;
            minus[i] -= Step;
            double fd = (Phi(plus) - Phi(minus)) / (2 * Step);
            Assert.True(Math.Abs(fd - g[i]) <= FiniteDifference * (1 + Math.Abs(g[i])), $"parameter {i}: fd {fd}, analytic {g[i]}");
        }
    }

    [Fact]
    public void SeveralColumnBlocksAgreeWithTheirColumnsInSmallBatches()
    {
        var net = Interior(Small, 8);
        int m = SeveralBlocks, n = 3, part = 30; // 30 columns: one block
        var y = Gaussian(n * m, 51, 2);
        var v = Gaussian(n * m, 52);
        var f = new double[n * m];
        var psi = new double[m];
        var hv = new double[n * m];
        var g = new double[net.ParameterCount];
        net.PotentialAndProx(y, psi, f);
        net.HessianVectorProduct(y, v, hv);
        net.ParameterGradient(y, v, g);
        // The gradient is additive over columns: the sum of the parts' gradients, each from one block.
        var sum = new double[g.Length];
        for (int j0 = 0; j0 < m; j0 += part)
        {
            var fj = new double[n * part];
            var pj = new double[part];
            var hj = new double[n * part];
            var gj = new double[g.Length];
            var yj = y.AsSpan(n * j0, n * part);
            net.PotentialAndProx(yj, pj, fj);
            net.HessianVectorProduct(yj, v.AsSpan(n * j0, n * part), hj);
            net.ParameterGradient(yj, v.AsSpan(n * j0, n * part), gj);
            for (int i = 0; i < g.Length; i++) sum[i] += gj[i];
            for (int j = 0; j < part; j++) Assert.True(Math.Abs(pj[j] - psi[j0 + j]) <= BatchConsistency * (1 + Math.Abs(psi[j0 + j])));
            for (int l = 0; l < n * part; l++)
            {
                Assert.True(Math.Abs(fj[l] - f[n * j0 + l]) <= BatchConsistency * (1 + Math.Abs(fj[l])), $"f at {n * j0 + l}");
                Assert.True(Math.Abs(hj[l] - hv[n * j0 + l]) <= BatchConsistency * (1 + Math.Abs(hj[l])), $"Hv at {n * j0 + l}");
            }
        }
        double scale = 1 + g.Max(Math.Abs);
        for (int i = 0; i < g.Length; i++) Assert.True(Math.Abs(sum[i] - g[i]) <= BatchConsistency * scale, $"parameter {i}: {sum[i]} vs {g[i]}");
    }

    [Fact]
    public async Task SeveralColumnBlocksGiveTheSameBitsOnOneWorker()
    {
        var net = Interior(Small, 9);
        int m = SeveralBlocks, n = 3;
        var y = Gaussian(n * m, 61, 2);
        var v = Gaussian(n * m, 62);
        (double[], double[], double[]) Run()
        {
            var f = new double[n * m];
            var hv = new double[n * m];
            var g = new double[net.ParameterCount];
            net.Prox(y, f);
            net.HessianVectorProduct(y, v, hv);
            net.ParameterGradient(y, v, g);
            return (f, hv, g);
        }
        var parallel = Run();
        // Parallel loops started from a task on an exclusive scheduler run their bodies one at a time.
        var exclusive = new ConcurrentExclusiveSchedulerPair().ExclusiveScheduler;
        var serial = await Task.Factory.StartNew(Run, CancellationToken.None, TaskCreationOptions.None, exclusive);
        Assert.Equal(parallel.Item1, serial.Item1);
        Assert.Equal(parallel.Item2, serial.Item2);
        Assert.Equal(parallel.Item3, serial.Item3);
    }

    [Fact]
    public void InitialisationIsSeededAndRespectsTheConstraints()
    {
        var a = new LearnedProximalNetwork(Small, 7);
        var b = new LearnedProximalNetwork(Small, 7);
        var c = new LearnedProximalNetwork(Small, 8);
        Assert.Equal(a.Parameters.ToArray(), b.Parameters.ToArray());
        Assert.NotEqual(a.Parameters.ToArray(), c.Parameters.ToArray());
        foreach (var (start, length) in a.ConstrainedRanges())
            Assert.All(a.Parameters.Slice(start, length).ToArray(), p => Assert.True(p >= 0));
        // Default architecture: the official 1-D model's shape (10,502 parameters there; 50 more here for b₀, 1 fewer for the constant).
        Assert.Equal(10551, new LearnedProximalNetwork().ParameterCount);
    }

    [Fact]
    public void BadInputIsRejectedBeforeAnythingChanges()
    {
        var net = new LearnedProximalNetwork(Small, 9);
        var before = net.Parameters.ToArray();
        Assert.Throws<ArgumentException>("architecture", () => new LearnedProximalNetwork(Small with { Width = 0 }));
        Assert.Throws<ArgumentException>("architecture", () => new LearnedProximalNetwork(Small with { Beta = double.NaN }));
        Assert.Throws<ArgumentException>("architecture", () => new LearnedProximalNetwork(Small with { Alpha = -1 }));
        Assert.Throws<ArgumentException>("y", () => net.Prox(new double[4], new double[4]));
        Assert.Throws<ArgumentException>("y", () => net.Prox(Array.Empty<double>(), Array.Empty<double>()));
        Assert.Throws<ArgumentException>("y", () => net.Prox([1, double.NaN, 0], new double[3]));
        Assert.Throws<ArgumentException>("x", () => net.Prox(new double[3], new double[6]));
        Assert.Throws<ArgumentException>("potential", () => net.Potential(new double[6], new double[1]));
        Assert.Throws<ArgumentException>("v", () => net.HessianVectorProduct(new double[3], [0, double.PositiveInfinity, 0], new double[3]));
        Assert.Throws<ArgumentException>("gradient", () => net.ParameterGradient(new double[3], new double[3], new double[1]));
        var negative = (double[])before.Clone();
        negative[net.Layout.OutputWeights] = -1;
        Assert.Throws<ArgumentException>("parameters", () => net.SetParameters(negative));
        Assert.Throws<ArgumentException>("parameters", () => net.SetParameters(new double[3]));
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void ExtremeInputsStayFinite()
    {
        var net = new LearnedProximalNetwork(Small, 10);
        double[] y = [1e150, -1e150, 0, 1e-300, -1e-300, 5e-324, 1e6, -1e6, 1e6];
        var f = new double[9];
        var psi = new double[3];
        net.PotentialAndProx(y, psi, f);
        Assert.All(f, v => Assert.True(double.IsFinite(v)));
        Assert.True(double.IsFinite(psi[1]) && double.IsFinite(psi[2]));
    }
}
