using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Transport;
using static Numerics.Core.Tests.Transport.TransportBaselineTolerances;
using static Numerics.Core.Tests.Transport.TransportTestProblems;

namespace Numerics.Core.Tests.Transport;

public class ExactTransportTests
{
    public static TheoryData<int, int, int> TinyShapes => new()
    {
        { 1, 1, 1 }, { 1, 4, 2 }, { 4, 1, 3 }, { 2, 2, 4 }, { 2, 3, 5 }, { 3, 2, 6 }, { 3, 3, 7 }, { 3, 4, 8 }, { 4, 3, 9 }, { 4, 4, 10 },
    };

    [Theory]
    [MemberData(nameof(TinyShapes))]
    public void MatchesTheVertexEnumerationOnTinyProblems(int m, int n, int seed)
    {
        var a = Marginal(m, seed);
        var b = Marginal(n, seed + 100);
        foreach (var cost in new[] { Cost(m, n, seed), IntegerCost(m, n, seed, 3) })
        {
            var r = ExactTransport.Solve(a, b, cost, m, n);
            Assert.Equal(SolverStatus.Converged, r.Status);
            Assert.Equal(BruteForceOptimalCost(a, b, cost), r.Cost, CostAgreement);
            AssertOptimal(r, a, b, cost);
        }
    }

    [Fact]
    public void MatchesTheVertexEnumerationWithUniformMarginalsAndTies()
    {
        // Uniform marginals make every vertex degenerate; integer costs add ties between vertices.
        for (int seed = 0; seed < 20; seed++)
        {
            var a = Uniform(4);
            var b = Uniform(4);
            var cost = IntegerCost(4, 4, seed, 2);
            var r = ExactTransport.Solve(a, b, cost, 4, 4);
            Assert.Equal(SolverStatus.Converged, r.Status);
            Assert.Equal(BruteForceOptimalCost(a, b, cost), r.Cost, CostAgreement);
        }
    }

    [Theory]
    [InlineData(60, 80, 1)]
    [InlineData(250, 200, 2)]
    [InlineData(300, 300, 3)]
    public void IsOptimalByDualityOnRandomProblems(int m, int n, int seed)
    {
        var (a, b, cost) = Problem(m, n, seed);
        var r = ExactTransport.Solve(a, b, cost, m, n);
        Assert.Equal(SolverStatus.Converged, r.Status);
        AssertOptimal(r, a, b, cost);
    }

    [Fact]
    public void CentresThePotentialsAsPot()
    {
        var a = Marginal(20, 4);
        var b = Marginal(30, 5);
        var r = ExactTransport.Solve(a, b, Cost(20, 30, 6), 20, 30);
        Assert.Equal(Dot(a, r.U), Dot(b, r.V), CostAgreement);
    }

    [Fact]
    public void HandlesZeroMasses()
    {
        var a = Marginal(7, 11, 0, 3, 6);
        var b = Marginal(6, 12, 2, 5);
        var cost = Cost(7, 6, 13);
        var r = ExactTransport.Solve(a, b, cost, 7, 6);
        Assert.Equal(SolverStatus.Converged, r.Status);
        AssertOptimal(r, a, b, cost);
        Assert.DoesNotContain(r.Plan.RowIndices, i => a[i] == 0);
        Assert.DoesNotContain(r.Plan.ColumnIndices, j => b[j] == 0);
        // The optimum over the positive block, which the brute force handles at this size only through the reduced problem.
        var reduced = ExactTransport.Solve(Drop(a, 0, 3, 6), Drop(b, 2, 5), DropCells(cost, 7, 6, [0, 3, 6], [2, 5]), 4, 4);
        Assert.Equal(reduced.Cost, r.Cost, CostAgreement);
    }

