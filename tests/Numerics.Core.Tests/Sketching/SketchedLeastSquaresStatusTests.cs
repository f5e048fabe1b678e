using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Sketching;

namespace Numerics.Core.Tests.Sketching;

/// <summary>Sketch-and-precondition's status against an independent recomputation of Paige and Saunders' tests on A.</summary>
public class SketchedLeastSquaresStatusTests
{
    private const double U = 1.1102230246251565e-16;

    /// <summary>
    /// Test 1 and test 2 as the test recomputes them with the true ‖A‖₂ (dense SVD): the solver uses
    /// ‖A·v‖ ≤ ‖A‖₂, so a test that held there holds here a fortiori, up to the rounding of this
    /// evaluation itself, √n·u·(‖A‖·‖x‖ + ‖b‖)/‖r‖ relative (returned as Noise, 10× that).
    /// </summary>
    private static (bool Test1, bool Test2, double Relative, double Noise) Independent(LeastSquaresTestProblem p, LeastSquaresResult result, double tolerance)
    {
        int n = p.A.RowCount;
        double normA = Lapack.Svd(p.A, SvdVectors.None).S[0];
        var r = p.B - p.A * result.X;
        double rNorm = r.L2Norm(), g = p.A.TransposeThisAndMultiply(r).L2Norm();
        double evaluation = Math.Sqrt(n) * U * normA * (normA * result.X.L2Norm() + p.B.L2Norm());
        double relative = g / (normA * rNorm), noise = 10 * evaluation / (normA * rNorm);
        bool test1 = rNorm <= tolerance * (p.B.L2Norm() + normA * result.X.L2Norm()) * (1 + 1e-8) + 10 * Math.Sqrt(n) * U * (p.B.L2Norm() + normA * result.X.L2Norm());
        bool test2 = relative <= tolerance + noise;
        return (test1, test2, relative, noise);
    }

    [Theory]
    [InlineData(1e4)]
    [InlineData(1e12)]
    public void The_issue_probes_report_their_true_status(double condition)
    {
        // The issue's probes: ‖r‖ = 1e-8, tolerance 1e-14 requested literally. ‖Aᵀr‖/(‖A‖‖r‖) cannot be
        // evaluated below ~√n·u·‖b‖/‖r‖ ≈ 1e-7 here and ‖r*‖ = 1e-8 ≫ 1e-14·‖b‖, so Converged would be a false claim.
        var p = LeastSquaresTestProblem.Generate(3000, 40, Coherence.Incoherent, condition, residualNorm: 1e-8, seed: 41);
        var options = new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.SketchAndPrecondition, Rows = 160, Seed = 4, Tolerance = 1e-14 };
        var literal = SketchedLeastSquares.Solve(p.A, p.B, options);
        var (test1, test2, relative, _) = Independent(p, literal, 1e-14);
        Assert.NotEqual(SolverStatus.Converged, literal.Status);
        Assert.Equal(SolverStatus.Stalled, literal.Status);
        Assert.True(relative > 1e-14, $"recomputed relative normal residual {relative:E3}");
        Assert.True(literal.RelativeNormalResidual > 1e-14);             // the reached value is reported
        Assert.True(literal.Iterations <= SketchedLeastSquaresOptions.DefaultMaxIterations);

