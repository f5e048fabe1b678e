using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Sketching;

namespace Numerics.Core.Tests.Optimization;

/// <summary>Paige–Saunders' tests, damping and the earned status, each checked on a residual the test recomputes itself.</summary>
public class LsqrStoppingTests
{
    /// <summary>Relative agreement of a reported recomputed norm with the test's own recomputation (both are O(u·n) exact).</summary>
    private const double RecomputedAgreement = 1e-10;

    /// <summary>
    /// Two evaluations of Aᵀ(b − A·x) in different orders differ by up to the rounding floor
    /// √n·u·‖A‖·(‖A‖·‖x‖ + ‖b‖) (LsqrOptions' remarks); 10× that, in absolute terms.
    /// </summary>
    private static double EvaluationFloor(Matrix<double> a, Vector<double> b, double[] x) =>
        10 * Math.Sqrt(a.RowCount) * 2.220446049250313e-16 * a.L2Norm() * (a.L2Norm() * Vector<double>.Build.Dense(x).L2Norm() + b.L2Norm());

    private static (DenseOperator Op, Matrix<double> A, Vector<double> B, LeastSquaresTestProblem P) Problem(double condition, double residual, ulong seed, int n = 400, int d = 20)
    {
        var p = LeastSquaresTestProblem.Generate(n, d, Coherence.Incoherent, condition, residual, seed);
        return (new DenseOperator(p.A.ToColumnMajorArray(), n, d, n), p.A, p.B, p);
    }

    private static (double R, double G) Recompute(Matrix<double> a, Vector<double> b, double[] x, double damp = 0)
    {
        var xv = Vector<double>.Build.Dense(x);
        var r = b - a * xv;
        return (r.L2Norm(), (a.TransposeThisAndMultiply(r) - damp * damp * xv).L2Norm());
    }

    [Fact]
    public void Test_1_stops_a_compatible_system_and_holds_on_the_recomputed_residual()
    {
        var (op, a, b, _) = Problem(1e3, 0, 31);
        var result = Lsqr.Solve(op, b.ToArray(), options: new LsqrOptions { Tolerance = 1e-12 });
        var (r, _) = Recompute(a, b, result.X);
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(LsqrStopTest.Residual, result.StopTest);
        Assert.Equal(r, result.ResidualNorm, r * RecomputedAgreement + EvaluationFloor(a, b, result.X) / a.L2Norm());
        double normA = Lapack.Svd(a, SvdVectors.None).S[0];
        double xNorm = Vector<double>.Build.Dense(result.X).L2Norm();
        Assert.True(r <= 1e-12 * b.L2Norm() + 1e-12 * normA * xNorm, $"‖r‖ = {r:E3}");
    }

    [Fact]
    public void Test_2_stops_a_least_squares_problem_and_holds_with_the_true_norm_of_A()
    {
        var (op, a, b, _) = Problem(1e2, 1.0, 32);
        const double atol = 1e-10;
        var result = Lsqr.Solve(op, b.ToArray(), options: new LsqrOptions { Tolerance = atol });
        var (r, g) = Recompute(a, b, result.X);
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(LsqrStopTest.NormalResidual, result.StopTest);
        Assert.Equal(g, result.NormalResidualNorm, g * RecomputedAgreement + EvaluationFloor(a, b, result.X));
        // ‖A‖ in the test is LSQR's estimate from below, so the test with the true ‖A‖₂ holds a fortiori.
        double normA = Lapack.Svd(a, SvdVectors.None).S[0];
        Assert.InRange(result.LargestSingularValue, 0, normA * (1 + 1e-12));
        Assert.True(g <= atol * normA * r, $"‖Aᵀr‖ = {g:E3} > {atol}·‖A‖·‖r‖ = {atol * normA * r:E3}");
        Assert.True(result.RelativeNormalResidual <= atol);
    }

    [Fact]
    public void Test_3_stops_at_the_condition_limit_and_does_not_claim_convergence()
    {
        var (op, _, b, _) = Problem(1e10, 1.0, 33);
        var result = Lsqr.Solve(op, b.ToArray(), options: new LsqrOptions { Tolerance = 1e-14, Conlim = 1e4 });
        Assert.Equal(SolverStatus.Stalled, result.Status);
        Assert.Equal(LsqrStopTest.ConditionLimit, result.StopTest);
        Assert.True(result.LargestSingularValue / result.SmallestSingularValue >= 1e4);
    }