    [Fact]
    public void SolvesASingleRowOrColumnInClosedForm()
    {
        var b = Marginal(9, 1);
        var cost = Cost(1, 9, 2);
        var row = ExactTransport.Solve([1.0], b, cost, 1, 9);
        Assert.Equal(SolverStatus.Converged, row.Status);
        // b is rescaled to Σa before the solve (documented), which may move it by an ulp.
        AssertClose(b, row.Plan.ToDense().Row(0).ToArray());
        Assert.Equal(Dot(b, cost), row.Cost, CostAgreement);

        var column = ExactTransport.Solve(b, [1.0], cost, 9, 1);
        Assert.Equal(SolverStatus.Converged, column.Status);
        AssertClose(b, column.Plan.ToDense().Column(0).ToArray());
    }

    [Fact]
    public void FindsThePermutationWhenTheDiagonalIsFree()
    {
        // Uniform marginals and zero cost on a permuted diagonal: the optimum is that permutation, cost 0,
        // and every basis is maximally degenerate (n positive cells out of 2n − 1).
        int n = 40;
        var permutation = Enumerable.Range(0, n).OrderBy(i => (i * 17) % n).ToArray();
        var cost = new double[n * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) cost[i + j * n] = permutation[i] == j ? 0 : 1 + (i + j) % 3;
        var r = ExactTransport.Solve(Uniform(n), Uniform(n), cost, n, n);
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.Equal(0, r.Cost);
        Assert.Equal(n, r.Plan.Count);
        for (int k = 0; k < n; k++) Assert.Equal(permutation[r.Plan.RowIndices[k]], r.Plan.ColumnIndices[k]);
    }

    [Fact]
    public void HandlesIdenticalRowsAndAConstantCost()
    {
        var a = Marginal(12, 3);
        var b = Marginal(15, 4);
        var row = Cost(1, 15, 5);
        var identical = new double[12 * 15];
        for (int j = 0; j < 15; j++)
            for (int i = 0; i < 12; i++) identical[i + j * 12] = row[j];
        // Every plan costs Σⱼ bⱼ·row[j] when the rows agree, and 2.5 when the cost is constant.
        var r = ExactTransport.Solve(a, b, identical, 12, 15);
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.Equal(Dot(b, row), r.Cost, CostAgreement);
        var constant = ExactTransport.Solve(a, b, Enumerable.Repeat(2.5, 12 * 15).ToArray(), 12, 15);
        Assert.Equal(SolverStatus.Converged, constant.Status);
        Assert.Equal(2.5, constant.Cost, CostAgreement);
    }

    [Theory]
    [InlineData(1e200)]
    [InlineData(1e-200)]
    [InlineData(1e-310)]
    [InlineData(-3.0)]
    public void IsInvariantToTheScaleOfTheCost(double scale)
    {
        var (a, b, cost) = Problem(25, 18, 7);
        var reference = ExactTransport.Solve(a, b, cost, 25, 18);
        var scaled = ExactTransport.Solve(a, b, Array.ConvertAll(cost, c => c * scale), 25, 18);
        Assert.Equal(SolverStatus.Converged, scaled.Status);
        if (scale > 0)
        {
            // A power-of-two scaling inside the solver makes positive scales exact up to the input's own rounding.
            Assert.Equal(reference.Plan.RowIndices, scaled.Plan.RowIndices);
            Assert.Equal(reference.Plan.ColumnIndices, scaled.Plan.ColumnIndices);
        }
        else
        {
            // A negative scale turns minimisation into maximisation: check against the reversed problem's own duality.
            AssertOptimal(scaled, a, b, Array.ConvertAll(cost, c => c * scale));
        }
        if (scale > 0) Assert.Equal(reference.Cost * scale, scaled.Cost, Math.Abs(reference.Cost * scale) * CostAgreement);
    }

    [Fact]
    public void AcceptsAMathNetMatrix()
    {
        var (a, b, cost) = Problem(5, 6, 1);
        var fromSpan = ExactTransport.Solve(a, b, cost, 5, 6);
        var fromMatrix = ExactTransport.Solve(a, b, Matrix<double>.Build.Dense(5, 6, cost));
        Assert.Equal(fromSpan.Plan.Values, fromMatrix.Plan.Values);
        Assert.Equal(fromSpan.U, fromMatrix.U);
    }

