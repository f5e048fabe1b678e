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
        var expected = StableRidge(p.A, p.B, damp);
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
        var expected = StableRidge(s * p.A, s * p.B, damp);
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

    [Theory]
    [InlineData(SketchKind.Srht, true)]
    [InlineData(SketchKind.Srht, false)]
    [InlineData(SketchKind.Gaussian, null)]
    [InlineData(SketchKind.CountSketch, null)]
    public void Cancellation_is_honoured_inside_the_sketch(SketchKind kind, bool? rowSplit)
    {
        // 300000 rows: five row blocks for Gaussian and CountSketch; 40 columns: eleven SRHT panels.
        var p = LeastSquaresTestProblem.Generate(300000, 40, seed: 4);
        using var source = new CancellationTokenSource();
        int started = 0;
        // The hook cancels as the second panel or block starts: only a check inside the sketch can stop it there.
        SrhtTransform.BlockStarted.Value = () => { if (Interlocked.Increment(ref started) == 2) source.Cancel(); };
        SrhtTransform.ForcedSchedule.Value = rowSplit;
        try
        {
            var options = new SketchedLeastSquaresOptions { Sketch = kind, Rows = 200, CancellationToken = source.Token };
            Assert.ThrowsAny<OperationCanceledException>(() => SketchedLeastSquares.Factor(p.A, options));
            int blocks = kind == SketchKind.Srht ? 10 : 5;
            Assert.True(started < blocks, $"{started} of {blocks} blocks started after the cancellation");
            started = 10;   // no further cancellation from the hook
            var result = SketchedLeastSquares.Solve(p.A, p.B, options);
            Assert.Equal(SolverStatus.Cancelled, result.Status);
            Assert.All(result.X, v => Assert.Equal(0.0, v));
            // ‖b‖ summed in two orders: recursive summation of n squares agrees to n·u relative.
            Assert.Equal(p.B.L2Norm(), result.ResidualNorm, p.B.L2Norm() * 300000 * 1.1102230246251565e-16);
        }
        finally
        {
            SrhtTransform.BlockStarted.Value = null;
            SrhtTransform.ForcedSchedule.Value = null;
        }
    }

    [Theory]
    [InlineData(LeastSquaresMethod.SketchAndPrecondition)]
    [InlineData(LeastSquaresMethod.Qr)]
    public void A_per_call_token_cancels_one_solve_and_leaves_the_factorization_usable(LeastSquaresMethod method)
    {
        var p = LeastSquaresTestProblem.Generate(2000, 12, seed: 6);
        var f = SketchedLeastSquares.Factor(p.A, new() { Method = method, Rows = 100 });
        using var source = new CancellationTokenSource();
        source.Cancel();
        Assert.Equal(SolverStatus.Cancelled, f.Solve(p.B, source.Token).Status);
        Assert.All(f.Solve(Matrix<double>.Build.DenseOfColumnVectors(p.B, p.B), source.Token), r => Assert.Equal(SolverStatus.Cancelled, r.Status));
        var done = f.Solve(p.B);
        Assert.Equal(SolverStatus.Converged, done.Status);
        Assert.True((done.X - DenseBaselines.LeastSquaresSvd(p.A, p.B)).L2Norm() <= 1e-10 * done.X.L2Norm());
        // A cancelled options token stops a dense factorization before LAPACK runs.
        Assert.ThrowsAny<OperationCanceledException>(() => SketchedLeastSquares.Factor(p.A, new() { Method = method, Rows = 100, CancellationToken = source.Token }));
    }

    /// <summary>x_λ = V·diag(σ/(σ² + λ²))·Uᵀb, the ridge solution from the thin SVD of A, in the overflow-free form (1/σ)/(1 + (λ/σ)²).</summary>
    private static Vector<double> StableRidge(Matrix<double> a, Vector<double> b, double damp)
    {
        var svd = Lapack.Svd(a, SvdVectors.Thin);
        var c = svd.U!.TransposeThisAndMultiply(b);
        for (int i = 0; i < c.Count; i++)
        {
            double ratio = damp / svd.S[i];
            c[i] = c[i] / svd.S[i] / (1 + ratio * ratio);
        }
        return svd.VT!.TransposeThisAndMultiply(c);
    }

    [Theory]
    [InlineData(LeastSquaresMethod.Qr, 1e6)]
    [InlineData(LeastSquaresMethod.Qr, 1e17)]
    [InlineData(LeastSquaresMethod.Svd, 1e17)]
    [InlineData(LeastSquaresMethod.SketchAndPrecondition, 1e17)]
    [InlineData(LeastSquaresMethod.SketchAndSolve, 1e17)]
    public void A_damp_far_above_the_singular_values_keeps_As_part(LeastSquaresMethod method, double ratio)
    {
        // λ ≫ σ: x ≈ Aᵀb/λ²; stacking the damping rows below A used to cancel A's part away (x = 0, Converged).
        var p = LeastSquaresTestProblem.Generate(400, 5, Coherence.Incoherent, 10, residualNorm: 1, seed: 13);
        double damp = ratio * Lapack.Svd(p.A, SvdVectors.None).S[0];
        // Sketch-and-solve answers the sketched problem: its reference is the ridge solution of (S·A, S·b).
        var s = new SketchOperator(SketchKind.Srht, 400, 400, seed: 0).ToDense();
        var expected = method == LeastSquaresMethod.SketchAndSolve ? StableRidge(s * p.A, s * p.B, damp) : StableRidge(p.A, p.B, damp);
        var result = SketchedLeastSquares.Solve(p.A, p.B, new() { Method = method, Rows = 400, Damp = damp, Tolerance = 1e-12 });
        Assert.Equal(SolverStatus.Converged, result.Status);
        double error = (result.X - expected).L2Norm() / expected.L2Norm();
        Assert.True(error <= 1e-9, $"{method}, λ/σ_max = {ratio:E0}: relative error {error:E2}");
    }

    [Theory]
    [InlineData(LeastSquaresMethod.SketchAndSolve)]
    [InlineData(LeastSquaresMethod.SketchAndPrecondition)]
    [InlineData(LeastSquaresMethod.Qr)]
    [InlineData(LeastSquaresMethod.Svd)]
    public void A_damp_at_extreme_scales_is_carried_into_the_scaled_variables_or_refused(LeastSquaresMethod method)
    {
        // A·2^-997, b·2^-100, λ = 1e-250: λ′ = λ·2^997 ≈ 1.3e50 dwarfs σ(A′) ≈ 1, so x = (ca·A)ᵀ(cb·b)/λ²
        // to relative (σ′/λ′)² ≈ 1e-100, formed here in an order that stays in range.
        var p = LeastSquaresTestProblem.Generate(300, 4, Coherence.Incoherent, 10, residualNorm: 1, seed: 14);
        double ca = Math.ScaleB(1, -997), cb = Math.ScaleB(1, -100), damp = 1e-250;
        // Sketch-and-solve answers the sketched problem: (S·A)ᵀ(S·b) in place of Aᵀb.
        var s = method == LeastSquaresMethod.SketchAndSolve ? new SketchOperator(SketchKind.Srht, 200, 300, seed: 0).ToDense() : Matrix<double>.Build.DenseIdentity(300);
        var expected = ((s * p.A).TransposeThisAndMultiply(s * p.B) / damp * ca) / damp * cb;
        var result = SketchedLeastSquares.Solve(p.A * ca, p.B * cb, new() { Method = method, Rows = 200, Damp = damp, Tolerance = 1e-12 });
        Assert.Equal(SolverStatus.Converged, result.Status);
        double error = (result.X - expected).L2Norm() / expected.L2Norm();
        Assert.True(error <= 1e-9, $"{method}: relative error {error:E2}");
        // λ/max|A| beyond 2^400 is refused with the option named, not a LAPACK message.
        Assert.Throws<ArgumentException>("options", () => SketchedLeastSquares.Solve(p.A * ca, p.B, new() { Method = method, Rows = 200, Damp = 1e10 }));
    }

    [Theory]
    [InlineData(LeastSquaresMethod.SketchAndSolve)]
    [InlineData(LeastSquaresMethod.SketchAndPrecondition)]
    public void A_sketch_that_lost_a_direction_falls_back_to_QR_also_when_damped(LeastSquaresMethod method)
    {
        // CountSketch maps two rows i, j to one bucket with one sign: e_i − e_j... here the columns e_i and
        // e_j are sketched to the same vector, so S·A loses their difference although A keeps it.
        const int n = 2000, m = 40;
        var sketch = new SketchOperator(SketchKind.CountSketch, m, n, seed: 1);
        int i = 0, j = 1;
        while (!(sketch.Buckets[i] == sketch.Buckets[j] && sketch.Sign(i) == sketch.Sign(j)))
            if (++j == n) { i++; j = i + 1; }
        var a = Matrix<double>.Build.Dense(n, 5);
        var g = Matrix<double>.Build.Dense(n, 3, TestData.Random(n * 3, 2));
        a.SetSubMatrix(0, 0, g);
        a[i, 3] = 1;
        a[j, 4] = 1;
        var b = Vector<double>.Build.DenseOfArray(TestData.Random(n, 3));
        const double damp = 1e-9;
        var expected = StableRidge(a, b, damp);
        var result = SketchedLeastSquares.Solve(a, b, new() { Method = method, Sketch = SketchKind.CountSketch, Rows = m, Seed = 1, Damp = damp });
        Assert.Equal(LeastSquaresMethod.Qr, result.Method);
        Assert.Contains("shrinks a direction", result.MethodReason);
        double error = (result.X - expected).L2Norm() / expected.L2Norm();
        Assert.True(error <= 1e-10, $"relative error {error:E2}");
    }
}

