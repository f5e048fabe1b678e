using Numerics.LinearAlgebra;
using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

public class TransportObjectiveTests
{
    /// <summary>
    /// Objective values against brute force over supports: sums of ≤ 6·4 terms of size ≤ 10 in
    /// double, and θ bisected to its last bit, so agreement to 1e-12 absolute (a wrong support is off by ≥ 1e-3).
    /// </summary>
    private const double BruteForce = 1e-12;

    /// <summary>
    /// Central differences with h = 1e-6: on a smooth piece f is quadratic, so the truncation error
    /// vanishes and what is left is rounding, ≈ u·|f|/h ≈ 1e-10 for |f| ≈ 1; 1e-8 leaves a factor 100.
    /// </summary>
    private const double FiniteDifference = 1e-8;

    private const double Step = 1e-6;

    private static (TransportProblem Problem, double[] Alpha, double[] Beta) Random(int m, int n, int seed)
    {
        var (c, a, b) = TransportReference.RandomProblem(m, n, seed);
        var rng = new System.Random(seed + 100);
        var alpha = Enumerable.Range(0, m).Select(_ => rng.NextDouble()).ToArray();
        var beta = Enumerable.Range(0, n).Select(_ => rng.NextDouble() - 1).ToArray();
        return (TransportProblem.Create(c, a, b), alpha, beta);
    }

    public static TheoryData<int, double> KAndGamma => new() { { 1, 1.0 }, { 2, 0.1 }, { 3, 1.0 }, { 6, 0.3 }, { 9, 1.0 } };

    [Theory]
    [MemberData(nameof(KAndGamma))]
    public void SemiDualMatchesBruteForceAndFiniteDifferences(int k, double gamma)
    {
        var (problem, alpha, _) = Random(6, 4, k);
        var f = new SemiDualObjective(problem, k, gamma);
        var g = new double[6];
        double value = f.Evaluate(alpha, g);
        var a = problem.SourceWeights.ToArray();
        var b = problem.TargetWeights.ToArray();
        Assert.Equal(TransportReference.SemiDual(problem.CostMatrix, a, b, alpha, k, gamma), -value, BruteForce);
        CheckGradient(f, alpha, g);

        var plan = f.Plan(alpha);
        Assert.True(plan.MaxNonZerosPerColumn() <= k);
        var rows = plan.RowSums();
        for (int i = 0; i < 6; i++) Assert.Equal(rows[i] - a[i], g[i]);
        var columns = plan.ColumnSums();
        for (int j = 0; j < 4; j++) Assert.Equal(b[j], columns[j], BruteForce);
    }

    [Theory]
    [MemberData(nameof(KAndGamma))]
    public void DualMatchesBruteForceAndFiniteDifferences(int k, double gamma)
    {
        var (problem, alpha, beta) = Random(6, 4, k);
        var f = new DualObjective(problem, k, gamma);
        double[] x = [.. alpha, .. beta];
        var g = new double[10];
        double value = f.Evaluate(x, g);
        var a = problem.SourceWeights.ToArray();
        var b = problem.TargetWeights.ToArray();
        Assert.Equal(TransportReference.Dual(problem.CostMatrix, a, b, alpha, beta, k, gamma), -value, BruteForce);
        CheckGradient(f, x, g);
        var plan = f.Plan(x);
        Assert.True(plan.MaxNonZerosPerColumn() <= k);
    }

    /// <summary>
    /// Harder inputs: exact ties (integer costs and potentials), γ = 1e-4 (curvature 1e4), and costs and
    /// potentials of size 1e6 (with γ on that scale, and with γ = 1 where only the largest entry of a
    /// column survives).
    /// </summary>
    public static TheoryData<int, double, double, bool> HardCases => new()
    {
        { 1, 1.0, 1, true }, { 2, 0.5, 1, true }, { 3, 1.0, 1, true }, { 6, 0.3, 1, true },
        { 1, 1e-4, 1, false }, { 3, 1e-4, 1, false }, { 9, 1e-4, 1, false },
        { 2, 1.0, 1e6, false }, { 3, 0.3e6, 1e6, false }, { 2, 1e-4, 1e6, false },
    };

