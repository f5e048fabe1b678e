using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Testing;

/// <summary>
/// The L-BFGS suite, written once and instantiated per vector backend. Problems are small (n ≤ 50)
/// so that a simulated device runs them in seconds; answers are checked on the host against
/// independent references (known minimisers, a Cholesky solve, Newton's method).
/// </summary>
public abstract class LbfgsSuite<TVector>
{
    /// <summary>The backend under test.</summary>
    protected abstract VectorBackend<TVector> Backend { get; }

    private sealed class ProgressLog : IProgress<IterationProgress>
    {
        public List<IterationProgress> Records { get; } = [];

        public void Report(IterationProgress value) => Records.Add(value);
    }

    /// <summary>The result with X and Gradient brought to the host (device vectors released).</summary>
    protected sealed record HostResult(double[] X, double[] Gradient, LbfgsResult<TVector> Raw);

    protected HostResult Run(HostObjective<TVector> objective, double[] x0, LbfgsOptions? options = null)
    {
        var start = Backend.Upload(x0);
        var result = new Lbfgs<TVector>(Backend.Ops).Minimize(objective, start, options);
        Assert.Equal(x0, Backend.Download(start));
        var host = new HostResult(Backend.Download(result.X), Backend.Download(result.Gradient), result);
        Backend.Ops.Release(start);
        Backend.Ops.Release(result.X);
        Backend.Ops.Release(result.Gradient);
        return host;
    }

    protected HostObjective<TVector> Objective(int n, Func<double[], double[], double> f) => new(Backend, n, f);

    private WolfeCheckingLineSearch<TVector> Checker(double curvatureThreshold = 2.220446049250313e-16) =>
        new(Backend, new StrongWolfeLineSearch(), curvatureThreshold);

    /// <summary>Value and residual in the result are those of a fresh host evaluation at X.</summary>
    private static void AssertHonest(HostResult r, Func<double[], double[], double> f)
    {
        var g = new double[r.X.Length];
        Assert.Equal(f(r.X, g), r.Raw.Value);
        Assert.Equal(g, r.Gradient);
        Assert.Equal(g.Max(Math.Abs), r.Raw.Residual);
    }

    private static double Distance(double[] a, double[] b) => Math.Sqrt(a.Zip(b, (u, v) => (u - v) * (u - v)).Sum());

    private static double Norm(double[] a) => Math.Sqrt(a.Sum(v => v * v));

    /// <summary>λ_min of the Rosenbrock Hessian at (1, 1), [[802, −400], [−400, 200]] (every 2×2 block of the extended one).</summary>
    protected static readonly double RosenbrockCurvature = (1002 - Math.Sqrt(1002.0 * 1002 - 1600)) / 2;

    [Theory]
    [InlineData(1e150)]
    [InlineData(1e-150)]
    public void Rescaled_solves_report_a_fresh_value_and_gradient_at_X(double scale)
    {
        // A non-quadratic f = c·Σ(kᵢxᵢ²/2 + xᵢ⁴/4) with the default absolute tolerance: rescaled
        // inside (‖∇f(x0)‖∞ is beyond 2^±450), yet Value, Gradient and Residual are f's own at X.
        double[] k = [1, 3, 7];
        Func<double[], double[], double> evaluate = (x, g) =>
        {
            double f0 = 0;
            for (int i = 0; i < 3; i++) { g[i] = scale * (k[i] * x[i] + x[i] * x[i] * x[i]); f0 += scale * (k[i] * x[i] * x[i] / 2 + x[i] * x[i] * x[i] * x[i] / 4); }
            return f0;
        };
        var r = Run(Objective(3, evaluate), [1.0, -0.8, 0.6]);
        AssertHonest(r, evaluate);
        if (r.Raw.Status == SolverStatus.Converged) Assert.True(r.Raw.Residual <= LbfgsOptions.DefaultTolerance);
        else Assert.True(r.Raw.Residual > LbfgsOptions.DefaultTolerance);
        Assert.NotEqual(SolverStatus.Breakdown, r.Raw.Status);
    }

    [Fact]
    public void A_subnormal_gradient_at_the_start_is_reported_unchanged()
    {
        var r = Run(Objective(2, (x, g) => { g[0] = x[0]; g[1] = x[1]; return 0.5 * (x[0] * x[0] + x[1] * x[1]); }), [1e-310, 0.0]);
        Assert.Equal(SolverStatus.Converged, r.Raw.Status);
        Assert.Equal([1e-310, 0.0], r.Gradient);
        Assert.Equal([1e-310, 0.0], r.X);
    }

