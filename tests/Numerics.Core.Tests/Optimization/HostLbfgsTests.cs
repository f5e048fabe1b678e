using Numerics.Optimization;
using Numerics.Testing;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Optimization;

/// <summary>The shared L-BFGS suite on host arrays, plus the host-only large problem and the counts behind docs/benchmarks.md.</summary>
public sealed class HostLbfgsTests(ITestOutputHelper output) : LbfgsSuite<double[]>
{
    protected override VectorBackend<double[]> Backend => HostVectorBackend.Instance;

    [Fact]
    public void Extended_Rosenbrock_n1000_converges_to_the_minimiser()
    {
        const int n = 1000;
        var checker = new WolfeCheckingLineSearch<double[]>(Backend, new StrongWolfeLineSearch(), 2.220446049250313e-16);
        var objective = new HostObjective<double[]>(Backend, n, LbfgsProblems.Rosenbrock);
        var r = Lbfgs.Minimize(objective, LbfgsProblems.RosenbrockStart(n), new LbfgsOptions { LineSearch = checker });
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.Equal(r.Iterations, checker.Accepted);
        double error = Math.Sqrt(r.X.Sum(v => (v - 1) * (v - 1)));
        double gradient = Math.Sqrt(r.Gradient.Sum(v => v * v));
        Assert.True(error <= Tolerances.NewtonRegionFactor * gradient / RosenbrockCurvature, $"‖x − x*‖ = {error}");
    }

    [Fact]
    public void Host_entry_point_rejects_a_null_start()
    {
        var objective = new HostObjective<double[]>(Backend, 2, LbfgsProblems.Rosenbrock);
        Assert.Equal("x0", Assert.Throws<ArgumentNullException>(() => Lbfgs.Minimize(objective, null!)).ParamName);
    }

    /// <summary>
    /// Iterations and evaluations on the problems of Numerics.Bench/compare_lbfgs.py, with the
    /// default options (gtol 1e-5, history 10): the numbers in docs/benchmarks.md.
    /// </summary>
    [Fact]
    public void Lbfgs_counts_for_the_SciPy_comparison()
    {
        var quadratic = new LbfgsProblems.IllConditionedQuadratic(50);
        var logistic = new LbfgsProblems.LogisticRegression(200, 10, 1e-3);
        (string Name, int N, Func<double[], double[], double> F, double[] X0)[] problems =
        [
            ("rosenbrock2", 2, LbfgsProblems.Rosenbrock, LbfgsProblems.RosenbrockStart(2)),
            ("rosenbrock1000", 1000, LbfgsProblems.Rosenbrock, LbfgsProblems.RosenbrockStart(1000)),
            ("quadratic50", 50, quadratic.Evaluate, new double[50]),
            ("logistic200x10", 10, logistic.Evaluate, new double[10]),
        ];
        foreach (var (name, n, f, x0) in problems)
        {
            var r = Lbfgs.Minimize(new HostObjective<double[]>(Backend, n, f), x0);
            output.WriteLine($"{name} status={r.Status} nit={r.Iterations} nfev={r.Evaluations} f={r.Value:R} gmax={r.Residual:E2} skipped={r.SkippedUpdates} restarts={r.Restarts}");
            Assert.Equal(SolverStatus.Converged, r.Status);
        }
    }
}
