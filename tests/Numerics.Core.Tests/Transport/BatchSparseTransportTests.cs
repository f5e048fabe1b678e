using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

/// <summary>
/// The batched solve against the single solve it must reproduce: every problem of a batch runs its
/// own L-BFGS on its own numbers, so each result must equal <see cref="SparseTransport.Solve(TransportProblem, int, SparseTransportOptions?)"/>'s
/// for that problem bit for bit, including statuses earned per problem.
/// </summary>
public class BatchSparseTransportTests
{
    private static TransportProblem Problem(int m, int n, int seed, double costScale = 1)
    {
        var (c, a, b) = TransportReference.RandomProblem(m, n, seed);
        return TransportProblem.Create(c * costScale, a, b);
    }

    private static TransportProblem[] Batch(int count, int m, int n, int seed) =>
        Enumerable.Range(0, count).Select(p => Problem(m, n, seed + p)).ToArray();

    private static HostTransportObjective Single(TransportProblem problem, TransportFormulation formulation, int k, double gamma) =>
        formulation == TransportFormulation.Dual ? new DualObjective(problem, k, gamma) : new SemiDualObjective(problem, k, gamma);

    public static TheoryData<TransportFormulation, int> Cases()
    {
        var data = new TheoryData<TransportFormulation, int>();
        foreach (var formulation in new[] { TransportFormulation.SemiDual, TransportFormulation.Dual })
            foreach (int k in new[] { 1, 2, 7 })
                data.Add(formulation, k);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BatchEvaluationIsEachSingleObjectiveToTheBit(TransportFormulation formulation, int k)
    {
        const double gamma = 0.3;
        var problems = Batch(4, 7, 9, 40);
        var batch = new BatchTransportObjective(problems, formulation, k, gamma);
        int d = batch.VariablesPerProblem;
        var rng = new System.Random(k);
        var x = Enumerable.Range(0, batch.Dimension).Select(_ => rng.NextDouble() - 0.3).ToArray();
        x[2 * d + 1] = double.NaN; // problem 2 alone gets NaN
        var gradient = new double[batch.Dimension];
        var values = new double[problems.Length];
        var plans = batch.Plans(x, values);
        batch.Evaluate(x, gradient, values);
        for (int p = 0; p < problems.Length; p++)
        {
            var single = Single(problems[p], formulation, k, gamma);
            var xp = x[(p * d)..((p + 1) * d)];
            var g = new double[d];
            double value = single.Evaluate(xp, g);
            Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(values[p]));
            Assert.Equal(g, gradient[(p * d)..((p + 1) * d)]);
            if (p == 2)
            {
                Assert.True(double.IsNaN(values[p]));
                continue;
            }
            var plan = single.Plan(xp);
            Assert.Equal(plan.ColumnPointers.ToArray(), plans[p].ColumnPointers.ToArray());
            Assert.Equal(plan.RowIndices.ToArray(), plans[p].RowIndices.ToArray());
            Assert.Equal(plan.Values.ToArray(), plans[p].Values.ToArray());
        }
    }

