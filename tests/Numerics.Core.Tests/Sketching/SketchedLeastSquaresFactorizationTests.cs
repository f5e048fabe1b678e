using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Sketching;

namespace Numerics.Core.Tests.Sketching;

/// <summary>Factor once, solve many: equal to the one-shot solve, damped problems against the SVD's closed form, and cancellation inside the sketch.</summary>
public class SketchedLeastSquaresFactorizationTests
{
    private static Vector<double> OtherRightHandSide(LeastSquaresTestProblem p, int seed) =>
        Vector<double>.Build.DenseOfArray(TestData.Random(p.A.RowCount, seed));

    public static TheoryData<LeastSquaresMethod, SketchKind> Methods() => new()
    {
        { LeastSquaresMethod.SketchAndSolve, SketchKind.Srht },
        { LeastSquaresMethod.SketchAndSolve, SketchKind.CountSketch },
        { LeastSquaresMethod.SketchAndPrecondition, SketchKind.Srht },
        { LeastSquaresMethod.Qr, SketchKind.Srht },
        { LeastSquaresMethod.Svd, SketchKind.Srht },
    };

    [Theory]
    [MemberData(nameof(Methods))]
    public void Factor_then_solve_gives_the_one_shot_answer_bit_for_bit(LeastSquaresMethod method, SketchKind kind)
    {
        var p = LeastSquaresTestProblem.Generate(1500, 24, Coherence.Coherent, 1e5, residualNorm: 1e-2, seed: 3);
        var options = new SketchedLeastSquaresOptions { Method = method, Sketch = kind, Rows = 200, Seed = 9, Certificate = method == LeastSquaresMethod.SketchAndSolve };
        var factorization = SketchedLeastSquares.Factor(p.A, options);
        foreach (var b in new[] { p.B, OtherRightHandSide(p, 5) })
        {
            var once = SketchedLeastSquares.Solve(p.A, b, options);
            var reused = factorization.Solve(b);
            Assert.Equal(once.X.ToArray(), reused.X.ToArray());
            Assert.Equal(once.Status, reused.Status);
            Assert.Equal(once.Rank, reused.Rank);
            Assert.Equal(once.ResidualNorm, reused.ResidualNorm);
            Assert.Equal(once.LinfBound, reused.LinfBound);
            Assert.Equal(once.Iterations, reused.Iterations);
        }
        Assert.Equal(method, factorization.Method);
    }

    [Fact]
    public void A_matrix_of_right_hand_sides_solves_each_column_as_a_vector_would()
    {
        var p = LeastSquaresTestProblem.Generate(2000, 16, Coherence.Incoherent, 1e3, residualNorm: 1, seed: 8);
        var b = Matrix<double>.Build.DenseOfColumnVectors(p.B, OtherRightHandSide(p, 1), OtherRightHandSide(p, 2) * 1e-200, OtherRightHandSide(p, 3));
        var options = new SketchedLeastSquaresOptions { Rows = 96, Seed = 2, Certificate = true };
        var factorization = SketchedLeastSquares.Factor(p.A, options);
        var results = factorization.Solve(b);
        Assert.Equal(4, results.Length);
        for (int j = 0; j < 4; j++)
        {
            var single = factorization.Solve(b.Column(j));
            Assert.Equal(single.X.ToArray(), results[j].X.ToArray());
            Assert.Equal(single.LinfBound, results[j].LinfBound);
            // Each bound holds against the exact answer (one certificate serves all columns).
            var exact = DenseBaselines.LeastSquaresSvd(p.A, b.Column(j));
            for (int i = 0; i < 16; i++) Assert.True(Math.Abs(results[j].X[i] - exact[i]) <= results[j].LinfBound![i], $"column {j}, coordinate {i}");
        }
    }

    /// <summary>x_λ = V·diag(σ/(σ² + λ²))·Uᵀb, the ridge solution from the thin SVD of <paramref name="a"/> (for moderate scales).</summary>
    private static Vector<double> Ridge(Matrix<double> a, Vector<double> b, double damp)
    {
        var svd = Lapack.Svd(a, SvdVectors.Thin);
        var c = svd.U!.TransposeThisAndMultiply(b);
        for (int i = 0; i < c.Count; i++) c[i] *= svd.S[i] / (svd.S[i] * svd.S[i] + damp * damp);
        return svd.VT!.TransposeThisAndMultiply(c);
    }