    [Fact]
    public void LeavesItsInputsUntouched()
    {
        // The pivots read C in place; the masses are rescaled and compacted into copies.
        var (a, b, cost) = Problem(30, 25, 31);
        b[3] = 0;
        b = b.Select(x => x / b.Sum()).ToArray();
        var (a0, b0, c0) = ((double[])a.Clone(), (double[])b.Clone(), (double[])cost.Clone());
        ExactTransport.Solve(a, b, cost, 30, 25);
        SinkhornTransport.Solve(a, b, cost, 30, 25, 0.1);
        ExactPlanReconstruction.Reconstruct(new double[30], a, b, cost, 30, 25);
        Assert.Equal(a0, a);
        Assert.Equal(b0, b);
        Assert.Equal(c0, cost);
    }

    [Fact]
    public void ReportsThePivotLimitAsAStatus()
    {
        var (a, b, cost) = Problem(30, 30, 1);
        var r = ExactTransport.Solve(a, b, cost, 30, 30, new ExactTransportOptions { MaxIterations = 5 });
        Assert.Equal(SolverStatus.MaxIterations, r.Status);
        Assert.Equal(5, r.Iterations);
        Assert.False(r.Certificate.Holds(Certificate, 1));
    }

    [Fact]
    public void ReportsCancellationAndProgress()
    {
        var (a, b, cost) = Problem(10, 10, 1);
        var cancelled = ExactTransport.Solve(a, b, cost, 10, 10, new ExactTransportOptions { CancellationToken = new CancellationToken(true) });
        Assert.Equal(SolverStatus.Cancelled, cancelled.Status);
        Assert.Equal(0, cancelled.Iterations);

        var records = new List<IterationProgress>();
        var r = ExactTransport.Solve(a, b, cost, 10, 10, new ExactTransportOptions { Progress = new Numerics.Testing.SynchronousProgress<IterationProgress>(records.Add) });
        Assert.Equal(r.Iterations, records.Count);
        Assert.All(records, p => Assert.True(p.Residual > 0));
    }

    [Fact]
    public void MatchesTheSemiDualAtK1()
    {
        // For k = 1, max_{1,b}(s) = b·maxᵢ sᵢ − γb²/2, so S₁(u) = Σaᵢuᵢ − Σⱼ(bⱼ·maxᵢ(uᵢ − cᵢⱼ) − γbⱼ²/2),
        // which at the exact potentials is the exact cost + (γ/2)‖b‖², for every γ.
        int m = 40, n = 35;
        var (a, b, cost) = Problem(m, n, 21);
        var r = ExactTransport.Solve(a, b, cost, m, n);
        foreach (double gamma in new[] { 0.1, 1.0 })
        {
            double s1 = Dot(a, r.U);
            for (int j = 0; j < n; j++)
            {
                double best = double.NegativeInfinity;
                for (int i = 0; i < m; i++) best = Math.Max(best, r.U[i] - cost[i + j * m]);
                s1 -= b[j] * best - gamma * b[j] * b[j] / 2;
            }
            Assert.Equal(r.Cost + gamma / 2 * Dot(b, b), s1, CostAgreement);
            // The library's semi-dual objective (it minimises −S₁) at the same potentials: the sparse
            // family's k = 1 case tied to the exact solver's ground truth.
            var objective = new SemiDualObjective(TransportProblem.Create(Matrix<double>.Build.Dense(m, n, cost),
                Vector<double>.Build.Dense(a), Vector<double>.Build.Dense(b)), 1, gamma);
            Assert.Equal(r.Cost + gamma / 2 * Dot(b, b), -objective.Evaluate(r.U, new double[m]), CostAgreement);
        }
    }