        // A tolerance above the evaluation noise is met, and the status says which test held.
        var loose = SketchedLeastSquares.Solve(p.A, p.B, options with { Tolerance = 1e-6 });
        Assert.Equal(SolverStatus.Converged, loose.Status);
        var (t1, t2, _, _) = Independent(p, loose, 1e-6);
        Assert.True(loose.StopTest == LsqrStopTest.Residual ? t1 : t2, $"{loose.StopTest}");
    }

    [Fact]
    public void Converged_always_meets_the_tolerance_on_the_recomputed_normal_residual_over_the_sweep()
    {
        // 1e-10: the issue's target accuracy for sketch-and-precondition.
        const double tolerance = 1e-10;
        int converged = 0, cases = 0;
        var failures = new List<string>();
        foreach (var coherence in new[] { Coherence.Incoherent, Coherence.SemiCoherent, Coherence.Coherent })
            foreach (var condition in new[] { 1.0, 1e4, 1e8, 1e12 })
                foreach (var residual in new[] { 1e-8, 1.0, 1e3 })
                {
                    ulong seed = (ulong)(100 + cases++);
                    var p = LeastSquaresTestProblem.Generate(1200, 24, coherence, condition, residual, seed);
                    var result = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions
                    {
                        Method = LeastSquaresMethod.SketchAndPrecondition, Rows = 96, Seed = seed, Tolerance = tolerance,
                    });
                    var (test1, test2, relative, noise) = Independent(p, result, tolerance);
                    string label = $"{coherence} κ={condition:E0} ‖r‖={residual:E0}: {result.Status}/{result.StopTest}, reported {result.RelativeNormalResidual:E2}, recomputed {relative:E2} (noise {noise:E1})";
                    if (result.Status != SolverStatus.Converged)
                    {
                        // Not converged: the reported value says why (above the tolerance).
                        if (!(result.RelativeNormalResidual > tolerance)) failures.Add(label);
                        continue;
                    }
                    converged++;
                    bool held = result.StopTest switch
                    {
                        LsqrStopTest.Residual => test1,
                        LsqrStopTest.NormalResidual => test2,
                        _ => false,
                    };
                    if (!held) failures.Add(label);
                }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        // The sweep must exercise both outcomes: well-posed cases converge, noise-bound ones do not.
        Assert.InRange(converged, 12, cases - 1);
    }

    /// <summary>
    /// The scale report's generator: Gaussian A (n×d), x = (1, …, 1), b = A·x + σ·noise. At d = 256 the
    /// old default (4·√n·u) lay below what even QR's answer shows on the recomputed test.
    /// </summary>
    internal static (Matrix<double> A, Vector<double> B) GaussianProblem(int n, int d, double sigma)
    {
        var values = new double[(long)n * d];
        new Numerics.Random.CounterRng(7).FillNormal(values, 0);
        var a = Matrix<double>.Build.Dense(n, d, values);
        var noise = new double[n];
        new Numerics.Random.CounterRng(8).FillNormal(noise, 0);
        return (a, a * Vector<double>.Build.Dense(d, 1.0) + sigma * Vector<double>.Build.Dense(noise));
    }

    /// <summary>‖Aᵀr‖/(‖A‖₂‖r‖) and the rounding unit u·(‖b‖ + ‖A‖₂‖x‖)/‖r‖, recomputed with the dense SVD's ‖A‖₂.</summary>
    internal static (double Relative, double Unit) RecomputedNormal(Matrix<double> a, Vector<double> b, Vector<double> x)
    {
        double normA = Lapack.Svd(a, SvdVectors.None).S[0];
        var r = b - a * x;
        return (a.TransposeThisAndMultiply(r).L2Norm() / (normA * r.L2Norm()), U * (b.L2Norm() + normA * x.L2Norm()) / r.L2Norm());
    }

    [Fact]
    public void At_d_256_an_answer_as_accurate_as_QR_is_Converged_under_the_default_tolerance()
    {
        var (a, b) = GaussianProblem(4096, 256, 0.1);
        var qr = SketchedLeastSquares.Solve(a, b, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Qr });
        var pre = SketchedLeastSquares.Solve(a, b, new SketchedLeastSquaresOptions
        {
            Method = LeastSquaresMethod.SketchAndPrecondition, Sketch = SketchKind.CountSketch, Rows = 1024, Seed = 1,
        });
        // As accurate as QR: the same x to a few ulps (κ(A) ≈ 1.7), and a recomputed normal residual
        // no worse than QR's by more than rounding.
        Assert.True((pre.X - qr.X).L2Norm() <= 1e-13 * qr.X.L2Norm(), $"‖x − x_QR‖/‖x_QR‖ = {(pre.X - qr.X).L2Norm() / qr.X.L2Norm():E2}");
        var (relative, unit) = RecomputedNormal(a, b, pre.X);
        var (qrRelative, _) = RecomputedNormal(a, b, qr.X);
        Assert.True(relative <= 2 * qrRelative + 4 * unit, $"LSQR {relative:E2}, QR {qrRelative:E2}");
        // The old default, 4·√n·u = 2.8e-14, is below both: the recomputed test cannot reach it.
        Assert.True(relative > LsqrOptions.DefaultToleranceFor(4096) && qrRelative > LsqrOptions.DefaultToleranceFor(4096), $"{relative:E2} {qrRelative:E2}");
        Assert.Equal(SolverStatus.Converged, pre.Status);
        Assert.Equal(LsqrStopTest.NormalResidual, pre.StopTest);
        // The floor that earned it holds independently, with the true ‖A‖₂.
        Assert.True(relative <= SketchedLeastSquares.RoundingFloorFactor * unit, $"{relative:E2} > {SketchedLeastSquares.RoundingFloorFactor}·{unit:E2}");
        // An explicit tolerance is literal: the same solve asked for 1e-14 is Stalled, with the value it reached.
        var literal = SketchedLeastSquares.Solve(a, b, new SketchedLeastSquaresOptions
        {
            Method = LeastSquaresMethod.SketchAndPrecondition, Sketch = SketchKind.CountSketch, Rows = 1024, Seed = 1, Tolerance = 1e-14,
        });
        Assert.Equal(SolverStatus.Stalled, literal.Status);
        Assert.True(literal.RelativeNormalResidual > 1e-14);
    }

    [Theory]
    [InlineData(256, 0.1)]
    [InlineData(64, 1e-6)]
    public void A_capped_run_is_still_MaxIterations_under_the_default_tolerance(int d, double sigma)
    {
        var (a, b) = GaussianProblem(4096, d, sigma);
        var capped = SketchedLeastSquares.Solve(a, b, new SketchedLeastSquaresOptions
        {
            Method = LeastSquaresMethod.SketchAndPrecondition, Sketch = SketchKind.CountSketch, Rows = 4 * d, Seed = 1, MaxIterations = 10,
        });
        Assert.Equal(SolverStatus.MaxIterations, capped.Status);
        Assert.Equal(LsqrStopTest.None, capped.StopTest);
        var (relative, unit) = RecomputedNormal(a, b, capped.X);
        Assert.True(relative > 100 * SketchedLeastSquares.RoundingFloorFactor * unit, $"{relative:E2} vs unit {unit:E2}");
        Assert.True(relative > 100 * SketchedLeastSquares.EvaluationFloorFactor * Math.Sqrt(4096.0 * d) * U, $"{relative:E2}");
    }

    [Theory]
    [InlineData(1e6, 7e-11, 3)]
    [InlineData(1e10, 7e-13, 1)]
    public void A_capped_run_on_a_nearly_consistent_problem_is_not_Converged_by_the_rounding_floor(double condition, double residualNorm, int cap)
    {
        // ‖r*‖/‖b‖ ≈ 1e-11…1e-13: the floor's relative level 32·u·(‖b‖ + ‖A‖‖x‖)/‖r‖ is ~1e-3, which a
        // capped run's ‖Aᵀr‖/(‖A‖‖r‖) reaches after one to three iterations while x is still 50–90 times
        // further from x* than QR's answer. The floor certifies finished runs only.
        var p = LeastSquaresTestProblem.Generate(3000, 40, Coherence.Incoherent, condition, residualNorm, seed: 5);
        var options = new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.SketchAndPrecondition, Seed = 3 };
        var qr = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Qr });
        double qrError = (qr.X - p.XStar).L2Norm();
        var capped = SketchedLeastSquares.Solve(p.A, p.B, options with { MaxIterations = cap });
        double cappedError = (capped.X - p.XStar).L2Norm();
        Assert.True(cappedError > 10 * qrError, $"capped {cappedError:E2}, QR {qrError:E2}");   // genuinely unfinished
        Assert.Equal(SolverStatus.MaxIterations, capped.Status);
        Assert.Equal(LsqrStopTest.None, capped.StopTest);
        // The finished run still earns Converged through the floor, as accurate as QR.
        var full = SketchedLeastSquares.Solve(p.A, p.B, options);
        Assert.Equal(SolverStatus.Converged, full.Status);
        Assert.True((full.X - p.XStar).L2Norm() <= 2 * qrError, $"full {(full.X - p.XStar).L2Norm():E2}, QR {qrError:E2}");
    }
}
