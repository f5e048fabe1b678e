using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Transport;
using static Numerics.Core.Tests.Transport.TransportBaselineTolerances;
using static Numerics.Core.Tests.Transport.TransportTestProblems;

namespace Numerics.Core.Tests.Transport;

public class SinkhornTransportTests
{
    [Theory]
    [InlineData(0.2)]
    [InlineData(0.5)]
    [InlineData(5.0)]
    public void MatchesTheTwoByTwoClosedForm(double epsilon)
    {
        // Uniform marginals force T = [[p, ½ − p], [½ − p, p]]; the fixed point's cross ratio
        // T₁₁T₂₂/(T₁₂T₂₁) = exp((c₁₂ + c₂₁ − c₁₁ − c₂₂)/ε) = R gives p = √R/(2(1 + √R)).
        double[] cost = [0.3, 0.9, 0.7, 0.2];
        double root = Math.Sqrt(Math.Exp((cost[2] + cost[1] - cost[0] - cost[3]) / epsilon));
        double p = root / (2 * (1 + root));
        const double Tight = 1e-13; // 2×2 converges linearly at a fast rate; far above the rounding floor (~1e-16)
        var r = SinkhornTransport.Solve([0.5, 0.5], [0.5, 0.5], cost, 2, 2, epsilon, new SinkhornOptions { Tolerance = Tight, MaxIterations = 100_000 });
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.Equal(p, r.Plan[0, 0], SinkhornAgreement(Tight));
        Assert.Equal(p, r.Plan[1, 1], SinkhornAgreement(Tight));
        Assert.Equal(0.5 - p, r.Plan[0, 1], SinkhornAgreement(Tight));
    }