/// <summary>Float32 inputs kept as float32: the same sketch as the double copy, answers of the double problem.</summary>
public class SingleSketchedLeastSquaresTests
{
    private static (Matrix<float> A, Vector<float> B, Matrix<double> AWide, Vector<double> BWide) Problem(int n, int d, double condition, int seed)
    {
        var p = LeastSquaresTestProblem.Generate(n, d, Coherence.Coherent, condition, residualNorm: 0.1, seed: (ulong)seed);
        var a = p.A.Map(v => (float)v);
        var b = p.B.Map(v => (float)v);
        return (a, b, a.Map(v => (double)v), b.Map(v => (double)v));
    }

    [Theory]
    [InlineData(SketchKind.Srht)]
    [InlineData(SketchKind.CountSketch)]
    [InlineData(SketchKind.Gaussian)]
    public void Sketch_and_solve_of_a_float_matrix_is_that_of_its_double_copy_bit_for_bit(SketchKind kind)
    {
        var (a, b, aWide, bWide) = Problem(70000, 5, 1e3, 3);
        var options = new SketchedLeastSquaresOptions { Sketch = kind, Rows = 60, Seed = 4 };
        var single = SketchedLeastSquares.Solve(a, b, options);
        var wide = SketchedLeastSquares.Solve(aWide, bWide, options);
        Assert.Equal(wide.X.ToArray(), single.X.ToArray());
        Assert.Equal(SolverStatus.Converged, single.Status);
        // The residual is recomputed with float entries widened and double sums: the double problem's, to rounding.
        Assert.Equal(wide.ResidualNorm, single.ResidualNorm, wide.ResidualNorm * 1e-12);
    }

