using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Sketching;

namespace Numerics.Core.Tests.Sketching;

/// <summary>
/// The ℓ∞ bound is a bound: |xᵢ − x*ᵢ| ≤ LinfBound[i] for every coordinate checked, with no slack
/// added by the test, against the generator's exact x* (the rounding of generating A is inside the
/// bound's rounding term, as the rounding of any backward-stable solve would be).
/// </summary>
public class LinfBoundTests
{
    private sealed record Case(int Rows, int Columns, int SketchRows, SketchKind Kind, LeastSquaresMethod Method, double Condition, double Residual,
        double ScaleA = 1, double ScaleB = 1);

    private static IEnumerable<Case> Cases()
    {
        foreach (var condition in new[] { 1e2, 1e8 })
            foreach (var residual in new[] { 1e-6, 1.0 })
                yield return new Case(1500, 40, 160, SketchKind.Srht, LeastSquaresMethod.SketchAndSolve, condition, residual);
        yield return new Case(1500, 50, 53, SketchKind.Srht, LeastSquaresMethod.SketchAndSolve, 1e4, 1.0);   // m = 1.06d
        yield return new Case(1500, 50, 53, SketchKind.Gaussian, LeastSquaresMethod.SketchAndSolve, 1e4, 1.0);
        yield return new Case(1500, 40, 80, SketchKind.Gaussian, LeastSquaresMethod.SketchAndSolve, 1e12, 1e-3);
        foreach (var condition in new[] { 1e4, 1e12 })
            yield return new Case(1500, 40, 160, SketchKind.Srht, LeastSquaresMethod.SketchAndPrecondition, condition, 1e-8);
        foreach (var (sa, sb) in new[] { (1e300, 1e300), (1e-300, 1e-300), (1e306, 1.0), (1e-300, 1.0) })
            yield return new Case(1500, 40, 160, SketchKind.Srht, LeastSquaresMethod.SketchAndSolve, 1e4, 1.0, sa, sb);
    }

    [Fact]
    public void The_bound_is_never_violated_over_ten_thousand_coordinates_including_m_1_06d_and_extreme_scalings()
    {
        int checks = 0, solves = 0;
        var violations = new List<string>();
        var slack = new List<double>();
        foreach (var c in Cases())
            foreach (var coherence in new[] { Coherence.Incoherent, Coherence.SemiCoherent, Coherence.Coherent })
                for (int seed = 0; seed < 7; seed++)
                {
                    var p = LeastSquaresTestProblem.Generate(c.Rows, c.Columns, coherence, c.Condition, c.Residual, (ulong)(500 + solves));
                    var r = SketchedLeastSquares.Solve(p.A * c.ScaleA, p.B * c.ScaleB, new SketchedLeastSquaresOptions
                    {
                        Method = c.Method, Sketch = c.Kind, Rows = c.SketchRows, Seed = (ulong)(solves++), Certificate = true,
                    });
                    if (r.LinfBound is null)
                    {
                        Assert.True(r.RankDeficient, $"{c}: no bound on a full-rank sketch");
                        continue;
                    }
                    Assert.Equal(SketchedLeastSquaresOptions.DefaultCertificateFailureProbability, r.CertificateFailureProbability);
                    // A·sa, b·sb: the solution is x*·sb/sa.
                    var xStar = p.XStar * (c.ScaleB / c.ScaleA);
                    if (c.Condition <= 1e4 && c.SketchRows >= 2 * c.Columns) slack.Add(r.LinfBound.Max() / (r.X - xStar).InfinityNorm());
                    for (int i = 0; i < c.Columns; i++)
                    {
                        double bound = r.LinfBound[i], error = Math.Abs(r.X[i] - xStar[i]);
                        Assert.True(double.IsFinite(bound) && bound > 0, $"{c} {coherence}: bound {bound}");
                        checks++;
                        if (!(error <= bound)) violations.Add($"{c} {coherence} seed {seed} coordinate {i}: |error| {error:E3} > bound {bound:E3}");
                    }
                }
        Assert.True(violations.Count == 0, string.Join("\n", violations.Take(20)));
        Assert.True(checks >= 10_000, $"only {checks} coordinate checks");
        // Not vacuous: on well-conditioned, well-sketched cases the bound stays within 1000× the error (measured: median 3.1e2, 90th percentile 2.5e3).
        slack.Sort();
        Assert.True(slack[slack.Count / 2] <= 1000, $"median slack {slack[slack.Count / 2]:E2}");
    }

    [Fact]
    public void Scaling_A_by_powers_of_ten_gives_finite_positive_bounds_that_scale_with_x()
    {
        var p = LeastSquaresTestProblem.Generate(1000, 20, Coherence.Incoherent, 1e3, 1.0, seed: 61);
        var options = new SketchedLeastSquaresOptions { Rows = 80, Seed = 2, Certificate = true };
        var reference = SketchedLeastSquares.Solve(p.A, p.B, options);
        foreach (var scale in new[] { 1e300, 1e-300, 1e306 })
        {
            var r = SketchedLeastSquares.Solve(p.A * scale, p.B, options);
            for (int i = 0; i < 20; i++)
            {
                // x scales by 1/scale; so does the bound (up to the rounding of A·scale, 1e-12 relative).
                Assert.Equal(reference.LinfBound![i], r.LinfBound![i] * scale, 1e-6 * reference.LinfBound[i]);
                Assert.Equal(reference.X[i], r.X[i] * scale, 1e-9 * Math.Abs(reference.X[i]) + 1e-12);
            }
            Assert.Equal(reference.Rank, r.Rank);
            Assert.Equal(reference.ResidualNorm, r.ResidualNorm, 1e-9 * reference.ResidualNorm);
        }
    }

    [Fact]
    public void Cancellation_is_honoured_inside_the_certificate()
    {
        var p = LeastSquaresTestProblem.Generate(5000, 10, seed: 62);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var r = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Rows = 40, Certificate = true, CancellationToken = cts.Token });
        Assert.Equal(SolverStatus.Cancelled, r.Status);
        Assert.Null(r.LinfBound);
        Assert.Null(r.CertificateFailureProbability);
    }

    [Fact]
    public void A_bigger_failure_probability_gives_a_tighter_bound_and_a_bad_probability_is_rejected()
    {
        var p = LeastSquaresTestProblem.Generate(1000, 20, seed: 63);
        var strict = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Rows = 80, Certificate = true });
        var loose = SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Rows = 80, Certificate = true, CertificateFailureProbability = 0.1 });
        Assert.True(loose.LinfBound!.Max() < strict.LinfBound!.Max());
        Assert.Throws<ArgumentException>("options", () => SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { CertificateFailureProbability = 0 }));
        Assert.Throws<ArgumentException>("options", () => SketchedLeastSquares.Solve(p.A, p.B, new SketchedLeastSquaresOptions { Certificate = true, CertificateRows = 19 }));
    }
}
