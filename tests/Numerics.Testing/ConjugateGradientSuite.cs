using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using static Numerics.Testing.DenseTestMatrices;

namespace Numerics.Testing;

/// <summary>
/// Conjugate gradients on one vector backend, checked against MathNet's Cholesky solution and
/// against residuals recomputed on the host. Each backend derives one class supplying <see cref="Backend"/>.
/// </summary>
public abstract class ConjugateGradientSuite<TVector>
{
    /// <summary>The storage under test.</summary>
    protected abstract VectorBackend<TVector> Backend { get; }

    private ConjugateGradient<TVector> Solver => new(Backend.Ops);

    private HostSymmetricOperator<TVector> Operator(Matrix<double> a) => new(Backend, a.RowCount, (x, y) => Multiply(a, x, y));

    private static double[] CholeskySolve(Matrix<double> a, double[] b) =>
        a.Cholesky().Solve(Vector<double>.Build.Dense(b)).ToArray();

    /// <summary>The κ = 10⁶ system: A = Q·diag(logspace(0, 6))·Qᵀ, b = A·x_true.</summary>
    private static (Matrix<double> A, double[] B) IllConditioned(int n)
    {
        var a = WithSpectrum(LogSpaced(n, 1, 1e6), seed: 11);
        var b = new double[n];
        Multiply(a, RandomVector(n, 12), b);
        return (a, b);
    }

    private static void AssertReportedResidualIsTheTrueOne(Matrix<double> a, double[] x, double[] b, double reported)
    {
        double truth = ResidualNorm(a, x, b);
        double scale = a.L2Norm() * Norm(x) + Norm(b);
        Assert.True(Math.Abs(reported - truth) <= Tolerances.MatVecRounding * scale,
            $"reported residual {reported:E3}, recomputed on the host {truth:E3}");
    }

    [Fact]
    public void Tiny_and_subnormal_right_hand_sides_give_finite_answers_and_honest_statuses()
    {
        var a = Matrix<double>.Build.DenseOfDiagonalArray([1.0, 2, 3, 4]);
        // Subnormal b, cold start: solved on b·2¹⁰⁰⁰ and scaled back.
        double[] b = [1e-310, 0, -3e-310, 4e-310];
        var cold = Solver.Solve(Operator(a), Backend.Upload(b));
        var x = Backend.Download(cold.X);
        Assert.Equal(SolverStatus.Converged, cold.Status);
        for (int i = 0; i < 4; i++) Assert.True(Math.Abs(x[i] - b[i] / (i + 1)) <= 4 * double.Epsilon, $"x[{i}] = {x[i]:R}");

        // b = 1e-300 with a warm start of ones, far larger than the answer: whatever the status,
        // the answer is finite and the status is Converged only if the residual really meets it.
        double[] tiny = [1e-300, 1e-300, 1e-300, 1e-300];
        var warm = Solver.Solve(Operator(a), Backend.Upload(tiny), Backend.Upload([1.0, 1, 1, 1]));
        var xw = Backend.Download(warm.X);
        Assert.All(xw, v => Assert.True(double.IsFinite(v)));
        double residual = 0;
        for (int i = 0; i < 4; i++) residual = Math.Max(residual, Math.Abs(tiny[i] - (i + 1) * xw[i]));
        if (warm.Status == SolverStatus.Converged) Assert.True(residual <= ConjugateGradientOptions<TVector>.DefaultTolerance * 2e-300);
        Assert.True(double.IsFinite(warm.ResidualNorm));
    }

