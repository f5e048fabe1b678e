using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using static Numerics.Testing.DenseTestMatrices;

namespace Numerics.Testing;

/// <summary>
/// FISTA on one vector backend, checked on a lasso against a coordinate-descent solution written
/// here and against the KKT conditions. Each backend derives one class supplying <see cref="Backend"/>.
/// </summary>
public abstract class ProximalGradientSuite<TVector>
{
    private const int Rows = 60, Columns = 30;

    /// <summary>The storage under test.</summary>
    protected abstract VectorBackend<TVector> Backend { get; }

    private ProximalGradient<TVector> Solver => new(Backend.Ops);

    /// <summary>min ½‖Ax − b‖² + λ‖x‖₁ with λ = 0.1·‖Aᵀb‖∞ (a sparse but nonzero answer).</summary>
    private sealed record Lasso(Matrix<double> A, double[] B, double Lambda)
    {
        public double[] Gradient(double[] x)
        {
            var r = new double[A.RowCount];
            Multiply(A, x, r);
            for (int i = 0; i < r.Length; i++) r[i] -= B[i];
            return A.TransposeThisAndMultiply(Vector<double>.Build.Dense(r)).ToArray();
        }

        public double Smooth(double[] x) => 0.5 * Math.Pow(ResidualNorm(A, x, B), 2);

        public double Objective(double[] x) => Smooth(x) + Lambda * x.Sum(Math.Abs);
    }

    private static Lasso Problem()
    {
        var a = Matrix<double>.Build.Dense(Rows, Columns, RandomVector(Rows * Columns, 81));
        var b = RandomVector(Rows, 82);
        double lambda = 0.1 * a.TransposeThisAndMultiply(Vector<double>.Build.Dense(b)).InfinityNorm();
        return new Lasso(a, b, lambda);
    }

    private HostObjective<TVector> Smooth(Lasso p) => new(Backend, Columns, (x, g) =>
    {
        p.Gradient(x).CopyTo(g, 0);
        return p.Smooth(x);
    });

    private static double Soft(double v, double t) => v > t ? v - t : v < -t ? v + t : 0.0;

    /// <summary>Cyclic coordinate descent, x_j ← S(a_jᵀ(b − Ax + a_j x_j), λ)/‖a_j‖², until a sweep moves nothing by more than 1e-15.</summary>
    private static double[] CoordinateDescent(Lasso p)
    {
        var x = new double[Columns];
        var r = (double[])p.B.Clone();
        var columnNorms = Enumerable.Range(0, Columns).Select(j => p.A.Column(j).DotProduct(p.A.Column(j))).ToArray();
        for (int sweep = 0; sweep < 100_000; sweep++)
        {
            double largest = 0;
            for (int j = 0; j < Columns; j++)
            {
                double rho = 0;
                for (int i = 0; i < Rows; i++) rho += p.A[i, j] * r[i];
                rho += columnNorms[j] * x[j];
                double next = Soft(rho, p.Lambda) / columnNorms[j];
                double delta = next - x[j];
                if (delta != 0) for (int i = 0; i < Rows; i++) r[i] -= p.A[i, j] * delta;
                x[j] = next;
                largest = Math.Max(largest, Math.Abs(delta));
            }
            if (largest <= 1e-15) break;
        }
        return x;
    }

    private static void AssertKkt(Lasso p, double[] x)
    {
        var minusGradient = p.Gradient(x).Select(v => -v).ToArray();
        for (int j = 0; j < Columns; j++)
        {
            double violation = x[j] != 0
                ? Math.Abs(minusGradient[j] - p.Lambda * Math.Sign(x[j]))
                : Math.Max(0, Math.Abs(minusGradient[j]) - p.Lambda);
            Assert.True(violation <= Tolerances.LassoKkt, $"KKT violation {violation:E3} at coordinate {j} (x = {x[j]:E3})");
        }
    }

    private static double MaxDistance(double[] x, double[] y) => x.Zip(y, (a, b) => Math.Abs(a - b)).Max();