    [Theory]
    [InlineData(0.3)]
    [InlineData(1e-3)]
    public void Damp_matches_the_dense_ridge_normal_equations(double damp)
    {
        var (op, a, b, _) = Problem(1e4, 1.0, 34);
        var result = Lsqr.Solve(op, b.ToArray(), options: new LsqrOptions { Damp = damp, Tolerance = 1e-13 });
        var normal = a.TransposeThisAndMultiply(a) + damp * damp * Matrix<double>.Build.DenseIdentity(a.ColumnCount);
        var expected = Lapack.Solve(normal, a.TransposeThisAndMultiply(b).ToColumnMatrix()).Column(0);
        Assert.Equal(SolverStatus.Converged, result.Status);
        var (_, g) = Recompute(a, b, result.X, damp);
        Assert.Equal(g, result.NormalResidualNorm, g * RecomputedAgreement + EvaluationFloor(a, b, result.X));
        // Ridge conditioning κ(AᵀA + damp²I) ≤ (1 + damp²)/damp² bounds the error of the dense solve: 1e-13·that.
        double conditioning = (1 + damp * damp) / (damp * damp);
        Assert.True((Vector<double>.Build.Dense(result.X) - expected).L2Norm() <= 1e-13 * conditioning * expected.L2Norm(),
            $"‖x − x_ridge‖ = {(Vector<double>.Build.Dense(result.X) - expected).L2Norm():E3}");
    }

    [Fact]
    public void A_tolerance_below_the_rounding_floor_reports_Stalled_with_the_values_reached()
    {
        // ‖r‖ = 1e-8·‖b‖: recomputing Aᵀr costs ~u·‖A‖·‖b‖, so ‖Aᵀr‖/(‖A‖‖r‖) cannot go below ~1e-8·√n·u·1e8.
        var (op, a, b, _) = Problem(1e4, 1e-8, 35);
        var literal = Lsqr.Solve(op, b.ToArray(), options: new LsqrOptions { Tolerance = 1e-16 });
        var (r, g) = Recompute(a, b, literal.X);
        Assert.NotEqual(SolverStatus.Converged, literal.Status);
        Assert.Equal(LsqrStopTest.None, literal.StopTest);
        Assert.Equal(g, literal.NormalResidualNorm, g * RecomputedAgreement + EvaluationFloor(a, b, literal.X));
        Assert.True(literal.RelativeNormalResidual > 1e-16);
        Assert.Equal(literal.NormalResidualNorm / (literal.LargestSingularValue * literal.ResidualNorm), literal.RelativeNormalResidual, 1e-12 * literal.RelativeNormalResidual);

        // The default, max(1e-14, 4·√n·u), is below the evaluation noise here too: no looser rule turns that into Converged.
        var byDefault = Lsqr.Solve(op, b.ToArray());
        Assert.Contains(byDefault.Status, new[] { SolverStatus.Stalled, SolverStatus.MaxIterations });
        Assert.True(byDefault.RelativeNormalResidual > LsqrOptions.DefaultToleranceFor(a.RowCount));
        // A tolerance above the noise converges, on a test that holds for the recomputed residual.
        var loose = Lsqr.Solve(op, b.ToArray(), options: new LsqrOptions { Tolerance = 1e-6 });
        Assert.Equal(SolverStatus.Converged, loose.Status);
        Assert.NotEqual(LsqrStopTest.None, loose.StopTest);
    }

    [Fact]
    public void Recurrence_drift_at_large_condition_is_caught_by_the_recomputed_test()
    {
        // κ = 1e8: the recurrence's ‖Aᵀr‖ runs below the true one; the status must rest on the true value.
        var (op, a, b, _) = Problem(1e8, 1e-4, 36, n: 600, d: 30);
        const double atol = 1e-12;
        var result = Lsqr.Solve(op, b.ToArray(), options: new LsqrOptions { Tolerance = atol, Conlim = 0, MaxIterations = 3000 });
        var (r, g) = Recompute(a, b, result.X);
        double normA = Lapack.Svd(a, SvdVectors.None).S[0];
        double xNorm = Vector<double>.Build.Dense(result.X).L2Norm();
        if (result.Status == SolverStatus.Converged)
            Assert.True(g <= atol * normA * r || r <= atol * (b.L2Norm() + normA * xNorm), $"Converged but ‖Aᵀr‖/(‖A‖‖r‖) = {g / (normA * r):E3}");
        Assert.Equal(g, result.NormalResidualNorm, g * RecomputedAgreement + EvaluationFloor(a, b, result.X));
    }

    [Fact]
    public void Bad_options_are_rejected()
    {
        var op = new DenseOperator(new double[9], 3, 3, 3);
        Assert.Throws<ArgumentException>("options", () => Lsqr.Solve(op, new double[3], options: new LsqrOptions { Damp = -1 }));
        Assert.Throws<ArgumentException>("options", () => Lsqr.Solve(op, new double[3], options: new LsqrOptions { Conlim = double.NaN }));
        Assert.Throws<ArgumentException>("options", () => Lsqr.Solve(op, new double[3], options: new LsqrOptions { Btol = -1 }));
    }
}
