using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Sketching;

namespace Numerics.Core.Tests.Sketching;

/// <summary>Rank decided like the SVD baseline (rcond relative to σ_max, max(n, d)·u by default) and reported by every method.</summary>
public class LeastSquaresRankTests
{
    private static Matrix<double> DuplicatedColumn(int n, int d, int seed)
    {
        var a = Matrix<double>.Build.Dense(n, d, TestData.Random(n * d, seed));
        a.SetColumn(d - 1, a.Column(2));
        return a;
    }

    [Fact]
    public void Numerically_rank_deficient_A_matches_the_SVD_baselines_minimum_norm_answer()
    {
        // Rank 14 plus a perturbation of 1e-17·‖A‖ (far below the cut 1000·u ≈ 2e-13): numerically rank 14.
        var p = LeastSquaresTestProblem.Generate(1000, 20, Coherence.SemiCoherent, 1e3, residualNorm: 0.5, seed: 71, rank: 14);
        var noise = Matrix<double>.Build.Dense(1000, 20, TestData.Random(20000, 72, 1e-17));
        var a = p.A + noise;
        var svd = DenseBaselines.LeastSquaresSvd(a, p.B);
        foreach (var method in new[] { LeastSquaresMethod.Svd, LeastSquaresMethod.SketchAndPrecondition })
        {
            var r = SketchedLeastSquares.Solve(a, p.B, new SketchedLeastSquaresOptions { Method = method, Rows = 80, Seed = 7, SingularValues = true });
            Assert.Equal(14, r.Rank);
            Assert.True(r.RankDeficient);
            Assert.Equal(DenseBaselines.DefaultRelativeCutoff(1000, 20), r.Rcond);
            // The truncated solutions agree to the perturbation over the gap, 1e-17/1e-3, times κ: 1e-9 leaves room.
            Assert.True((r.X - svd).L2Norm() <= 1e-9 * svd.L2Norm(), $"{method}: ‖x − x_svd‖ = {(r.X - svd).L2Norm():E2}");
        }
        var qr = SketchedLeastSquares.Solve(a, p.B, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Qr });
        Assert.Equal(14, qr.Rank);
        // QR's basic solution is a least-squares minimiser too: the same residual as the SVD answer.
        Assert.Equal((p.B - a * svd).L2Norm(), qr.ResidualNorm, 1e-10 * qr.ResidualNorm);
    }

    [Fact]
    public void Qr_on_a_duplicated_column_reports_the_rank_and_a_bounded_answer()
    {
        var a = DuplicatedColumn(200, 10, 73);
        var b = Vector<double>.Build.Dense(TestData.Random(200, 74));
        var qr = SketchedLeastSquares.Solve(a, b, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Qr });
        var svd = SketchedLeastSquares.Solve(a, b, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Svd });
        Assert.Equal(9, qr.Rank);
        Assert.Equal(9, svd.Rank);
        Assert.True(qr.RankDeficient);
        // Before: |x| ≈ 1e14. A basic solution is within a small multiple of the minimum-norm one.
        Assert.True(qr.X.L2Norm() <= 10 * svd.X.L2Norm(), $"|x| = {qr.X.L2Norm():E2}");
        Assert.Equal(svd.ResidualNorm, qr.ResidualNorm, 1e-10 * svd.ResidualNorm);
        Assert.Throws<ArgumentException>("a", () => Lapack.LeastSquares(a, b));
    }

    [Theory]
    [InlineData(LeastSquaresMethod.SketchAndSolve)]
    [InlineData(LeastSquaresMethod.SketchAndPrecondition)]
    [InlineData(LeastSquaresMethod.Qr)]
    [InlineData(LeastSquaresMethod.Svd)]
    public void A_zero_matrix_has_rank_zero_and_x_zero(LeastSquaresMethod method)
    {
        var a = Matrix<double>.Build.Dense(100, 5);
        var b = Vector<double>.Build.Dense(TestData.Random(100, 75));
        var r = SketchedLeastSquares.Solve(a, b, new SketchedLeastSquaresOptions { Method = method, Rows = 20 });
        Assert.Equal(0, r.Rank);
        Assert.Equal(0, r.X.L2Norm());
        Assert.Equal(b.L2Norm(), r.ResidualNorm, 1e-12 * b.L2Norm());
        Assert.Null(r.LinfBound);
        Assert.Equal(SolverStatus.Converged, r.Status);
    }

    [Fact]
    public void Rcond_overrides_the_cut_for_every_method_as_scipy_does()
    {
        // σ log-spaced from 1 to 1e-4 over 20 values: 1e-2 keeps the first 10 (σ_k = 10^(−4k/19) > 1e-2 ⇔ k ≤ 9).
        var p = LeastSquaresTestProblem.Generate(1200, 20, Coherence.Incoherent, 1e4, 1.0, seed: 76);
        var svd = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Svd, Rcond = 1e-2 });
        Assert.Equal(10, svd.Rank);
        Assert.Equal(1e-2, svd.Rcond);
        Assert.Equal(20, svd.SingularValues!.Length);
        var sketched = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.SketchAndPrecondition, Rcond = 1e-2, Rows = 160 });
        // The sketch's σ are within its distortion of A's; none of A's lies within 20 % of the cut.
        Assert.Equal(10, sketched.Rank);
        Assert.True((sketched.X - svd.X).L2Norm() <= 0.05 * svd.X.L2Norm());
        Assert.Throws<ArgumentException>("options", () => SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Rcond = 1 }));
    }

    [Fact]
    public void Lapack_least_squares_rejects_a_numerically_rank_deficient_A_as_documented()
    {
        var a = DuplicatedColumn(50, 6, 77);
        Assert.Throws<ArgumentException>("a", () => Lapack.LeastSquares(a, Vector<double>.Build.Dense(50, 1.0)));
        var full = Matrix<double>.Build.Dense(50, 6, TestData.Random(300, 78));
        Assert.Equal(6, Lapack.LeastSquares(full, Vector<double>.Build.Dense(50, 1.0)).Count);
    }

    [Fact]
    public void The_default_sketch_never_exceeds_half_the_rows_and_says_what_it_did_instead()
    {
        // d = 100: the default m is 1759. n = 3000: precondition with max(4d, ⌈d·ln(d/δ)⌉) = 761 rows.
        var p = LeastSquaresTestProblem.Generate(3000, 100, Coherence.Incoherent, 1e2, 1.0, seed: 79);
        var r = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Certificate = false });
        Assert.Equal(LeastSquaresMethod.SketchAndPrecondition, r.Method);
        Assert.Equal(761, r.SketchRows);
        Assert.Contains("exceeds n/2", r.MethodReason);
        // n = 1500: 761 > 750 too, so dense QR.
        var small = LeastSquaresTestProblem.Generate(1500, 100, Coherence.Incoherent, 1e2, 1.0, seed: 80);
        var q = SketchedLeastSquares.Solve(small.A, small.B);
        Assert.Equal(LeastSquaresMethod.Qr, q.Method);
        Assert.Contains("dense QR", q.MethodReason);
        // An explicit m is honoured, and a default within n/2 leaves no reason.
        Assert.Null(SketchedLeastSquares.Solve(small.A, small.B, new SketchedLeastSquaresOptions { Rows = 1000, Certificate = false }).MethodReason);
    }
}