    [Theory]
    [InlineData(1e160)]
    [InlineData(1e300)]
    [InlineData(1e-300)]
    public void Objectives_at_extreme_scales_converge(double scale)
    {
        // f = s·‖x − x*‖²: unscaled, g·d overflows (or underflows) at these s although f is finite.
        double[] target = [1.0, -2.0];
        var f = Objective(2, (x, g) =>
        {
            double f0 = 0;
            for (int i = 0; i < 2; i++) { g[i] = 2 * scale * (x[i] - target[i]); f0 += scale * (x[i] - target[i]) * (x[i] - target[i]); }
            return f0;
        });
        // A tolerance relative to s, so that the solve has to move: ‖x − x*‖ ≤ ‖∇f‖₂/(2s) ≤ 1e-12.
        var r = Run(f, [3.0, 3.0], new LbfgsOptions { Tolerance = 1e-12 * scale });
        Assert.Equal(SolverStatus.Converged, r.Raw.Status);
        Assert.True(r.Raw.Iterations >= 1);
        Assert.True(Distance(r.X, target) <= 1e-12, $"‖x − x*‖ = {Distance(r.X, target)}");
        var g = new double[2];
        Assert.Equal(f.Evaluate(Backend.Upload(r.X), Backend.Upload(g)) , r.Raw.Value);
        Assert.True(r.Raw.Residual <= 1e-12 * scale);
    }

    [Fact]
    public void Rosenbrock_from_the_standard_start_converges_to_the_minimiser_with_strong_Wolfe_steps()
    {
        var checker = Checker();
        var r = Run(Objective(2, LbfgsProblems.Rosenbrock), [-1.2, 1.0], new LbfgsOptions { LineSearch = checker });
        Assert.Equal(SolverStatus.Converged, r.Raw.Status);
        Assert.True(r.Raw.Residual <= LbfgsOptions.DefaultTolerance);
        AssertHonest(r, LbfgsProblems.Rosenbrock);
        Assert.Equal(r.Raw.Iterations, checker.Accepted);
        double error = Distance(r.X, [1.0, 1.0]);
        Assert.True(error <= Tolerances.NewtonRegionFactor * Norm(r.Gradient) / RosenbrockCurvature, $"‖x − x*‖ = {error}");
    }

    [Fact]
    public void Ill_conditioned_quadratic_matches_the_Cholesky_solution_within_its_gradient_bound()
    {
        const int n = 50;
        var problem = new LbfgsProblems.IllConditionedQuadratic(n);
        var checker = Checker();
        var r = Run(Objective(n, problem.Evaluate), new double[n],
            new LbfgsOptions { Tolerance = Tolerances.QuadraticGradient, LineSearch = checker });
        Assert.Equal(SolverStatus.Converged, r.Raw.Status);
        AssertHonest(r, problem.Evaluate);
        var reference = problem.A.Cholesky().Solve(Vector<double>.Build.Dense(problem.B)).ToArray();
        // ‖x − x*‖₂ = ‖A⁻¹∇f(x)‖₂ ≤ ‖∇f(x)‖₂ / λ_min exactly for a quadratic, plus the reference's own error.
        double bound = Norm(r.Gradient) / LbfgsProblems.IllConditionedQuadratic.SmallestEigenvalue
            + Tolerances.CholeskySolve(n, LbfgsProblems.IllConditionedQuadratic.Condition) * Norm(reference);
        double error = Distance(r.X, reference);
        Assert.True(error <= bound, $"‖x − x_chol‖ = {error}, bound {bound}");
        Assert.Equal(r.Raw.Iterations, checker.Accepted);
    }

    [Fact]
    public void Logistic_regression_matches_Newtons_method()
    {
        var problem = new LbfgsProblems.LogisticRegression(200, 10, 1e-3);
        var r = Run(Objective(10, problem.Evaluate), new double[10],
            new LbfgsOptions { Tolerance = Tolerances.LogisticGradient, LineSearch = Checker() });
        Assert.Equal(SolverStatus.Converged, r.Raw.Status);
        AssertHonest(r, problem.Evaluate);

        // Newton's method with a dense Hessian and a Cholesky solve: quadratic convergence from 0 on this
        // well-conditioned problem; the loop asserts it gets there.
        var w = new double[10];
        var g = new double[10];
        for (int k = 0; ; k++)
        {
            problem.Evaluate(w, g);
            if (Norm(g) <= Tolerances.NewtonGradient) break;
            Assert.True(k < 50, "Newton's method did not converge.");
            var step = problem.Hessian(w).Cholesky().Solve(Vector<double>.Build.Dense(g));
            for (int j = 0; j < 10; j++) w[j] -= step[j];
        }
        var hessian = problem.Hessian(w);
        double curvature = hessian.Evd().EigenValues.Real().Minimum();
        double error = Distance(r.X, w);
        Assert.True(error <= Tolerances.NewtonRegionFactor * Norm(r.Gradient) / curvature, $"‖w − w_newton‖ = {error}");
    }