    [Theory]
    [MemberData(nameof(HardCases))]
    public void ObjectivesMatchBruteForceWithTiesSmallGammaAndLargeCosts(int k, double gamma, double scale, bool ties)
    {
        const int m = 6, n = 4;
        var rng = new System.Random(k + (int)Math.Log10(scale) * 10 + (ties ? 100 : 0));
        // Integer costs 0..2 and potentials 0..1 make s = α − c integer-valued: many exact ties.
        var c = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(m, n, (_, _) => ties ? rng.Next(3) : scale * rng.NextDouble());
        var (_, a0, b0) = TransportReference.RandomProblem(m, n, k);
        var problem = TransportProblem.Create(c, a0, b0);
        var a = problem.SourceWeights.ToArray();
        var b = problem.TargetWeights.ToArray();
        var alpha = Enumerable.Range(0, m).Select(_ => ties ? rng.Next(2) : scale * rng.NextDouble()).ToArray();
        var beta = Enumerable.Range(0, n).Select(_ => ties ? -rng.Next(2) : scale * (rng.NextDouble() - 1)).ToArray();

        foreach (var formulation in new[] { TransportFormulation.SemiDual, TransportFormulation.Dual })
        {
            HostTransportObjective f = formulation == TransportFormulation.Dual ? new DualObjective(problem, k, gamma) : new SemiDualObjective(problem, k, gamma);
            double[] x = formulation == TransportFormulation.Dual ? [.. alpha, .. beta] : alpha;
            var g = new double[x.Length];
            double value = f.Evaluate(x, g);
            double expected = formulation == TransportFormulation.Dual
                ? TransportReference.Dual(c, a, b, alpha, beta, k, gamma)
                : TransportReference.SemiDual(c, a, b, alpha, k, gamma);
            // Relative: sums of ≤ 24 terms, each rounded relative to its size (at most |value|·n·k·u ≈ 5e-15 relative).
            Assert.Equal(expected, -value, BruteForce * Math.Max(1, Math.Abs(expected)));
            var plan = f.Plan(x);
            Assert.True(plan.MaxNonZerosPerColumn() <= k);
            var rows = plan.RowSums();
            for (int i = 0; i < m; i++) Assert.Equal(rows[i] - a[i], g[i]);
            CheckSubgradient(f, x, g, value, scale, rng);
        }
    }