    [Theory]
    [InlineData(1e160)]
    [InlineData(1e-170)]
    [InlineData(1e300)]
    public void Right_hand_sides_at_extreme_scales_converge(double magnitude)
    {
        // A = diag(1, 2, 3, 4): x = b ./ (1, 2, 3, 4). Unscaled, rᵀr overflows (or underflows) here.
        var a = Matrix<double>.Build.DenseOfDiagonalArray([1.0, 2, 3, 4]);
        double[] b = [magnitude, -2 * magnitude, 0.5 * magnitude, 4 * magnitude];
        var result = Solver.Solve(Operator(a), Backend.Upload(b), Backend.Upload([magnitude, 0, 0, 0]), new ConjugateGradientOptions<TVector> { Tolerance = 1e-14 });
        var x = Backend.Download(result.X);
        Assert.Equal(SolverStatus.Converged, result.Status);
        for (int i = 0; i < 4; i++)
            Assert.True(Math.Abs(x[i] - b[i] / (i + 1)) <= 1e-14 * magnitude * 4, $"x[{i}] = {x[i]:R}");
        Assert.True(result.ResidualNorm <= 1e-14 * magnitude * DenseTestMatrices.Norm(b.Select(v => v / magnitude).ToArray()));   // ‖b‖ without under/overflow
    }

    [Fact]
    public void Solves_a_kappa_1e6_system_to_the_Cholesky_solution_within_the_perturbation_bound()
    {
        const int n = 100;
        const double kappa = 1e6;
        var (a, b) = IllConditioned(n);
        var result = Solver.Solve(Operator(a), Backend.Upload(b), options: new ConjugateGradientOptions<TVector>
        {
            Tolerance = Tolerances.ConjugateGradientResidual,
            MaxIterations = 20 * n,
        });
        var x = Backend.Download(result.X);

        Assert.Equal(SolverStatus.Converged, result.Status);
        AssertReportedResidualIsTheTrueOne(a, x, b, result.ResidualNorm);
        double relativeResidual = ResidualNorm(a, x, b) / Norm(b);
        Assert.True(relativeResidual <= Tolerances.ConjugateGradientResidual, $"relative residual {relativeResidual:E3}");
        var expected = CholeskySolve(a, b);
        double forward = Distance(x, expected) / Norm(expected);
        Assert.True(forward <= Tolerances.ConditionBoundSlack * kappa * Tolerances.ConjugateGradientResidual, $"forward error {forward:E3}");
    }

    [Fact]
    public void Jacobi_preconditioning_of_a_badly_scaled_matrix_takes_fewer_iterations_and_reaches_the_same_answer()
    {
        const int n = 80;
        // A = D·S·D: S well conditioned (κ = 10), D spanning three decades, so κ(A) ~ 10⁷ but the
        // Jacobi-scaled matrix is close to S.
        var s = WithSpectrum(LogSpaced(n, 1, 10), seed: 21);
        var d = Matrix<double>.Build.DenseOfDiagonalArray(LogSpaced(n, 1, 1e3));
        var a = d * s * d;
        a = (a + a.Transpose()) / 2;
        var b = RandomVector(n, 22);
        var inverseDiagonal = Enumerable.Range(0, n).Select(i => 1 / a[i, i]).ToArray();
        var jacobi = new DiagonalOperator<TVector>(Backend.Ops, Backend.Upload(inverseDiagonal));
        const double tolerance = ConjugateGradientOptions<TVector>.DefaultTolerance;
        var limits = new ConjugateGradientOptions<TVector> { MaxIterations = 50 * n };

        var plain = Solver.Solve(Operator(a), Backend.Upload(b), options: limits);
        var preconditioned = Solver.Solve(Operator(a), Backend.Upload(b), options: limits with { Preconditioner = jacobi });

        Assert.Equal(SolverStatus.Converged, preconditioned.Status);
        Assert.True(preconditioned.Iterations < plain.Iterations, $"preconditioned {preconditioned.Iterations}, plain {plain.Iterations} ({plain.Status})");
        var x = Backend.Download(preconditioned.X);
        AssertReportedResidualIsTheTrueOne(a, x, b, preconditioned.ResidualNorm);
        Assert.True(ResidualNorm(a, x, b) <= tolerance * Norm(b));
        var expected = CholeskySolve(a, b);
        double kappa = a.ConditionNumber();
        Assert.True(Distance(x, expected) / Norm(expected) <= Tolerances.ConditionBoundSlack * kappa * tolerance);
    }