    [Theory]
    [InlineData(LeastSquaresMethod.SketchAndPrecondition, 1e-3)]
    [InlineData(LeastSquaresMethod.SketchAndPrecondition, 10.0)]
    [InlineData(LeastSquaresMethod.Qr, 1e-3)]
    [InlineData(LeastSquaresMethod.Svd, 10.0)]
    public void Damped_solves_match_the_ridge_closed_form(LeastSquaresMethod method, double damp)
    {
        var p = LeastSquaresTestProblem.Generate(1200, 20, Coherence.Incoherent, 1e6, residualNorm: 1, seed: 12);
        // A and λ scaled by 2^600 and b by 2^-300 (exact): the solver must carry λ into its scaled
        // variables; x scales by 2^-900 and the residual by 2^-300, exactly.
        double ca = Math.ScaleB(1, 600), cb = Math.ScaleB(1, -300);
        var expected = Ridge(p.A, p.B, damp);
        var result = SketchedLeastSquares.Solve(p.A * ca, p.B * cb, new() { Method = method, Rows = 120, Seed = 1, Damp = damp * ca, Tolerance = 1e-12 });
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(20, result.Rank);
        var x = result.X * Math.ScaleB(1, 900);
        // The ridge problem's condition is at most σ_max/max(σ_min, λ) ≤ 1e6; 1e-8 relative leaves 100× the rounding.
        double error = (x - expected).L2Norm() / expected.L2Norm();
        Assert.True(error <= 1e-8, $"{method}, damp {damp}: relative error {error:E2}");
        // The reported residual is that of the stacked problem [A; λI], [b; 0].
        var r = p.B - p.A * x;
        double stacked = Math.Sqrt(r.DotProduct(r) + damp * damp * x.DotProduct(x));
        Assert.Equal(stacked, Math.ScaleB(result.ResidualNorm, 300), stacked * 1e-8);
    }

    [Fact]
    public void Damped_sketch_and_solve_is_the_ridge_solution_of_the_sketched_problem()
    {
        var p = LeastSquaresTestProblem.Generate(1000, 12, Coherence.Incoherent, 1e3, residualNorm: 1, seed: 21);
        const int m = 80;
        const double damp = 0.5;
        var sketch = new SketchOperator(SketchKind.Srht, m, 1000, seed: 6);
        // Independent: S as a dense matrix, then the ridge closed form on (S·A, S·b).
        var s = sketch.ToDense();
        var expected = Ridge(s * p.A, s * p.B, damp);
        var result = SketchedLeastSquares.Solve(p.A, p.B, new() { Rows = m, Seed = 6, Damp = damp });
        Assert.Equal(SolverStatus.Converged, result.Status);
        double error = (result.X - expected).L2Norm() / expected.L2Norm();
        Assert.True(error <= 1e-10, $"relative error {error:E2}");
    }

    [Fact]
    public void Damp_is_validated()
    {
        var p = LeastSquaresTestProblem.Generate(200, 5, seed: 1);
        Assert.Throws<ArgumentException>("options", () => SketchedLeastSquares.Solve(p.A, p.B, new() { Damp = -1 }));
        Assert.Throws<ArgumentException>("options", () => SketchedLeastSquares.Solve(p.A, p.B, new() { Damp = double.NaN }));
        Assert.Throws<ArgumentException>("options", () => SketchedLeastSquares.Factor(p.A, new() { Damp = double.PositiveInfinity }));
        Assert.Throws<ArgumentException>("options", () => SketchedLeastSquares.Solve(p.A, p.B, new() { Damp = 1, Certificate = true }));
    }

    [Fact]
    public void Factorization_inputs_are_validated_with_the_parameter_named()
    {
        var p = LeastSquaresTestProblem.Generate(300, 6, seed: 2);
        var f = SketchedLeastSquares.Factor(p.A, new() { Rows = 40 });
        Assert.Throws<ArgumentException>("b", () => f.Solve(Vector<double>.Build.Dense(299)));
        Assert.Throws<ArgumentException>("b", () => f.Solve(Matrix<double>.Build.Dense(299, 2)));
        var bad = Matrix<double>.Build.Dense(300, 2);
        bad[7, 1] = double.NaN;
        Assert.Throws<ArgumentException>("b", () => f.Solve(bad));
        Assert.Throws<ArgumentException>("a", () => SketchedLeastSquares.Factor(Matrix<double>.Build.Dense(5, 6)));
    }

    /// <summary>A backend that cancels the token and then runs the CPU sketch with it: the sketch itself must stop.</summary>
    private sealed class CancellingBackend(CancellationTokenSource source) : ISketchBackend
    {
        public string Name => "cpu, cancelled during the sketch";

        public double[] SketchAugmented(SketchOperator sketch, ReadOnlySpan<double> a, int columns, ReadOnlySpan<double> b, CancellationToken cancellationToken = default)
        {
            source.Cancel();
            return CpuSketchBackend.Instance.SketchAugmented(sketch, a, columns, b, cancellationToken);
        }
    }

    [Theory]
    [InlineData(SketchKind.Srht)]
    [InlineData(SketchKind.Gaussian)]
    [InlineData(SketchKind.CountSketch)]
    public void Cancellation_is_honoured_inside_the_sketch(SketchKind kind)
    {
        var p = LeastSquaresTestProblem.Generate(3000, 10, seed: 4);
        using var source = new CancellationTokenSource();
        var options = new SketchedLeastSquaresOptions { Sketch = kind, Rows = 60, Backend = new CancellingBackend(source), CancellationToken = source.Token };
        Assert.ThrowsAny<OperationCanceledException>(() => SketchedLeastSquares.Factor(p.A, options));
        var result = SketchedLeastSquares.Solve(p.A, p.B, options);
        Assert.Equal(SolverStatus.Cancelled, result.Status);
        Assert.All(result.X, v => Assert.Equal(0.0, v));
        Assert.Equal(p.B.L2Norm(), result.ResidualNorm, p.B.L2Norm() * 1e-14);
    }
}