    [Fact]
    public void Cancellation_from_inside_the_objective_returns_within_one_iteration()
    {
        const int fireAfter = 12;
        using var cts = new CancellationTokenSource();
        var log = new ProgressLog();
        int calls = 0, iterationsWhenFired = -1;
        var objective = Objective(2, (x, g) =>
        {
            if (++calls == fireAfter)
            {
                cts.Cancel();
                iterationsWhenFired = log.Records.Count;
            }
            return LbfgsProblems.Rosenbrock(x, g);
        });
        double[] x0 = [-1.2, 1.0];
        var r = Run(objective, x0, new LbfgsOptions { CancellationToken = cts.Token, Progress = log });
        Assert.Equal(SolverStatus.Cancelled, r.Raw.Status);
        Assert.True(iterationsWhenFired >= 0);
        Assert.True(r.Raw.Iterations <= iterationsWhenFired + 1, $"{r.Raw.Iterations} iterations; the token fired after {iterationsWhenFired}.");
        Assert.All(r.X, v => Assert.True(double.IsFinite(v)));
        Assert.True(LbfgsProblems.Rosenbrock(r.X, new double[2]) <= LbfgsProblems.Rosenbrock(x0, new double[2]));
        AssertHonest(r, LbfgsProblems.Rosenbrock);
    }