    [Fact]
    public void Precondition_and_certificate_on_float_input_answer_the_double_problem()
    {
        var (a, b, aWide, bWide) = Problem(3000, 30, 1e6, 5);
        var exact = DenseBaselines.LeastSquaresSvd(aWide, bWide);
        var precondition = SketchedLeastSquares.Solve(a, b, new() { Method = LeastSquaresMethod.SketchAndPrecondition, Rows = 150, Seed = 2, Tolerance = 1e-12 });
        Assert.Equal(SolverStatus.Converged, precondition.Status);
        // κ = 1e6: the answer is determined to about κ·1e-12 relative by the tolerance.
        Assert.True((precondition.X - exact).L2Norm() <= 1e-5 * exact.L2Norm(), $"{(precondition.X - exact).L2Norm() / exact.L2Norm():E2}");

        var factorization = SketchedLeastSquares.Factor(a, new() { Rows = 150, Seed = 2, Certificate = true });
        var bounded = factorization.Solve(bWide);
        for (int i = 0; i < 30; i++) Assert.True(Math.Abs(bounded.X[i] - exact[i]) <= bounded.LinfBound![i], $"coordinate {i}");
    }

    [Fact]
    public async Task Float_operator_products_agree_with_the_double_operator_and_do_not_depend_on_the_thread_count()
    {
        const int n = 50001, d = 7;
        var values = TestData.Random(n * d, 8).Select(v => (float)v).ToArray();
        var wide = Array.ConvertAll(values, v => (double)v);
        var x = TestData.Random(d, 9);
        var y = TestData.Random(n, 10);
        var single = new SingleDenseOperator(values, n, d, n);
        var dense = new DenseOperator(wide, n, d, n);
        var ax = new double[n];
        var axWide = new double[n];
        single.Multiply(x, ax);
        dense.Multiply(x, axWide);
        for (int i = 0; i < n; i++) Assert.Equal(axWide[i], ax[i], 1e-14 * (1 + Math.Abs(axWide[i])) * d);
        var aty = new double[d];
        var atyWide = new double[d];
        single.MultiplyTransposed(y, aty);
        dense.MultiplyTransposed(y, atyWide);
        for (int j = 0; j < d; j++) Assert.Equal(atyWide[j], aty[j], 1e-12 * Math.Sqrt(n));

        var serial = new double[n];
        var serialAty = new double[d];
        var scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, 1).ConcurrentScheduler;
        await Task.Factory.StartNew(() => { single.Multiply(x, serial); single.MultiplyTransposed(y, serialAty); },
            CancellationToken.None, TaskCreationOptions.None, scheduler);
        Assert.Equal(ax, serial);
        Assert.Equal(aty, serialAty);
        Assert.Throws<ArgumentException>("x", () => single.Multiply(new double[d + 1], ax));
        Assert.Throws<ArgumentException>("y", () => single.MultiplyTransposed(new double[n - 1], aty));
    }

    [Fact]
    public void Float_inputs_are_validated()
    {
        var a = Matrix<float>.Build.Dense(100, 3, (i, j) => i + j);
        a[4, 2] = float.NaN;
        Assert.Throws<ArgumentException>("a", () => SketchedLeastSquares.Solve(a, Vector<float>.Build.Dense(100), new() { Rows = 10 }));
        a[4, 2] = 1;
        var b = Vector<float>.Build.Dense(100);
        b[0] = float.PositiveInfinity;
        Assert.Throws<ArgumentException>("b", () => SketchedLeastSquares.Solve(a, b, new() { Rows = 10 }));
        Assert.Throws<ArgumentException>("b", () => SketchedLeastSquares.Solve(a, Vector<float>.Build.Dense(99), new() { Rows = 10 }));
        Assert.Throws<ArgumentException>("a", () => SketchedLeastSquares.Factor(Matrix<float>.Build.Dense(3, 4)));
    }
}