    [Fact]
    public void An_indefinite_matrix_is_a_Breakdown_status_not_an_exception()
    {
        const int n = 20;
        var eigenvalues = Enumerable.Repeat(1.0, n).ToArray();
        eigenvalues[1] = -2;
        var q = Orthogonal(n, 31);
        var a = q * Matrix<double>.Build.DenseOfDiagonalArray(eigenvalues) * q.Transpose();
        a = (a + a.Transpose()) / 2;
        // b = q₀ + q₁, so the first direction has pᵀAp = 1 − 2 < 0.
        var b = (q.Column(0) + q.Column(1)).ToArray();

        var result = Solver.Solve(Operator(a), Backend.Upload(b));

        Assert.Equal(SolverStatus.Breakdown, result.Status);
        var x = Backend.Download(result.X);
        Assert.All(x, v => Assert.True(double.IsFinite(v)));
        AssertReportedResidualIsTheTrueOne(a, x, b, result.ResidualNorm);
    }

    [Fact]
    public void A_warm_start_at_the_solution_converges_without_iterating_and_a_zero_right_hand_side_gives_zero()
    {
        const int n = 30;
        var a = WithSpectrum(LogSpaced(n, 1, 100), seed: 41);
        var b = RandomVector(n, 42);
        var exact = CholeskySolve(a, b);

        var warm = Solver.Solve(Operator(a), Backend.Upload(b), Backend.Upload(exact));
        Assert.Equal(SolverStatus.Converged, warm.Status);
        Assert.Equal(0, warm.Iterations);

        var zero = Solver.Solve(Operator(a), Backend.Upload(new double[n]), Backend.Upload(exact));
        Assert.Equal(SolverStatus.Converged, zero.Status);
        Assert.All(Backend.Download(zero.X), v => Assert.Equal(0.0, v));
        Assert.Equal(0.0, zero.ResidualNorm);
    }

    [Fact]
    public void Progress_gets_one_record_per_iteration_and_the_last_one_is_the_result()
    {
        var (a, b) = IllConditioned(40);
        var progress = new SynchronousProgress<IterationProgress>(_ => { });
        var result = Solver.Solve(Operator(a), Backend.Upload(b), options: new ConjugateGradientOptions<TVector> { Progress = progress, MaxIterations = 2000 });

        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(Enumerable.Range(1, result.Iterations), progress.Records.Select(p => p.Iteration));
        Assert.Equal(result.ResidualNorm, progress.Records[^1].Residual);
    }

    [Fact]
    public void Cancellation_returns_Cancelled_within_one_iteration_with_the_true_residual()
    {
        var (a, b) = IllConditioned(60);
        using var cts = new CancellationTokenSource();
        var progress = new SynchronousProgress<IterationProgress>(p => { if (p.Iteration == 3) cts.Cancel(); });
        var result = Solver.Solve(Operator(a), Backend.Upload(b), options: new ConjugateGradientOptions<TVector> { Progress = progress, CancellationToken = cts.Token });

        Assert.Equal(SolverStatus.Cancelled, result.Status);
        Assert.Equal(4, result.Iterations);
        AssertReportedResidualIsTheTrueOne(a, Backend.Download(result.X), b, result.ResidualNorm);

        var already = Solver.Solve(Operator(a), Backend.Upload(b), options: new ConjugateGradientOptions<TVector> { CancellationToken = cts.Token });
        Assert.Equal(SolverStatus.Cancelled, already.Status);
        Assert.Equal(0, already.Iterations);
    }

    [Fact]
    public void The_iteration_limit_gives_MaxIterations_with_the_true_residual()
    {
        var (a, b) = IllConditioned(60);
        var result = Solver.Solve(Operator(a), Backend.Upload(b), options: new ConjugateGradientOptions<TVector> { MaxIterations = 5 });

        Assert.Equal(SolverStatus.MaxIterations, result.Status);
        Assert.Equal(5, result.Iterations);
        var x = Backend.Download(result.X);
        AssertReportedResidualIsTheTrueOne(a, x, b, result.ResidualNorm);
        Assert.True(result.ResidualNorm > ConjugateGradientOptions<TVector>.DefaultTolerance * Norm(b));
    }