    [Fact]
    public void FixedPointHoldsBothMarginalsAndThePlanFormula()
    {
        int m = 30, n = 40;
        var (a, b, cost) = Problem(m, n, 1);
        double epsilon = 0.1;
        var r = SinkhornTransport.Solve(a, b, cost, m, n, epsilon);
        Assert.Equal(SolverStatus.Converged, r.Status);
        double tol = SinkhornOptions.DefaultTolerance;
        for (int i = 0; i < m; i++) Assert.Equal(a[i], r.Plan.Row(i).Sum(), SinkhornAgreement(tol));
        for (int j = 0; j < n; j++) Assert.Equal(b[j], r.Plan.Column(j).Sum(), SinkhornAgreement(tol));
        Assert.True(r.RowMarginalError <= tol && r.ColumnMarginalError <= tol);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double expected = a[i] * b[j] * Math.Exp((r.F[i] + r.G[j] - cost[i + j * m]) / epsilon);
                Assert.Equal(expected, r.Plan[i, j], expected * PlanFormula);
            }
    }

    [Theory]
    [InlineData(3, 4, 0.3, 1)]
    [InlineData(4, 3, 0.05, 2)]
    public void MatchesTheEntropicOptimumFoundByNewtonsMethod(int m, int n, double epsilon, int seed)
    {
        // An independent solver: T = a·bᵀ + Σ xᵢⱼ·Eᵢⱼ over the (m − 1)(n − 1) cycles
        // Eᵢⱼ = eᵢeⱼᵀ − eᵢeₙᵀ − eₘeⱼᵀ + eₘeₙᵀ spans U(a, b), and ⟨T, C⟩ + ε·KL(T ‖ a⊗b) is strictly convex
        // in x: Newton's method with the exact Hessian ε·Σ EE/T and a step kept inside T > 0.
        var (a, b, cost) = Problem(m, n, seed);
        var (reference, optimum) = EntropicByNewton(a, b, cost, epsilon);
        const double Tight = 1e-13;
        var r = SinkhornTransport.Solve(a, b, cost, m, n, epsilon, new SinkhornOptions { Tolerance = Tight, MaxIterations = 100_000 });
        Assert.Equal(SolverStatus.Converged, r.Status);
        // Newton ends at a gradient of rounding level, so the reference is optimal to ~1e-15; Sinkhorn's
        // plan is within about its tolerance of the optimum.
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++) Assert.Equal(reference[i + j * m], r.Plan[i, j], SinkhornAgreement(Tight));
        Assert.Equal(optimum, r.Objective, SinkhornAgreement(Tight));
        // The certificate brackets the optimum: dual below, the rounded plan's objective above.
        Assert.True(r.DualObjective <= optimum + CostAgreement && r.FeasibleObjective >= optimum - CostAgreement);
        Assert.True(r.DualityGap >= (r.FeasibleObjective - optimum) - CostAgreement && r.DualityGap >= (optimum - r.DualObjective) - CostAgreement);
        Assert.True(r.DualityGap >= -CostAgreement);
    }

    /// <summary>The entropic optimum (column-major plan and objective) by Newton's method over the cycle coordinates.</summary>
    private static (double[] Plan, double Objective) EntropicByNewton(double[] a, double[] b, double[] cost, double epsilon)
    {
        int m = a.Length, n = b.Length, d = (m - 1) * (n - 1);
        var x = new double[d];
        double[] Plan(double[] y)
        {
            var t = new double[m * n];
            for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) t[i + j * m] = a[i] * b[j];
            for (int i = 0; i < m - 1; i++)
                for (int j = 0; j < n - 1; j++)
                {
                    double v = y[i + j * (m - 1)];
                    t[i + j * m] += v; t[i + (n - 1) * m] -= v; t[m - 1 + j * m] -= v; t[m - 1 + (n - 1) * m] += v;
                }
            return t;
        }
        double Objective(double[] t)
        {
            double f = 0;
            for (int j = 0; j < n; j++)
                for (int i = 0; i < m; i++)
                {
                    double v = t[i + j * m];
                    f += v * cost[i + j * m] + epsilon * (v * Math.Log(v / (a[i] * b[j])) - v);
                }
            return f + epsilon;
        }
        // The coordinate k = i + j(m − 1) touches the cells (i, j), (i, n−1), (m−1, j), (m−1, n−1) with signs +, −, −, +.
        (int Cell, int Sign)[] Cells(int k)
        {
            int i = k % (m - 1), j = k / (m - 1);
            return [(i + j * m, 1), (i + (n - 1) * m, -1), (m - 1 + j * m, -1), (m - 1 + (n - 1) * m, 1)];
        }
        for (int iteration = 0; iteration < 100; iteration++)
        {
            var t = Plan(x);
            var gradient = Vector<double>.Build.Dense(d);
            var hessian = Matrix<double>.Build.Dense(d, d);
            for (int k = 0; k < d; k++)
            {
                foreach (var (cell, sign) in Cells(k))
                    gradient[k] += sign * (cost[cell] + epsilon * Math.Log(t[cell] / (a[cell % m] * b[cell / m])));
                for (int l = 0; l < d; l++)
                    foreach (var (cell, sign) in Cells(k))
                        foreach (var (other, otherSign) in Cells(l))
                            if (cell == other) hessian[k, l] += epsilon * sign * otherSign / t[cell];
            }
            if (gradient.InfinityNorm() <= 1e-15) break;
            var step = hessian.Solve(-gradient);
            double length = 1, current = Objective(t);
            while (true)
            {
                var trial = x.Zip(step, (p, q) => p + length * q).ToArray();
                var tt = Plan(trial);
                if (tt.All(v => v > 0) && Objective(tt) <= current) { x = trial; break; }
                length /= 2;
                if (length < 1e-20) return (t, current);
            }
        }
        var plan = Plan(x);
        return (plan, Objective(plan));
    }

    [Fact]
    public void ApproachesTheExactCostAsEpsilonShrinks()
    {
        // T_ε is feasible, so ⟨T_ε, C⟩ ≥ OT; and ⟨T_ε, C⟩ ≤ ⟨T*, C⟩ + ε·KL(T* ‖ a⊗b) ≤ OT + ε·min(H(a), H(b)),
        // because KL(T* ‖ a⊗b) is the mutual information of a coupling of a and b.
        int m = 20, n = 25;
        var (a, b, cost) = Problem(m, n, 4);
        double exact = ExactTransport.Solve(a, b, cost, m, n).Cost;
        double entropy = Math.Min(Entropy(a), Entropy(b));
        double previous = double.PositiveInfinity;
        foreach (double epsilon in new[] { 0.3, 0.1, 0.03, 0.01 })
        {
            var r = SinkhornTransport.Solve(a, b, cost, m, n, epsilon, new SinkhornOptions { MaxIterations = 20_000 });
            Assert.Equal(SolverStatus.Converged, r.Status);
            // The plan is feasible only to the marginal tolerance: slack of tolerance·max|C|·√(m + n).
            double slack = SinkhornAgreement(SinkhornOptions.DefaultTolerance) * Math.Sqrt(m + n);
            Assert.InRange(r.Cost, exact - slack, exact + epsilon * entropy + slack);
            Assert.True(r.Cost <= previous + slack, "the entropic cost decreases with ε");
            previous = r.Cost;
        }
    }

    [Fact]
    public void PrimalAndDualObjectivesAgreeAtTheFixedPoint()
    {
        int m = 15, n = 12;
        var (a, b, cost) = Problem(m, n, 7);
        double epsilon = 0.2;
        var r = SinkhornTransport.Solve(a, b, cost, m, n, epsilon);
        // ⟨T, C⟩ + ε·KL(T ‖ a⊗b) recomputed from the plan's entries through logarithms.
        double objective = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double t = r.Plan[i, j];
                objective += t * cost[i + j * m] + epsilon * (t * Math.Log(t / (a[i] * b[j])) - t);
            }
        objective += epsilon;
        Assert.Equal(objective, r.Objective, CostAgreement);
        Assert.Equal(r.Objective, r.DualObjective, SinkhornAgreement(SinkhornOptions.DefaultTolerance));
    }

    [Fact]
    public void GivesTheSameBitsWhateverTheThreadCount()
    {
        int m = 256, n = 160; // above the size where the updates go parallel
        var (a, b, cost) = Problem(m, n, 10);
        var one = SinkhornTransport.Solve(a, b, cost, m, n, 0.05, new SinkhornOptions { MaxDegreeOfParallelism = 1 });
        foreach (int threads in new[] { 2, 3, 8 })
        {
            var many = SinkhornTransport.Solve(a, b, cost, m, n, 0.05, new SinkhornOptions { MaxDegreeOfParallelism = threads });
            Assert.Equal(one.Iterations, many.Iterations);
            Assert.Equal(one.F, many.F);
            Assert.Equal(one.G, many.G);
            Assert.Equal(one.Plan.ToColumnMajorArray(), many.Plan.ToColumnMajorArray());
        }
    }

    [Fact]
    public void LeavesZeroMassesOutOfThePlan()
    {
        int m = 9, n = 7;
        var a = Marginal(m, 13, 0, 4);
        var b = Marginal(n, 14, 6);
        var cost = Cost(m, n, 15);
        double epsilon = 0.1;
        var r = SinkhornTransport.Solve(a, b, cost, m, n, epsilon);
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.All(r.Plan.Row(0), t => Assert.Equal(0, t));
        Assert.All(r.Plan.Column(6), t => Assert.Equal(0, t));
        Assert.True(double.IsFinite(r.Objective) && r.F.All(double.IsFinite) && r.G.All(double.IsFinite));
        // The zero row's potential is its row update: f₀ = −ε·log Σⱼ bⱼ·exp((gⱼ − c₀ⱼ)/ε).
        double sum = 0;
        for (int j = 0; j < n; j++) sum += b[j] * Math.Exp((r.G[j] - cost[j * m]) / epsilon);
        Assert.Equal(-epsilon * Math.Log(sum), r.F[0], PlanFormula);
    }

    [Fact]
    public void StaysFiniteWhenEpsilonIsTinyAgainstTheCost()
    {
        // Exponents of size max|C|/ε = 1e5: the plain scaling iteration under- and overflows, the log domain does not.
        int m = 12, n = 10;
        var cost = Array.ConvertAll(Cost(m, n, 16), c => 1000 * c);
        var r = SinkhornTransport.Solve(Marginal(m, 17), Marginal(n, 18), cost, m, n, 0.01, new SinkhornOptions { MaxIterations = 200 });
        Assert.NotEqual(SolverStatus.Breakdown, r.Status);
        Assert.True(double.IsFinite(r.Cost) && double.IsFinite(r.Objective) && r.F.All(double.IsFinite) && r.G.All(double.IsFinite));
    }

    [Fact]
    public void ReportsTheIterationLimitCancellationAndProgress()
    {
        var (a, b, cost) = Problem(10, 10, 1);
        var limited = SinkhornTransport.Solve(a, b, cost, 10, 10, 1e-3, new SinkhornOptions { MaxIterations = 3 });
        Assert.Equal(SolverStatus.MaxIterations, limited.Status);
        Assert.Equal(3, limited.Iterations);
        Assert.True(limited.ColumnMarginalError > SinkhornOptions.DefaultTolerance);

        var cancelled = SinkhornTransport.Solve(a, b, cost, 10, 10, 1e-3, new SinkhornOptions { CancellationToken = new CancellationToken(true) });
        Assert.Equal(SolverStatus.Cancelled, cancelled.Status);
        Assert.Equal(1, cancelled.Iterations);

        var records = new List<IterationProgress>();
        var r = SinkhornTransport.Solve(a, b, cost, 10, 10, 0.1, new SinkhornOptions { Progress = new Numerics.Testing.SynchronousProgress<IterationProgress>(records.Add) });
        Assert.Equal(r.Iterations, records.Count);
        Assert.True(records[^1].Residual <= SinkhornOptions.DefaultTolerance);
    }

    [Fact]
    public void AcceptsAMathNetMatrix()
    {
        var (a, b, cost) = Problem(5, 6, 1);
        var fromSpan = SinkhornTransport.Solve(a, b, cost, 5, 6, 0.1);
        var fromMatrix = SinkhornTransport.Solve(a, b, Matrix<double>.Build.Dense(5, 6, cost), 0.1);
        Assert.Equal(fromSpan.Plan.ToColumnMajorArray(), fromMatrix.Plan.ToColumnMajorArray());
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void RejectsABadEpsilon(double epsilon)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => SinkhornTransport.Solve([1.0], [1.0], [0.0], 1, 1, epsilon));
        Assert.Equal("epsilon", e.ParamName);
    }

    [Fact]
    public void RejectsBadInput()
    {
        Assert.Equal("a", Assert.ThrowsAny<ArgumentException>(() => SinkhornTransport.Solve([0.7, 0.7], [1.0], [0, 0], 2, 1, 0.1)).ParamName);
        Assert.Equal("b", Assert.ThrowsAny<ArgumentException>(() => SinkhornTransport.Solve([1.0], [double.NaN], [0.0], 1, 1, 0.1)).ParamName);
        Assert.Equal("cost", Assert.ThrowsAny<ArgumentException>(() => SinkhornTransport.Solve([1.0], [1.0], [double.NegativeInfinity], 1, 1, 0.1)).ParamName);
        Assert.Equal("b", Assert.ThrowsAny<ArgumentException>(() => SinkhornTransport.Solve([1.0], [1.0], Matrix<double>.Build.Dense(1, 2), 0.1)).ParamName);
        Assert.Equal("options", Assert.ThrowsAny<ArgumentException>(() =>
            SinkhornTransport.Solve([1.0], [1.0], [0.0], 1, 1, 0.1, new SinkhornOptions { MaxDegreeOfParallelism = 0 })).ParamName);
    }

    private static double Entropy(double[] p) => -p.Where(x => x > 0).Sum(x => x * Math.Log(x));
}