    [Fact]
    public void A_token_cancelled_before_the_call_returns_the_start()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var r = Run(Objective(2, LbfgsProblems.Rosenbrock), [-1.2, 1.0], new LbfgsOptions { CancellationToken = cts.Token });
        Assert.Equal(SolverStatus.Cancelled, r.Raw.Status);
        Assert.Equal(0, r.Raw.Iterations);
        Assert.Equal([-1.2, 1.0], r.X);
    }

    [Fact]
    public void Progress_sends_one_record_per_iteration_ending_with_the_result()
    {
        var log = new ProgressLog();
        var r = Run(Objective(2, LbfgsProblems.Rosenbrock), [-1.2, 1.0], new LbfgsOptions { Progress = log });
        Assert.Equal(r.Raw.Iterations, log.Records.Count);
        Assert.Equal(Enumerable.Range(1, r.Raw.Iterations), log.Records.Select(p => p.Iteration));
        Assert.Equal(r.Raw.Value, log.Records[^1].Objective);
        Assert.Equal(r.Raw.Residual, log.Records[^1].Residual);
        for (int k = 1; k < log.Records.Count; k++) Assert.True(log.Records[k].Objective <= log.Records[k - 1].Objective);
    }

    [Fact]
    public void Skipped_updates_are_counted_on_a_nonconvex_problem()
    {
        // A threshold of 0.5 rejects every pair whose s and y are more than 60° apart, which the
        // curved valley of Rosenbrock produces; the checker counts the same test on the host.
        const double threshold = 0.5;
        var checker = Checker(threshold);
        var r = Run(Objective(2, LbfgsProblems.Rosenbrock), [-1.2, 1.0], new LbfgsOptions { CurvatureThreshold = threshold, LineSearch = checker });
        Assert.True(r.Raw.SkippedUpdates > 0);
        Assert.Equal(checker.CurvatureFailures, r.Raw.SkippedUpdates);
        Assert.Equal(SolverStatus.Converged, r.Raw.Status);
    }

    [Fact]
    public void The_iteration_limit_stops_with_MaxIterations_and_the_last_iterate()
    {
        var log = new ProgressLog();
        var r = Run(Objective(2, LbfgsProblems.Rosenbrock), [-1.2, 1.0], new LbfgsOptions { MaxIterations = 5, Progress = log });
        Assert.Equal(SolverStatus.MaxIterations, r.Raw.Status);
        Assert.Equal(5, r.Raw.Iterations);
        Assert.True(r.Raw.Residual > LbfgsOptions.DefaultTolerance);
        AssertHonest(r, LbfgsProblems.Rosenbrock);

        var none = Run(Objective(2, LbfgsProblems.Rosenbrock), [-1.2, 1.0], new LbfgsOptions { MaxIterations = 0 });
        Assert.Equal(SolverStatus.MaxIterations, none.Raw.Status);
        Assert.Equal((0, 1), (none.Raw.Iterations, none.Raw.Evaluations));
        Assert.Equal([-1.2, 1.0], none.X);
    }

    [Fact]
    public void A_start_at_the_minimiser_converges_without_iterating()
    {
        var r = Run(Objective(2, LbfgsProblems.Rosenbrock), [1.0, 1.0]);
        Assert.Equal(SolverStatus.Converged, r.Raw.Status);
        Assert.Equal((0, 1, 0.0), (r.Raw.Iterations, r.Raw.Evaluations, r.Raw.Residual));
    }

    [Fact]
    public void A_gradient_that_points_uphill_makes_the_line_search_fail_and_the_solve_stall_at_the_start()
    {
        // f = ½‖x‖² with the gradient's sign flipped: every direction the solver believes is downhill
        // rises, so no step gives sufficient decrease.
        static double Lying(double[] x, double[] g)
        {
            for (int i = 0; i < x.Length; i++) g[i] = -x[i];
            return 0.5 * x.Sum(v => v * v);
        }
        var r = Run(Objective(3, Lying), [1.0, -2.0, 3.0]);
        Assert.Equal(SolverStatus.Stalled, r.Raw.Status);
        Assert.Equal(0, r.Raw.Iterations);
        Assert.Equal([1.0, -2.0, 3.0], r.X);
        Assert.Equal(7.0, r.Raw.Value);
    }

    [Fact]
    public void F_flat_at_rounding_level_stalls_after_the_window()
    {
        // 1e20 + Σ xᵢ⁴/4: the quartic part is below one unit in the last place of 1e20, so f never
        // changes while the gradient still points somewhere; every step is flat.
        static double Flat(double[] x, double[] g)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) { g[i] = x[i] * x[i] * x[i]; s += x[i] * x[i] * x[i] * x[i] / 4; }
            return 1e20 + s;
        }
        var options = new LbfgsOptions { Tolerance = 1e-12 };
        var r = Run(Objective(3, Flat), [1.0, 2.0, 3.0], options);
        Assert.True(r.Raw.Status == SolverStatus.Stalled && r.Raw.Iterations == options.StallWindow, $"{r.Raw}");
        Assert.True(r.Raw.Residual > 1e-12);
    }

    [Fact]
    public void Same_inputs_give_the_same_bits()
    {
        var problem = new LbfgsProblems.LogisticRegression(200, 10, 1e-3);
        var a = Run(Objective(10, problem.Evaluate), new double[10]);
        var b = Run(Objective(10, problem.Evaluate), new double[10]);
        Assert.Equal(a.X.Select(BitConverter.DoubleToInt64Bits), b.X.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal((a.Raw.Value, a.Raw.Iterations, a.Raw.Evaluations), (b.Raw.Value, b.Raw.Iterations, b.Raw.Evaluations));
    }

    [Fact]
    public void Bad_inputs_throw_naming_the_parameter_and_leave_x0_alone()
    {
        var solver = new Lbfgs<TVector>(Backend.Ops);
        var rosenbrock = Objective(2, LbfgsProblems.Rosenbrock);
        double[] good = [-1.2, 1.0];

        void Rejects(string param, IDifferentiableObjective<TVector> f, double[] x0, LbfgsOptions? options = null)
        {
            var start = Backend.Upload(x0);
            var e = Assert.ThrowsAny<ArgumentException>(() => solver.Minimize(f, start, options));
            Assert.Equal(param, e.ParamName);
            Assert.Equal(x0, Backend.Download(start));
            Backend.Ops.Release(start);
        }

        Assert.Equal("arithmetic", Assert.Throws<ArgumentNullException>(() => new Lbfgs<TVector>(null!)).ParamName);
        Assert.Equal("objective", Assert.Throws<ArgumentNullException>(() => solver.Minimize(null!, Backend.Upload(good))).ParamName);
        Rejects("x0", rosenbrock, [1.0, 2.0, 3.0]);
        Rejects("x0", rosenbrock, [double.NaN, 1.0]);
        Rejects("x0", rosenbrock, [double.PositiveInfinity, 1.0]);
        Rejects("x0", Objective(2, (x, g) => double.NaN), good);
        Rejects("x0", Objective(2, (x, g) => { g[1] = double.PositiveInfinity; return 0; }), good);
        Rejects("options", rosenbrock, good, new LbfgsOptions { History = 0 });
        Rejects("options", rosenbrock, good, new LbfgsOptions { Tolerance = -1 });
        Rejects("options", rosenbrock, good, new LbfgsOptions { Tolerance = double.NaN });
        Rejects("options", rosenbrock, good, new LbfgsOptions { MaxIterations = -1 });
        Rejects("options", rosenbrock, good, new LbfgsOptions { CurvatureThreshold = 1 });
        Rejects("options", rosenbrock, good, new LbfgsOptions { CurvatureThreshold = double.NaN });
        Rejects("options", rosenbrock, good, new LbfgsOptions { StallWindow = 0 });
        Rejects("options", rosenbrock, good, new LbfgsOptions { StallDecrease = -1 });
    }
}