    [Fact]
    public void EvaluatingSomeProblemsLeavesTheOthersAlone()
    {
        var problems = Batch(3, 6, 5, 80);
        var batch = new BatchTransportObjective(problems, TransportFormulation.Dual, 2, 0.4);
        int d = batch.VariablesPerProblem;
        var rng = new System.Random(3);
        var x = Enumerable.Range(0, batch.Dimension).Select(_ => rng.NextDouble() - 0.3).ToArray();
        var gradient = Enumerable.Repeat(7.0, batch.Dimension).ToArray();
        var values = new double[] { 7, 7, 7 };
        batch.Evaluate(x, gradient, values, [false, true, false]);
        Assert.Equal(7.0, values[0]);
        Assert.Equal(7.0, values[2]);
        Assert.All(gradient[..d].Concat(gradient[(2 * d)..]), g => Assert.Equal(7.0, g));
        var single = new DualObjective(problems[1], 2, 0.4);
        var g1 = new double[d];
        Assert.Equal(single.Evaluate(x[d..(2 * d)], g1), values[1]);
        Assert.Equal(g1, gradient[d..(2 * d)]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachProblemIsItsSingleSolveToTheBit(TransportFormulation formulation, int k)
    {
        var problems = Batch(5, 7, 9, 60);
        var options = new SparseTransportOptions { Gamma = 0.5, Formulation = formulation, Tolerance = 1e-8 };
        var batch = SparseTransport.SolveBatch(problems, k, options);
        // The device driver: one L-BFGS per problem in lockstep on a batched evaluation.
        var lockstep = SparseTransport.SolveBatch(new BatchTransportObjective(problems, formulation, k, options.Gamma), options);
        Assert.Equal(problems.Length, batch.Results.Count);
        Assert.Equal(problems.Length, lockstep.Results.Count);
        long most = 0;
        for (int p = 0; p < problems.Length; p++)
        {
            var alone = SparseTransport.Solve(problems[p], k, options);
            var r = batch.Results[p];
            AssertSame(alone, r);
            AssertSame(alone, lockstep.Results[p]);
            most = Math.Max(most, alone.Evaluations);
            // The status is earned on this problem's own plan, recomputed here from its marginals.
            var rows = r.Plan.RowSums();
            var columns = r.Plan.ColumnSums();
            double error = 0;
            for (int i = 0; i < rows.Length; i++) error += Math.Abs(rows[i] - problems[p].SourceWeights[i]);
            for (int j = 0; j < columns.Length; j++) error += Math.Abs(columns[j] - problems[p].TargetWeights[j]);
            Assert.Equal(r.Status == SolverStatus.Converged, error <= 1e-8 * (1 + 1e-9));
            Assert.True(r.MaxNonZerosPerColumn <= k);
        }
        // Lockstep: one pass per evaluation of the slowest problem, and one to read the plans; the host
        // overload solves the problems independently.
        Assert.Equal(most + 1, lockstep.Passes);
        Assert.Equal(0, batch.Passes);
    }

    [Fact]
    public void BatchOfOneIsSolve()
    {
        var problem = Problem(12, 10, 7);
        foreach (var formulation in new[] { TransportFormulation.SemiDual, TransportFormulation.Dual })
        {
            var options = new SparseTransportOptions { Gamma = 0.2, Formulation = formulation };
            AssertSame(SparseTransport.Solve(problem, 3, options), SparseTransport.SolveBatch([problem], 3, options).Results[0]);
        }
    }

    [Fact]
    public void EachProblemEarnsItsOwnStatus()
    {
        // Costs 40× larger make the third problem far less smooth at γ = 0.5: under a cap of 40
        // iterations the others converge and it does not.
        var problems = new[] { Problem(8, 12, 2), Problem(8, 12, 4), Problem(8, 12, 3, costScale: 40), Problem(8, 12, 5) };
        var options = new SparseTransportOptions { Gamma = 0.5, Tolerance = 1e-9, MaxIterations = 40 };
        var batch = SparseTransport.SolveBatch(problems, 3, options);
        for (int p = 0; p < problems.Length; p++)
        {
            var r = batch.Results[p];
            if (p == 2)
            {
                Assert.Equal(SolverStatus.MaxIterations, r.Status);
                Assert.Equal(40, r.Iterations);
                Assert.True(r.MarginalError > 1e-9);
            }
            else
            {
                Assert.Equal(SolverStatus.Converged, r.Status);
                Assert.True(r.Iterations < 40);
                Assert.True(r.MarginalError <= 1e-9);
            }
            AssertSame(SparseTransport.Solve(problems[p], 3, options), r);
        }
        Assert.Equal(3, batch.ConvergedCount);
    }

    [Fact]
    public void KOneBatchIsBoundedByTheExactCost()
    {
        const int n = 6;
        const double gamma = 1;
        var w = Vector<double>.Build.Dense(n, 1.0 / n);
        var problems = Enumerable.Range(0, 4).Select(s =>
        {
            var rng = new System.Random(17 + s);
            return TransportProblem.Create(Matrix<double>.Build.Dense(n, n, (_, _) => rng.NextDouble()), w, w);
        }).ToArray();
        var batch = SparseTransport.SolveBatch(problems, 1, new SparseTransportOptions { Gamma = gamma });
        for (int p = 0; p < problems.Length; p++)
        {
            var r = batch.Results[p];
            double exact = ExactTransport.Solve(w.ToArray(), w.ToArray(), problems[p].CostMatrix).Cost;
            // S_1 = unregularised semi-dual + (γ/2)‖b‖²: weak duality bounds it by exact + (γ/2)‖b‖².
            Assert.True(r.DualValue <= exact + 0.5 * gamma / n + 1e-12, $"problem {p}: {r.DualValue} vs {exact + 0.5 * gamma / n}");
            Assert.Equal(1, r.MaxNonZerosPerColumn);
            Assert.Equal(r.Status == SolverStatus.Converged, r.MarginalError <= SparseTransportOptions.DefaultTolerance);
            // A converged k = 1 solve meets T·1 = a to the tolerance, so S₁ reaches the bound to about it.
            if (r.Status == SolverStatus.Converged) Assert.True(r.DualValue >= exact + 0.5 * gamma / n - 1e-6);
            // A feasible one-per-column plan costs at least the exact optimum, and certifies a non-negative gap.
            if (r.FeasiblePlan is { } feasible)
            {
                Assert.True(feasible.Cost >= exact - 1e-12);
                Assert.True(r.DualityGap >= -1e-12);
            }
        }
        Assert.Contains(batch.Results, r => r.FeasiblePlan is not null);
    }

    [Fact]
    public void SameBitsWithOneAndManyThreads()
    {
        var problems = Batch(9, 20, 30, 90);
        SparseTransportBatchResult Run(int threads)
        {
            using var scope = LinearAlgebraBackend.Current.UseThreads(threads);
            return SparseTransport.SolveBatch(problems, 2, new SparseTransportOptions { Gamma = 0.2, MaxIterations = 60 });
        }
        SparseTransportBatchResult Lockstep(int threads)
        {
            using var scope = LinearAlgebraBackend.Current.UseThreads(threads);
            var options = new SparseTransportOptions { Gamma = 0.2, MaxIterations = 60 };
            return SparseTransport.SolveBatch(new BatchTransportObjective(problems, options.Formulation, 2, options.Gamma), options);
        }
        var one = Run(1);
        var many = Run(6);
        var lockstepOne = Lockstep(1);
        var lockstepMany = Lockstep(6);
        Assert.Equal(lockstepOne.Passes, lockstepMany.Passes);
        for (int p = 0; p < problems.Length; p++)
        {
            AssertSame(one.Results[p], many.Results[p]);
            AssertSame(one.Results[p], lockstepOne.Results[p]);
            AssertSame(one.Results[p], lockstepMany.Results[p]);
        }
    }

    [Fact]
    public void RejectsBadInputNamingTheParameter()
    {
        var problems = Batch(3, 4, 5, 1);
        string Name(Action act) => Assert.ThrowsAny<ArgumentException>(act).ParamName!;
        Assert.Equal("problems", Name(() => SparseTransport.SolveBatch(null!, 1)));
        Assert.Equal("problems", Name(() => SparseTransport.SolveBatch([], 1)));
        Assert.Equal("problems", Name(() => SparseTransport.SolveBatch([problems[0], null!, problems[2]], 1)));
        Assert.Equal("problems", Name(() => SparseTransport.SolveBatch([problems[0], Problem(4, 6, 9)], 1)));
        Assert.Equal("problems", Name(() => SparseTransport.SolveBatch([problems[0], Problem(5, 5, 9)], 1)));
        Assert.Equal("k", Name(() => SparseTransport.SolveBatch(problems, 0)));
        Assert.Equal("options", Name(() => SparseTransport.SolveBatch(problems, 1, new SparseTransportOptions { Gamma = 0 })));
        Assert.Equal("options", Name(() => SparseTransport.SolveBatch(problems, 1, new SparseTransportOptions { InitialAlpha = Vector<double>.Build.Dense(4) })));
        Assert.Equal("options", Name(() => SparseTransport.SolveBatch(problems, 1, new SparseTransportOptions { History = 0 })));
        Assert.Equal("problems", Name(() => new BatchTransportObjective([], TransportFormulation.SemiDual, 1, 1)));
        // The dual at zero potentials overflows for costs of −1e200 at γ = 1 (as in the single solve, named after the batch).
        var huge = TransportProblem.Create(Matrix<double>.Build.Dense(2, 2, [-1e200, 0, 0, -1e200]), Vector<double>.Build.Dense([0.5, 0.5]), Vector<double>.Build.Dense([0.5, 0.5]));
        var fine = TransportProblem.Create(Matrix<double>.Build.Dense(2, 2, [0, 1, 1, 0]), Vector<double>.Build.Dense([0.5, 0.5]), Vector<double>.Build.Dense([0.5, 0.5]));
        Assert.Equal("problems", Name(() => SparseTransport.SolveBatch([fine, huge], 2, new SparseTransportOptions { Formulation = TransportFormulation.Dual })));
        Assert.Equal(2, SparseTransport.SolveBatch([fine, huge], 2).ConvergedCount);
    }

    [Fact]
    public void CancellationStopsEveryProblem()
    {
        using var source = new CancellationTokenSource();
        source.Cancel();
        var batch = SparseTransport.SolveBatch(Batch(3, 6, 8, 5), 2, new SparseTransportOptions { CancellationToken = source.Token });
        Assert.All(batch.Results, r => Assert.Equal(SolverStatus.Cancelled, r.Status));
    }

    /// <summary>Two results are the same to the bit: status, counts, plan, potentials, values, certificate.</summary>
    internal static void AssertSame(SparseTransportResult expected, SparseTransportResult actual)
    {
        Assert.Equal(expected.Status, actual.Status);
        Assert.Equal(expected.Iterations, actual.Iterations);
        Assert.Equal(expected.Evaluations, actual.Evaluations);
        Assert.Equal(expected.Plan.ColumnPointers.ToArray(), actual.Plan.ColumnPointers.ToArray());
        Assert.Equal(expected.Plan.RowIndices.ToArray(), actual.Plan.RowIndices.ToArray());
        Assert.Equal(expected.Plan.Values.ToArray(), actual.Plan.Values.ToArray());
        Assert.Equal(expected.Alpha.ToArray(), actual.Alpha.ToArray());
        Assert.Equal(expected.Beta?.ToArray(), actual.Beta?.ToArray());
        foreach (var (e, a) in new[] { (expected.DualValue, actual.DualValue), (expected.RegularizedCost, actual.RegularizedCost), (expected.Residual, actual.Residual),
                     (expected.RowMarginalError, actual.RowMarginalError), (expected.ColumnMarginalError, actual.ColumnMarginalError), (expected.GapEstimate, actual.GapEstimate) })
            Assert.Equal(BitConverter.DoubleToInt64Bits(e), BitConverter.DoubleToInt64Bits(a));
        Assert.Equal(expected.DualityGap, actual.DualityGap);
        Assert.Equal(expected.FeasiblePlan?.Source, actual.FeasiblePlan?.Source);
        Assert.Equal(expected.FeasiblePlan?.Plan.Values.ToArray(), actual.FeasiblePlan?.Plan.Values.ToArray());
    }
}