    [Fact]
    public void A_tolerance_below_the_rounding_floor_restarts_from_the_true_residual_and_never_claims_convergence()
    {
        const int n = 60;
        var (a, b) = IllConditioned(n);
        // 1e-18·‖b‖ is below u·‖A‖‖x‖: the recursive residual gets there, the true one cannot.
        var result = Solver.Solve(Operator(a), Backend.Upload(b), options: new ConjugateGradientOptions<TVector> { Tolerance = 1e-18, MaxIterations = 40 * n });

        Assert.Contains(result.Status, new[] { SolverStatus.Stalled, SolverStatus.MaxIterations });
        Assert.True(result.Restarts >= 1, $"restarts {result.Restarts}, status {result.Status}, iterations {result.Iterations}");
        var x = Backend.Download(result.X);
        AssertReportedResidualIsTheTrueOne(a, x, b, result.ResidualNorm);
        // The iterate returned is still as good as the attainable accuracy allows.
        Assert.True(ResidualNorm(a, x, b) <= Tolerances.ConjugateGradientResidual * Norm(b));
    }

    [Fact]
    public void Bad_input_is_rejected_naming_the_parameter_and_nothing_is_modified()
    {
        const int n = 10;
        var a = Operator(WithSpectrum(LogSpaced(n, 1, 10), seed: 51));
        var bHost = RandomVector(n, 52);
        var b = Backend.Upload(bHost);
        var x0Host = RandomVector(n, 53);
        var x0 = Backend.Upload(x0Host);
        var solver = Solver;

        Assert.Throws<ArgumentNullException>("arithmetic", () => new ConjugateGradient<TVector>(null!));
        Assert.Throws<ArgumentNullException>("a", () => solver.Solve(null!, b));
        Assert.Throws<ArgumentNullException>("b", () => solver.Solve(a, default!));
        Assert.Throws<ArgumentException>("b", () => solver.Solve(a, Backend.Upload(new double[n + 1])));
        Assert.Throws<ArgumentException>("x0", () => solver.Solve(a, b, Backend.Upload(new double[n - 1])));
        var nanB = (double[])bHost.Clone();
        nanB[3] = double.NaN;
        Assert.Throws<ArgumentException>("b", () => solver.Solve(a, Backend.Upload(nanB)));
        var infX0 = (double[])x0Host.Clone();
        infX0[0] = double.PositiveInfinity;
        Assert.Throws<ArgumentException>("x0", () => solver.Solve(a, b, Backend.Upload(infX0)));
        Assert.Throws<ArgumentException>("options", () => solver.Solve(a, b, x0, new ConjugateGradientOptions<TVector> { Tolerance = double.NaN }));
        Assert.Throws<ArgumentException>("options", () => solver.Solve(a, b, x0, new ConjugateGradientOptions<TVector> { Tolerance = -1 }));
        Assert.Throws<ArgumentException>("options", () => solver.Solve(a, b, x0, new ConjugateGradientOptions<TVector> { MaxIterations = -1 }));
        var wrongPreconditioner = new DiagonalOperator<TVector>(Backend.Ops, Backend.Upload(new double[n + 2]));
        Assert.Throws<ArgumentException>("options", () => solver.Solve(a, b, x0, new ConjugateGradientOptions<TVector> { Preconditioner = wrongPreconditioner }));
        var nanDiagonal = new double[n];
        nanDiagonal[1] = double.NaN;
        Assert.Throws<ArgumentException>("diagonal", () => new DiagonalOperator<TVector>(Backend.Ops, Backend.Upload(nanDiagonal)));

        Assert.Equal(bHost, Backend.Download(b));
        Assert.Equal(x0Host, Backend.Download(x0));
        Assert.Equal(0, a.Applications);
    }
}