    /// <summary>
    /// −S_k and −D_k are convex (suprema of functions affine in the potentials), and the plan's marginal
    /// violation is a subgradient (Danskin), at ties too: f(y) ≥ f(x) + ⟨g, y − x⟩ for every y. Checked
    /// along ± random directions at radii from 1e-9 to 1 (relative to the scale), up to the rounding of
    /// the two values (1e-13·max(1, |f|)).
    /// </summary>
    private static void CheckSubgradient(HostTransportObjective f, double[] x, double[] g, double value, double scale, System.Random rng)
    {
        var scratch = new double[x.Length];
        for (int trial = 0; trial < 20; trial++)
        {
            var d = Enumerable.Range(0, x.Length).Select(_ => rng.NextDouble() - 0.5).ToArray();
            foreach (double radius in new[] { 1e-9, 1e-6, 1e-3, 1.0 })
                foreach (double sign in new[] { 1.0, -1.0 })
                {
                    double r = sign * radius * scale;
                    var y = x.Select((xi, i) => xi + r * d[i]).ToArray();
                    double fy = f.Evaluate(y, scratch);
                    double linear = value + r * d.Select((di, i) => di * g[i]).Sum();
                    Assert.True(fy >= linear - 1e-13 * Math.Max(1, Math.Max(Math.Abs(fy), Math.Abs(value))), $"f(y) = {fy} < {linear} at radius {r}");
                }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void DualMaximisedOverBetaIsTheSemiDual(int k)
    {
        const double gamma = 0.5;
        var (problem, alpha, _) = Random(7, 5, 10 + k);
        var a = problem.SourceWeights.ToArray();
        var b = problem.TargetWeights.ToArray();
        var c = problem.CostMatrix;
        // Each βⱼ maximises the concave βⱼ·bⱼ − δ_k(α + βⱼ − c_j): bisect its derivative bⱼ − Σ_top-k [s + βⱼ]₊/γ.
        var beta = new double[5];
        for (int j = 0; j < 5; j++)
        {
            var s = alpha.Select((x, i) => x - c[i, j]).OrderDescending().Take(k).ToArray();
            double lo = -s[0], hi = -s[0] + gamma * b[j] + 1;
            for (int it = 0; it < 200; it++)
            {
                double mid = 0.5 * (lo + hi);
                if (s.Sum(x => Math.Max(x + mid, 0)) / gamma < b[j]) lo = mid; else hi = mid;
            }
            beta[j] = 0.5 * (lo + hi);
        }
        double semiDual = TransportReference.SemiDual(c, a, b, alpha, k, gamma);
        Assert.Equal(semiDual, TransportReference.Dual(c, a, b, alpha, beta, k, gamma), BruteForce);
        var dual = new DualObjective(problem, k, gamma);
        Assert.Equal(semiDual, -dual.Evaluate([.. alpha, .. beta], new double[12]), BruteForce);
        // Any other β gives less.
        var other = beta.Select((x, j) => x + 0.01 * (j % 2 == 0 ? 1 : -1)).ToArray();
        Assert.True(TransportReference.Dual(c, a, b, alpha, other, k, gamma) < semiDual);
    }

    [Fact]
    public void SemiDualIsNonIncreasingInK()
    {
        var (problem, alpha, _) = Random(12, 9, 3);
        double previous = double.PositiveInfinity;
        for (int k = 1; k <= 13; k++)
        {
            double s = -new SemiDualObjective(problem, k, 0.2).Evaluate(alpha, new double[12]);
            Assert.True(s <= previous, $"S_{k} = {s} > S_{k - 1} = {previous}");
            previous = s;
        }
    }

    [Fact]
    public void SameBitsWhateverTheThreadCount()
    {
        var (problem, alpha, beta) = Random(300, 257, 9);
        foreach (var formulation in new[] { TransportFormulation.SemiDual, TransportFormulation.Dual })
        {
            double[] x = formulation == TransportFormulation.Dual ? [.. alpha, .. beta] : alpha;
            (double, double[], TransportPlan) Run(int threads)
            {
                using var scope = LinearAlgebraBackend.Current.UseThreads(threads);
                HostTransportObjective f = formulation == TransportFormulation.Dual ? new DualObjective(problem, 3, 0.05) : new SemiDualObjective(problem, 3, 0.05);
                var g = new double[x.Length];
                double v = f.Evaluate(x, g);
                return (v, g, f.Plan(x));
            }
            var (v1, g1, p1) = Run(1);
            var (v8, g8, p8) = Run(8);
            Assert.Equal(BitConverter.DoubleToInt64Bits(v1), BitConverter.DoubleToInt64Bits(v8));
            Assert.Equal(g1, g8);
            Assert.Equal(p1.Values.ToArray(), p8.Values.ToArray());
            Assert.Equal(p1.RowIndices.ToArray(), p8.RowIndices.ToArray());
        }
    }

    [Fact]
    public void NonFinitePotentialsGiveNaNAndBadLengthsThrow()
    {
        var (problem, alpha, _) = Random(4, 3, 1);
        var f = new SemiDualObjective(problem, 2, 1);
        var g = new double[4];
        alpha[2] = double.PositiveInfinity;
        Assert.True(double.IsNaN(f.Evaluate(alpha, g)));
        Assert.All(g, v => Assert.True(double.IsNaN(v)));
        Assert.Equal("x", Assert.Throws<ArgumentException>(() => f.Evaluate(new double[3], g)).ParamName);
        Assert.Equal("gradient", Assert.Throws<ArgumentException>(() => f.Evaluate(new double[4], new double[5])).ParamName);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => new DualObjective(problem, 0, 1)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new DualObjective(problem, 1, 0)).ParamName);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => new SemiDualObjective(problem, 1, double.NaN)).ParamName);
        Assert.Equal("problem", Assert.Throws<ArgumentNullException>(() => new SemiDualObjective(null!, 1, 1)).ParamName);
    }

    private static void CheckGradient(HostTransportObjective f, double[] x, double[] gradient)
    {
        var g = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            var plus = (double[])x.Clone();
            var minus = (double[])x.Clone();
            plus[i] += Step;
            minus[i] -= Step;
            double fd = (f.Evaluate(plus, g) - f.Evaluate(minus, g)) / (2 * Step);
            Assert.Equal(fd, gradient[i], FiniteDifference);
        }
    }
}