    public static TheoryData<string, double[], double[], double[], int, int> BadInputs => new()
    {
        { "a", [0.5, -0.1, 0.6], [1.0], [1, 2, 3], 3, 1 },
        { "a", [0.5, double.NaN, 0.5], [1.0], [1, 2, 3], 3, 1 },
        { "a", [0.5, 0.6], [1.0], [1, 2], 2, 1 },
        { "a", [], [1.0], [], 0, 1 },
        { "b", [1.0], [0.5, 0.4], [1, 2], 1, 2 },
        { "b", [1.0], [0.5, double.PositiveInfinity], [1, 2], 1, 2 },
        { "cost", [1.0], [0.5, 0.5], [1, double.NaN], 1, 2 },
        { "cost", [1.0], [0.5, 0.5], [1, 2, 3], 1, 2 },
        { "a", [0.5, 0.5], [0.5, 0.5], [1, 2, 3, 4], 1, 4 },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void RejectsBadInput(string parameter, double[] a, double[] b, double[] cost, int m, int n)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => ExactTransport.Solve(a, b, cost, m, n));
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void RejectsBadOptionsAndShapes()
    {
        Assert.Equal("options", Assert.ThrowsAny<ArgumentException>(() =>
            ExactTransport.Solve([1.0], [1.0], [0.0], 1, 1, new ExactTransportOptions { MaxIterations = -1 })).ParamName);
        // The marginal whose length disagrees with the cost is named.
        Assert.Equal("a", Assert.ThrowsAny<ArgumentException>(() =>
            ExactTransport.Solve([1.0], [1.0], Matrix<double>.Build.Dense(2, 1))).ParamName);
        Assert.Throws<ArgumentNullException>(() => ExactTransport.Solve(null!, [1.0], Matrix<double>.Build.Dense(1, 1)));
    }

    /// <summary>Recomputes feasibility, dual feasibility, slackness and zero gap from the plan, u and v alone.</summary>
    internal static void AssertOptimal(ExactTransportResult r, double[] a, double[] b, double[] cost)
    {
        int m = a.Length, n = b.Length;
        Assert.True(r.Plan.Count <= m + n - 1, $"{r.Plan.Count} entries, a basic plan has at most {m + n - 1}");
        var dense = r.Plan.ToDense();
        double scale = Math.Max(cost.Max(Math.Abs), double.Epsilon);
        for (int i = 0; i < m; i++) Assert.Equal(a[i], dense.Row(i).Sum(), Certificate);
        for (int j = 0; j < n; j++) Assert.Equal(b[j], dense.Column(j).Sum(), Certificate);
        double primal = 0;
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double c = cost[i + j * m], t = dense[i, j];
                Assert.True(t >= 0);
                Assert.True(r.U[i] + r.V[j] - c <= Certificate * scale, $"dual constraint ({i}, {j}) violated by {r.U[i] + r.V[j] - c}");
                if (t > 0) Assert.True(Math.Abs(c - r.U[i] - r.V[j]) <= Certificate * scale, $"slackness at ({i}, {j})");
                primal += t * c;
            }
        Assert.Equal(primal, r.Cost, CostAgreement * scale);
        Assert.Equal(primal, Dot(a, r.U) + Dot(b, r.V), CostAgreement * scale * (m + n));
        Assert.True(r.Certificate.Holds(Certificate, scale));
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++) Assert.Equal(expected[k], actual[k], CostAgreement);
    }

    private static double Dot(double[] x, double[] y) => x.Zip(y, (p, q) => p * q).Sum();

    private static double[] Drop(double[] w, params int[] indices) => w.Where((_, i) => !indices.Contains(i)).ToArray();

    private static double[] DropCells(double[] cost, int m, int n, int[] rows, int[] columns)
    {
        var kept = new List<double>();
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
                if (!rows.Contains(i) && !columns.Contains(j)) kept.Add(cost[i + j * m]);
        return kept.ToArray();
    }
}