    [Fact]
    public void The_coordinate_descent_reference_meets_the_KKT_conditions_and_is_sparse()
    {
        var p = Problem();
        var reference = CoordinateDescent(p);
        AssertKkt(p, reference);
        Assert.Contains(reference, v => v == 0);
        Assert.Contains(reference, v => v != 0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Lasso_with_and_without_restart_reaches_the_coordinate_descent_solution(bool restart)
    {
        var p = Problem();
        var l1 = new L1Proximal<TVector>(Backend.Ops, p.Lambda);
        var result = Solver.Minimize(Smooth(p), l1, Backend.Upload(new double[Columns]),
            new ProximalGradientOptions { Tolerance = Tolerances.ProximalGradientResidual, AdaptiveRestart = restart });
        var x = Backend.Download(result.X);

        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.True(MaxDistance(x, CoordinateDescent(p)) <= Tolerances.LassoSolution);
        AssertKkt(p, x);
        Assert.Equal(p.Objective(x), result.Value, Tolerances.Reduction * Math.Abs(result.Value));
        if (!restart) Assert.Equal(0, result.Restarts);
    }

    [Fact]
    public void An_untested_huge_initial_step_does_not_certify_the_start()
    {
        // f = ½(x − 0.5)², g = |x|: minimiser 0, value 0.125. At x0 = 1 with t = 1e9 the gradient
        // mapping is ≈ 1/t, far below the tolerance, although x0 is not optimal.
        var f = new HostObjective<TVector>(Backend, 1, (x, g) => { g[0] = x[0] - 0.5; return 0.5 * (x[0] - 0.5) * (x[0] - 0.5); });
        var l1 = new L1Proximal<TVector>(Backend.Ops, 1.0);
        var result = Solver.Minimize(f, l1, Backend.Upload([1.0]), new ProximalGradientOptions { InitialStep = 1e9, Tolerance = 1e-8 });
        var x = Backend.Download(result.X);
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.True(result.Iterations >= 1);
        Assert.True(Math.Abs(x[0]) <= 1e-8, $"x = {x[0]}");
        Assert.Equal(0.125, result.Value, 1e-12);
    }

    [Fact]
    public void The_reported_residual_is_the_gradient_mapping_recomputed_at_the_returned_point()
    {
        // A loose tolerance, so that the returned point is far from the minimiser and the check is not vacuous.
        const double tolerance = 1e-6;
        var p = Problem();
        var l1 = new L1Proximal<TVector>(Backend.Ops, p.Lambda);
        var result = Solver.Minimize(Smooth(p), l1, Backend.Upload(new double[Columns]), new ProximalGradientOptions { Tolerance = tolerance });
        var x = Backend.Download(result.X);
        double t = result.Step;
        var gradient = p.Gradient(x);
        var mapping = x.Select((v, j) => (v - Soft(v - t * gradient[j], t * p.Lambda)) / t).ToArray();
        double expected = Norm(mapping);

        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.True(expected <= tolerance);
        Assert.True(Math.Abs(expected - result.Residual) <= Tolerances.MatVecRounding * (Norm(x) / t + Norm(gradient)),
            $"reported {result.Residual:E6}, recomputed {expected:E6}");
    }

    [Fact]
    public void Backtracking_from_a_huge_step_settles_within_one_shrink_of_one_over_L()
    {
        var p = Problem();
        double lipschitz = Math.Pow(p.A.L2Norm(), 2);
        var l1 = new L1Proximal<TVector>(Backend.Ops, p.Lambda);
        var options = new ProximalGradientOptions { InitialStep = 1e3, ShrinkFactor = 0.5, Tolerance = Tolerances.ProximalGradientResidual };
        var result = Solver.Minimize(Smooth(p), l1, Backend.Upload(new double[Columns]), options);

        Assert.Equal(SolverStatus.Converged, result.Status);
        // The test holds for every t ≤ 1/L, so the step is never shrunk below 0.5/L.
        Assert.InRange(result.Step, 0.5 / lipschitz, options.InitialStep * 0.5);

        var fixedStep = Solver.Minimize(Smooth(p), l1, Backend.Upload(new double[Columns]), options with { InitialStep = 0.5 / lipschitz });
        Assert.Equal(0.5 / lipschitz, fixedStep.Step);
        Assert.Equal(SolverStatus.Converged, fixedStep.Status);
    }

    [Fact]
    public void No_acceptable_step_is_Stalled_and_a_non_finite_objective_is_Breakdown()
    {
        var p = Problem();
        var l1 = new L1Proximal<TVector>(Backend.Ops, p.Lambda);
        var x0 = Backend.Upload(new double[Columns]);
        var stalled = Solver.Minimize(Smooth(p), l1, x0, new ProximalGradientOptions { InitialStep = 1e3, MaxBacktracks = 0 });
        Assert.Equal(SolverStatus.Stalled, stalled.Status);
        Assert.Equal(0, stalled.Iterations);
        Assert.All(Backend.Download(stalled.X), v => Assert.Equal(0.0, v));

        var nan = new HostObjective<TVector>(Backend, Columns, (x, g) => double.NaN);
        Assert.Equal(SolverStatus.Breakdown, Solver.Minimize(nan, l1, x0).Status);
    }

    [Fact]
    public void Progress_cancellation_and_the_iteration_limit()
    {
        var p = Problem();
        var l1 = new L1Proximal<TVector>(Backend.Ops, p.Lambda);
        var x0 = Backend.Upload(new double[Columns]);

        var progress = new SynchronousProgress<IterationProgress>(_ => { });
        var done = Solver.Minimize(Smooth(p), l1, x0, new ProximalGradientOptions { Progress = progress });
        Assert.Equal(SolverStatus.Converged, done.Status);
        Assert.Equal(Enumerable.Range(1, done.Iterations), progress.Records.Select(r => r.Iteration));
        Assert.Equal(done.Value, progress.Records[^1].Objective);
        Assert.Equal(done.Residual, progress.Records[^1].Residual);

        using var cts = new CancellationTokenSource();
        var cancelling = new SynchronousProgress<IterationProgress>(r => { if (r.Iteration == 2) cts.Cancel(); });
        var cancelled = Solver.Minimize(Smooth(p), l1, x0, new ProximalGradientOptions { Progress = cancelling, CancellationToken = cts.Token });
        Assert.Equal(SolverStatus.Cancelled, cancelled.Status);
        Assert.Equal(3, cancelled.Iterations);
        Assert.Equal(p.Objective(Backend.Download(cancelled.X)), cancelled.Value, Tolerances.Reduction * Math.Abs(cancelled.Value));

        var limited = Solver.Minimize(Smooth(p), l1, x0, new ProximalGradientOptions { MaxIterations = 4 });
        Assert.Equal(SolverStatus.MaxIterations, limited.Status);
        Assert.Equal(4, limited.Iterations);
        Assert.True(limited.Residual > ProximalGradientOptions.DefaultTolerance);
    }

    [Fact]
    public void L1_proximal_is_soft_thresholding_and_its_value_is_lambda_times_the_l1_norm()
    {
        var l1 = new L1Proximal<TVector>(Backend.Ops, 0.3);
        double[] v = [1.0, -0.2, 0.5, -2.0, 0.0];
        var result = Backend.Upload(new double[v.Length]);
        l1.Apply(Backend.Upload(v), 2.0, result);
        Assert.Equal(v.Select(x => Soft(x, 0.6)), Backend.Download(result));
        Assert.Equal(0.3 * 3.7, l1.Value(Backend.Upload(v)), Tolerances.Reduction);
        Assert.Equal(0.3 * 4.0, l1.Value(Backend.Upload([1.0, -3.0])), Tolerances.Reduction);

        Assert.Throws<ArgumentException>("lambda", () => new L1Proximal<TVector>(Backend.Ops, -1));
        Assert.Throws<ArgumentException>("lambda", () => new L1Proximal<TVector>(Backend.Ops, double.NaN));
        Assert.Throws<ArgumentException>("step", () => l1.Apply(Backend.Upload(v), 0, result));
        Assert.Throws<ArgumentException>("result", () => l1.Apply(Backend.Upload(v), 1, Backend.Upload(new double[2])));
    }

    [Fact]
    public void Bad_input_is_rejected_naming_the_parameter_and_nothing_is_modified()
    {
        var p = Problem();
        var f = Smooth(p);
        var l1 = new L1Proximal<TVector>(Backend.Ops, p.Lambda);
        var x0Host = RandomVector(Columns, 91);
        var x0 = Backend.Upload(x0Host);
        var solver = Solver;

        Assert.Throws<ArgumentNullException>("arithmetic", () => new ProximalGradient<TVector>(null!));
        Assert.Throws<ArgumentNullException>("f", () => solver.Minimize(null!, l1, x0));
        Assert.Throws<ArgumentNullException>("g", () => solver.Minimize(f, null!, x0));
        Assert.Throws<ArgumentNullException>("x0", () => solver.Minimize(f, l1, default!));
        Assert.Throws<ArgumentException>("x0", () => solver.Minimize(f, l1, Backend.Upload(new double[Columns + 1])));
        var nan = (double[])x0Host.Clone();
        nan[4] = double.NaN;
        Assert.Throws<ArgumentException>("x0", () => solver.Minimize(f, l1, Backend.Upload(nan)));
        foreach (var bad in new[]
        {
            new ProximalGradientOptions { InitialStep = 0 },
            new ProximalGradientOptions { InitialStep = double.PositiveInfinity },
            new ProximalGradientOptions { ShrinkFactor = 1 },
            new ProximalGradientOptions { ShrinkFactor = 0 },
            new ProximalGradientOptions { MaxBacktracks = -1 },
            new ProximalGradientOptions { Tolerance = double.NaN },
            new ProximalGradientOptions { MaxIterations = -2 },
        })
            Assert.Throws<ArgumentException>("options", () => solver.Minimize(f, l1, x0, bad));

        Assert.Equal(x0Host, Backend.Download(x0));
        Assert.Equal(0, f.Evaluations);
    }
}
