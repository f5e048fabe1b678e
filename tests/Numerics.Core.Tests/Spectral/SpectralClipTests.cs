using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Spectral;
using Numerics.Testing;
using static Numerics.Core.Tests.Spectral.SpectralCheck;

namespace Numerics.Core.Tests.Spectral;

public class SpectralClipTests
{
    /// <summary>The default tolerance of double (NewtonSchulz.DefaultTolerance).</summary>
    private const double Tol64 = 1e-12;

    /// <summary>The default tolerance of float.</summary>
    private const double Tol32 = 1e-5;

    /// <summary>
    /// The eigen path against the SVD oracle on well-conditioned inputs (σ ∈ [1, 2]·s): one Gram
    /// product, one syevd and two products in double, each a few k·u relative for k ≤ 40, so
    /// ≈ 1e-14; 1e-13 keeps a factor of a few. It does not grow with α because g(λ) is evaluated
    /// without forming 1 + λ/c².
    /// </summary>
    private const double EigenRelative = 1e-13;

    /// <summary>
    /// A tolerance double can certify at α ≈ 1e4 with k ≤ 60: the documented floor u·α·k is then
    /// ≈ 7e-11, so 1e-9 lies above it by a factor of 15.
    /// </summary>
    private const double ReachableTolerance = 1e-9;

    private static readonly SpectralClipOptions PureNewtonSchulz = new() { Fallback = false };

    /// <summary>max_i |uᵢᵀ·H·vᵢ − f(σᵢ)|/f(σᵢ) and the off-diagonal leakage ‖UᵀHV − diag‖_F/‖f‖.</summary>
    private static (double PerSigma, double Leakage) Errors(Matrix<double> h, Matrix<double> u, Matrix<double> v, double[] expected)
    {
        var core = u.TransposeThisAndMultiply(h) * v;
        double perSigma = 0, off = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            norm += expected[i] * expected[i];
            if (expected[i] > 0) perSigma = Math.Max(perSigma, Math.Abs(core[i, i] - expected[i]) / expected[i]);
            for (int j = 0; j < expected.Length; j++) if (i != j) off += core[i, j] * core[i, j];
        }
        return (perSigma, Math.Sqrt(off / Math.Max(norm, 1e-300)));
    }

    private static Matrix<double> Oracle(SpectralMode mode, Matrix<double> x, double c) => SpectralClip.Reference(mode, x, c).Value;

    private static double RelativeError(Matrix<double> h, Matrix<double> expected) =>
        (h - expected).FrobeniusNorm() / Math.Max(expected.FrobeniusNorm(), double.Epsilon);

    public static TheoryData<int, int, SoftClipSchedule> Shapes() => new()
    {
        { 40, 90, SoftClipSchedule.Adaptive }, { 90, 40, SoftClipSchedule.Adaptive }, { 50, 50, SoftClipSchedule.Coupled },
        { 1, 30, SoftClipSchedule.Adaptive }, { 30, 1, SoftClipSchedule.Coupled }, { 1, 1, SoftClipSchedule.Adaptive },
        { 64, 200, SoftClipSchedule.Coupled },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Soft_clip_matches_the_svd_oracle_per_singular_value_in_double(int m, int n, SoftClipSchedule schedule)
    {
        double c = 2.0;
        var sigma = LogSpaced(Math.Min(m, n), 1e-2 * c, 1e2 * c);   // α ≈ 1e4: needs ~15–20 coupled steps
        var (x, u, v) = Known(m, n, sigma, m * 7 + n);
        var r = SpectralClip.Apply(SpectralMode.Soft, x, c, new() { NewtonSchulz = new() { SoftSchedule = schedule } });
        var f = sigma.Select(s => SpectralClip.SoftValue(s, c)).ToArray();
        var (perSigma, leakage) = Errors(r.Value, u, v, f);
        Assert.True(r.Converged);
        Assert.True(perSigma <= Tolerances.SpectralBand * Tol64, $"per-σ error {perSigma:E2} after {r.Steps} steps by {r.Method}");
        Assert.True(leakage <= Tolerances.SpectralBand * Tol64, $"leakage {leakage:E2}");
        Assert.True(RelativeError(r.Value, Oracle(SpectralMode.Soft, x, c)) <= Tolerances.SpectralBand * Tol64);
        var s = Lapack.Svd(r.Value, SvdVectors.None).S;
        Assert.True(s[0] <= c * (1 + Tolerances.SpectralBand * Tol64));
        Assert.True(s[0] <= r.MaxSingularValueBound * (1 + Tolerances.SvdNormRounding));
        for (int i = 0; i < s.Count; i++) Assert.True(s[i] <= sigma[i] * (1 + Tolerances.SpectralBand * Tol64));   // never raised
    }

    [Fact]
    public void Adaptive_schedule_needs_fewer_steps_than_the_official_coupled_iteration()
    {
        var sigma = LogSpaced(60, 1e-2, 1e2);
        var (x, _, _) = Known(60, 150, sigma, 3);
        // α ≈ 1e4 and k = 60: u·α·k ≈ 7e-11, so double certifies 1e-9 here, not 1e-12.
        var coupled = SpectralClip.Apply(SpectralMode.Soft, x, 1.0, PureNewtonSchulz with { NewtonSchulz = new() { SoftSchedule = SoftClipSchedule.Coupled, Tolerance = ReachableTolerance } });
        var adaptive = SpectralClip.Apply(SpectralMode.Soft, x, 1.0, PureNewtonSchulz with { NewtonSchulz = new() { Tolerance = ReachableTolerance } });
        Assert.True(coupled.Converged && adaptive.Converged, $"coupled {coupled.Status}, adaptive {adaptive.Status}");
        Assert.InRange(coupled.Steps, 15, 30);
        Assert.True(adaptive.Steps <= coupled.Steps * 2 / 3, $"adaptive {adaptive.Steps} vs coupled {coupled.Steps}");
        Assert.True(RelativeError(adaptive.Value, coupled.Value) <= 2 * Tolerances.SpectralBand * ReachableTolerance);
    }

    [Theory]
    [InlineData(SoftClipSchedule.Adaptive)]
    [InlineData(SoftClipSchedule.Coupled)]
    public void Steps_predicted_from_alpha_converge_without_per_step_residuals(SoftClipSchedule schedule)
    {
        var sigma = LogSpaced(50, 1e-2, 1e2);
        var (x, u, v) = Known(50, 80, sigma, 21);
        // α ≈ 1e4 and k = 50: u·α·k ≈ 6e-11, so double certifies 1e-9 here, not 1e-12.
        var options = PureNewtonSchulz with { NewtonSchulz = new() { SoftSchedule = schedule, StepRule = StepRule.Predicted, Tolerance = ReachableTolerance } };
        var predicted = SpectralClip.Apply(SpectralMode.Soft, x, 1.0, options);
        Assert.True(predicted.Converged, $"{predicted.Status} after {predicted.Steps} steps, residual {predicted.Residual:E2}");
        // The run is exactly the predicted count for the α the library bounds (σ_max² ≤ ŝ ≤ k^{1/8}·σ_max²):
        // at least the count for the true α, at most the count for the widest bound.
        double alphaTrue = 1 + 1e4, alphaWide = 1 + Math.Pow(50, 0.125) * 1e4;
        Assert.InRange(predicted.Steps, NewtonSchulz.PredictedSteps(alphaTrue, schedule, ReachableTolerance), NewtonSchulz.PredictedSteps(alphaWide, schedule, ReachableTolerance) + 1);
        var (perSigma, _) = Errors(predicted.Value, u, v, sigma.Select(s => SpectralClip.SoftValue(s, 1.0)).ToArray());
        Assert.True(perSigma <= Tolerances.SpectralBand * ReachableTolerance, $"{perSigma:E2}");
        // At the default 1e-12 the same run cannot be certified (u·α·k > tol) and says so.
        var strict = SpectralClip.Apply(SpectralMode.Soft, x, 1.0, PureNewtonSchulz with { NewtonSchulz = new() { SoftSchedule = schedule, StepRule = StepRule.Predicted } });
        Assert.NotEqual(SolverStatus.Converged, strict.Status);
        // The scalar recurrence: α = 10 needs 6 coupled steps for 1e-3 (the research table), more for 1e-12.
        Assert.Equal(6, NewtonSchulz.PredictedSteps(10, SoftClipSchedule.Coupled, 5e-4));
        Assert.True(NewtonSchulz.PredictedSteps(1e4, SoftClipSchedule.Adaptive, 1e-12) < NewtonSchulz.PredictedSteps(1e4, SoftClipSchedule.Coupled, 1e-12));
        Assert.Throws<ArgumentException>("alpha", () => NewtonSchulz.PredictedSteps(0.5, schedule, 1e-3));
    }

    [Fact]
    public void Official_ten_steps_undershoot_when_alpha_is_large_and_never_overshoot()
    {
        double c = 1;
        var sigma = LogSpaced(40, 1e-2, 1e2);                   // α ≈ 1e4
        var (x, u, v) = Known(40, 100, sigma, 5);
        var official = new NewtonSchulzOptions { SoftSchedule = SoftClipSchedule.Coupled, Steps = 10 };
        var r = SpectralClip.Apply(SpectralMode.Soft, x, c, PureNewtonSchulz with { NewtonSchulz = official });
        Assert.Equal(10, r.Steps);
        Assert.Equal(SolverStatus.MaxIterations, r.Status);       // the shortfall is reported, not hidden
        Assert.Equal(SpectralMethod.NewtonSchulz, r.Method);
        Assert.True(r.Residual > 2 * Tol64);
        var core = u.TransposeThisAndMultiply(r.Value) * v;
        var f = sigma.Select(s => SpectralClip.SoftValue(s, c)).ToArray();
        double worst = 0;
        for (int i = 0; i < f.Length; i++)
        {
            Assert.True(core[i, i] <= f[i] * (1 + Tolerances.SpectralBand * Tol64));     // shrinks only
            worst = Math.Max(worst, (f[i] - core[i, i]) / f[i]);
        }
        Assert.True(worst > 0.1, $"10 steps at α ≈ 1e4 should be far from converged, got {worst:E2}");
        Assert.True(Norm2(r.Value) <= r.MaxSingularValueBound * (1 + Tolerances.SvdNormRounding));
        // With the fallback on, the same options give the exact answer, and say how; Newton–Schulz gives
        // up before its first step, since α already shows that 1e-12 is below its rounding floor u·α·k.
        var fixedUp = SpectralClip.Apply(SpectralMode.Soft, x, c, new() { NewtonSchulz = official });
        Assert.True(fixedUp.Converged && fixedUp.FellBack);
        Assert.Equal(SpectralMethod.NewtonSchulz, fixedUp.RequestedMethod);
        Assert.Equal(0, fixedUp.Steps);
        Assert.True(RelativeError(fixedUp.Value, Oracle(SpectralMode.Soft, x, c)) <= Tolerances.SpectralBand * Tol64);
    }

    [Fact]
    public void Single_precision_meets_the_documented_tolerance()
    {
        double c = 1;
        var sigma = LogSpaced(48, 1e-1, 3e1);
        var (xd, _, _) = Known(48, 120, sigma, 9);
        var x = ToSingle(xd);
        var r = SpectralClip.Apply(SpectralMode.Soft, x, c);
        Assert.True(r.Converged);
        var problems = ConvergedViolations(SpectralMode.Soft, ToDouble(x), ToDouble(r.Value), c, Tol32, Tolerances.SingleEpsilon, 0);
        Assert.True(problems.Count == 0, $"{r.Method}: {string.Join("; ", problems)}");
    }

    [Fact]
    public void Pre_clip_scale_alpha_in_single_precision_is_reported_and_the_fallback_is_accurate()
    {
        // One spike of 500c on a bulk ≤ 10c, c = 0.1: α ≈ 2.5e5, beyond what fp32 resolves (u·α·k ≈ 0.5).
        double c = 0.1;
        var sigma = new[] { 500 * c }.Concat(LogSpaced(31, 1e-2 * c, 10 * c)).ToArray();
        var (xd, _, _) = Known(32, 64, sigma, 22);
        var x = ToSingle(xd);
        var stored = ToDouble(x);
        var pure = SpectralClip.Apply(SpectralMode.Soft, x, c, PureNewtonSchulz);
        Assert.NotEqual(SolverStatus.Converged, pure.Status);       // u·α·k > tol: cannot be certified
        var h = ToDouble(pure.Value);
        Assert.Empty(BoundViolations(pure.Status, pure.MaxSingularValueBound, h));
        var r = SpectralClip.Apply(SpectralMode.Soft, x, c);
        Assert.True(r.Converged && r.FellBack);
        var problems = ConvergedViolations(SpectralMode.Soft, stored, ToDouble(r.Value), c, Tol32, Tolerances.SingleEpsilon, 0);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        // fp64: u·α·k ≈ 9e-10 > 1e-12 as well, so Newton–Schulz reports it and the eigen path answers.
        var r64 = SpectralClip.Apply(SpectralMode.Soft, xd, c);
        Assert.True(r64.Converged);
        var problems64 = ConvergedViolations(SpectralMode.Soft, xd, r64.Value, c, Tol64, Tolerances.DoubleEpsilon, 0);
        Assert.True(problems64.Count == 0, string.Join("; ", problems64));
    }

    [Fact]
    public void Equivariance_transpose_and_scale_identities_hold()
    {
        double c = 0.7;
        var x = Matrix<double>.Build.Dense(30, 45, TestData.Random(30 * 45, 11));
        var h = SpectralClip.Apply(SpectralMode.Soft, x, c).Value;
        var q = Lapack.Qr(Matrix<double>.Build.Dense(30, 30, TestData.Random(900, 12))).Q;
        var rr = Lapack.Qr(Matrix<double>.Build.Dense(45, 45, TestData.Random(2025, 13))).Q;
        double scale = h.FrobeniusNorm();
        Assert.True((SpectralClip.Apply(SpectralMode.Soft, q * x * rr, c).Value - q * h * rr).FrobeniusNorm() <= 2 * Tolerances.SpectralBand * Tol64 * scale);
        Assert.True((SpectralClip.Apply(SpectralMode.Soft, x.Transpose(), c).Value - h.Transpose()).FrobeniusNorm() <= 2 * Tolerances.SpectralBand * Tol64 * scale);
        double t = 3.5;
        Assert.True((SpectralClip.Apply(SpectralMode.Soft, t * x, c).Value - t * SpectralClip.Apply(SpectralMode.Soft, x, c / t).Value).FrobeniusNorm() <= 2 * Tolerances.SpectralBand * Tol64 * t * scale);
    }

    [Theory]
    [InlineData(SpectralMode.Soft)]
    [InlineData(SpectralMode.Hard)]
    [InlineData(SpectralMode.Polar)]
    public void Transpose_equivariance_for_every_mode_and_method(SpectralMode mode)
    {
        var (x, _, _) = Known(12, 27, LogSpaced(12, 0.2, 5), 31);
        foreach (var method in new[] { SpectralMethod.NewtonSchulz, SpectralMethod.Eigen, SpectralMethod.Svd })
        {
            var a = SpectralClip.Apply(mode, x, 1.0, new() { Method = method });
            var b = SpectralClip.Apply(mode, x.Transpose(), 1.0, new() { Method = method });
            Assert.True(a.Converged && b.Converged);
            double scale = mode == SpectralMode.Polar ? 1 : 1.0;
            Assert.True((b.Value - a.Value.Transpose()).FrobeniusNorm() <= 2 * Tolerances.SpectralBand * Tol64 * scale * Math.Sqrt(12), $"{mode} {method}");
        }
    }

    [Theory]
    [InlineData(SpectralMode.Soft)]
    [InlineData(SpectralMode.Hard)]
    [InlineData(SpectralMode.Polar)]
    public void Zero_and_rank_deficient_inputs(SpectralMode mode)
    {
        var zero = Matrix<double>.Build.Dense(7, 4);
        var rz = SpectralClip.Apply(mode, zero, 1.0);
        Assert.Equal(0.0, rz.Value.FrobeniusNorm());
        Assert.Equal(0.0, rz.MaxSingularValueBound);
        var sigma = new[] { 5.0, 2.0, 0.3, 0, 0 };
        var (x, u, v) = Known(12, 5, sigma, 14);
        var r = SpectralClip.Apply(mode, x, 1.0);
        Assert.True(r.Converged);
        var expected = mode switch
        {
            SpectralMode.Soft => sigma.Select(s => SpectralClip.SoftValue(s, 1.0)).ToArray(),
            SpectralMode.Hard => sigma.Select(s => Math.Min(s, 1.0)).ToArray(),
            _ => sigma.Select(s => s > 0 ? 1.0 : 0.0).ToArray(),
        };
        var oracle = u * Matrix<double>.Build.DenseOfDiagonalArray(expected) * v.Transpose();
        // Per direction 10·tol (relative to f, or to c for the hard clip); the polar factor's null
        // directions may keep up to √(2·tol) (its certificate cannot tell them from small ones).
        var problems = ConvergedViolations(mode, x, r.Value, 1.0, Tol64, Tolerances.DoubleEpsilon, 1e-10);
        Assert.True(problems.Count == 0, $"{mode} by {r.Method} after {r.Steps} steps: {string.Join("; ", problems)}");
        if (mode != SpectralMode.Polar)
            Assert.True((r.Value - oracle).FrobeniusNorm() <= Tolerances.SpectralBand * Tol64 * Math.Sqrt(5), $"{mode}: {(r.Value - oracle).FrobeniusNorm():E2}");
    }

    [Fact]
    public void Polar_factor_schedules()
    {
        var sigma = LogSpaced(40, 1e-3, 1);
        var (x, u, v) = Known(40, 70, sigma, 15);
        var exact = u * v.Transpose();
        var converged = SpectralClip.Apply(SpectralMode.Polar, x, 1, PureNewtonSchulz);
        Assert.True(converged.Converged);
        var problems = ConvergedViolations(SpectralMode.Polar, x, converged.Value, 1, Tol64, Tolerances.DoubleEpsilon, 0);
        Assert.True(problems.Count == 0, string.Join("; ", problems));
        var svd = SpectralClip.Apply(SpectralMode.Polar, x, 1, new() { Method = SpectralMethod.Svd });
        Assert.True(RelativeError(svd.Value, exact) <= Tolerances.SpectralBand * Tol64);
        // The fixed schedules run their own steps and report that they did not reach 1e-12. Over
        // σ ∈ [1e-2, 1] every output singular value lies in the schedule's band.
        var (y, uy, vy) = Known(40, 70, LogSpaced(40, 1e-2, 1), 16);
        foreach (var (schedule, steps, lo, hi) in new[] { (PolarSchedule.Muon, 5, 0.6, 1.25), (PolarSchedule.PolarExpress, 5, 0.8, 1.2), (PolarSchedule.PolarExpress, 3, 0.0, 1.25) })
        {
            var options = PureNewtonSchulz with { NewtonSchulz = new() { PolarSchedule = schedule, Steps = steps } };
            var r = SpectralClip.Apply(SpectralMode.Polar, y, 1, options);
            Assert.Equal(steps, r.Steps);
            Assert.Equal(SolverStatus.MaxIterations, r.Status);
            Assert.Equal(SpectralMethod.NewtonSchulz, r.Method);
            var diag = (uy.TransposeThisAndMultiply(r.Value) * vy).Diagonal();
            if (steps == 5) Assert.All(diag, d => Assert.InRange(d, lo, hi));
            Assert.True(Norm2(r.Value) <= r.MaxSingularValueBound * (1 + Tolerances.SvdNormRounding));
            var fixedUp = SpectralClip.Apply(SpectralMode.Polar, y, 1, options with { Fallback = true });
            Assert.True(fixedUp.Converged && fixedUp.FellBack);
            Assert.True(RelativeError(fixedUp.Value, uy * vy.Transpose()) <= Tolerances.SpectralBand * Tol64);
        }
    }

    [Fact]
    public void Hard_clip_matches_the_oracle_is_idempotent_and_is_the_identity_inside_the_ball()
    {
        double c = 1;
        var sigma = new[] { 8.0, 4, 2.5, 1.6, 0.7, 0.4, 0.2, 0.05 };
        var (x, u, v) = Known(8, 20, sigma, 16);
        double allowed = Tolerances.SpectralBand * Tol64 * c * Math.Sqrt(8);     // 10·tol·c per direction
        foreach (var method in new[] { SpectralMethod.NewtonSchulz, SpectralMethod.Eigen })
        {
            var options = new SpectralClipOptions { Method = method };
            var r = SpectralClip.Apply(SpectralMode.Hard, x, c, options);
            Assert.True(r.Converged);
            var oracle = u * Matrix<double>.Build.DenseOfDiagonalArray(sigma.Select(s => Math.Min(s, c)).ToArray()) * v.Transpose();
            Assert.True((r.Value - oracle).FrobeniusNorm() <= allowed, $"{method}: {(r.Value - oracle).FrobeniusNorm():E2}");
            Assert.True((SpectralClip.Apply(SpectralMode.Hard, r.Value, c, options).Value - r.Value).FrobeniusNorm() <= 2 * allowed, $"{method}: not idempotent");
            var inside = 0.5 * x / sigma[0];
            Assert.True((SpectralClip.Apply(SpectralMode.Hard, inside, c, options).Value - inside).FrobeniusNorm() <= allowed, $"{method}: not the identity inside the ball");
            Assert.True((SpectralClip.Apply(SpectralMode.Hard, x.Transpose(), c, options).Value - oracle.Transpose()).FrobeniusNorm() <= allowed);
        }
    }

    [Theory]
    [InlineData(SpectralMode.Soft)]
    [InlineData(SpectralMode.Hard)]
    public void A_huge_clip_level_gives_the_input_back(SpectralMode mode)
    {
        var x = Matrix<double>.Build.Dense(9, 14, TestData.Random(9 * 14, 41));
        foreach (double c in new[] { 1e9, 1e200 })
            foreach (var method in new[] { SpectralMethod.NewtonSchulz, SpectralMethod.Eigen, SpectralMethod.Svd })
            {
                var r = SpectralClip.Apply(mode, x, c, new() { Method = method });
                Assert.True(r.Converged);
                // f(σ) = σ(1 − σ²/2c² + …): at c ≥ 1e9·σ_max the change is below the double rounding of X.
                // The Newton–Schulz hard clip is accurate to tol·c absolutely (it subtracts terms of size c):
                // its answer is X only to 10·tol·c per direction.
                Assert.All(r.Value.Enumerate(), value => Assert.True(double.IsFinite(value)));
                if (mode == SpectralMode.Hard && r.Method == SpectralMethod.NewtonSchulz)
                {
                    // Largest entry of the error, a lower bound on its spectral norm (no squares of c·u to overflow).
                    double worst = (r.Value - x).Enumerate().Max(Math.Abs);
                    Assert.True(worst <= Tolerances.SpectralBand * Tol64 * c, $"hard Newton–Schulz c = {c:E0}: error entry {worst:E2}");
                }
                else Assert.True(RelativeError(r.Value, x) <= Tolerances.SpectralBand * Tol64, $"{mode} {r.Method} c = {c:E0}: {RelativeError(r.Value, x):E2}");
            }
    }

    // ---- Regressions for inputs that earlier versions got wrong ----

    [Fact]
    public void Close_singular_values_below_c_converge_accurately()
    {
        // 2×5, σ = (0.45, 0.4499), c = 1: an earlier stopping test declared convergence too early.
        var sigma = new[] { 0.45, 0.4499 };
        var (x, u, v) = Known(2, 5, sigma, 51);
        var f = sigma.Select(s => SpectralClip.SoftValue(s, 1)).ToArray();
        var r = SpectralClip.Apply(SpectralMode.Soft, x, 1.0);
        Assert.True(r.Converged);
        var (perSigma, _) = Errors(r.Value, u, v, f);
        Assert.True(perSigma <= Tolerances.SpectralBand * Tol64, $"{r.Method}: per-σ {perSigma:E2}");
        var pure = SpectralClip.Apply(SpectralMode.Soft, x, 1.0, PureNewtonSchulz);
        if (pure.Converged)
        {
            var (pureError, _) = Errors(pure.Value, u, v, f);
            Assert.True(pureError <= Tolerances.SpectralBand * Tol64, $"Newton–Schulz claims convergence with per-σ error {pureError:E2}");
        }
    }

    [Fact]
    public void Polar_factor_of_a_small_direction_maps_it_to_one()
    {
        var x = Matrix<double>.Build.DenseOfDiagonalArray([1, 1e-5]);
        foreach (var options in new[] { new SpectralClipOptions(), PureNewtonSchulz })
        {
            var r = SpectralClip.Apply(SpectralMode.Polar, x, 1.0, options);
            Assert.True(r.Converged, $"{r.Status}");
            Assert.True(Math.Abs(r.Value[1, 1] - 1) <= Tolerances.SpectralBand * Tol64, $"σ₂ ↦ {r.Value[1, 1]:R} by {r.Method}");
            Assert.True((r.Value - Matrix<double>.Build.DenseIdentity(2)).FrobeniusNorm() <= 2 * Tolerances.SpectralBand * Tol64);
        }
    }

    [Fact]
    public void Hard_clip_with_a_singular_value_at_c_matches_the_oracle()
    {
        var sigma = new[] { 3, 1, 0.5, 1e-5 };
        var (x, _, _) = Known(4, 9, sigma, 52);
        var r = SpectralClip.Apply(SpectralMode.Hard, x, 1.0);
        Assert.True(r.Converged);
        double error = Norm2(r.Value - Oracle(SpectralMode.Hard, x, 1.0));
        Assert.True(error <= Tolerances.SpectralBand * Tol64, $"‖H − oracle‖₂ = {error:E2} by {r.Method}");
    }

    [Theory]
    [InlineData(SpectralMode.Soft)]
    [InlineData(SpectralMode.Hard)]
    [InlineData(SpectralMode.Polar)]
    public void Single_precision_rank_8_with_a_huge_alpha_is_never_silently_wrong(SpectralMode mode)
    {
        // fp32, rank 8, 32×128, σ_max = 1000, c = 0.1: α = 1e8 for the soft clip.
        double c = 0.1;
        var sigma = LogSpaced(8, 1, 1000).Concat(new double[24]).ToArray();
        var (xd, _, _) = Known(32, 128, sigma, 53);
        var x = ToSingle(xd);
        var stored = ToDouble(x);
        var pure = SpectralClip.Apply(mode, x, c, PureNewtonSchulz);
        var h = ToDouble(pure.Value);
        Assert.Empty(BoundViolations(pure.Status, pure.MaxSingularValueBound, h));
        if (pure.Status != SolverStatus.Breakdown) Assert.All(h.Enumerate(), v => Assert.True(double.IsFinite(v)));
        // The generator's zeros sit near u_T·σ_max once stored in float; 1e-5·σ_max separates them from σ_min = 1.
        const double nullLevel = 1e-5;
        if (pure.Converged)
        {
            var problems = ConvergedViolations(mode, stored, h, c, Tol32, Tolerances.SingleEpsilon, nullLevel);
            Assert.True(problems.Count == 0, "pure Newton–Schulz: " + string.Join("; ", problems));
        }
        var r = SpectralClip.Apply(mode, x, c);
        Assert.True(r.Converged);
        var hr = ToDouble(r.Value);
        Assert.All(hr.Enumerate(), v => Assert.True(double.IsFinite(v)));
        var fallbackProblems = ConvergedViolations(mode, stored, hr, c, Tol32, Tolerances.SingleEpsilon, nullLevel);
        Assert.True(fallbackProblems.Count == 0, $"{r.Method}: " + string.Join("; ", fallbackProblems));
    }

    [Fact]
    public void Huge_inputs_and_tiny_clip_levels_stay_finite()
    {
        var (x, _, _) = Known(6, 9, LogSpaced(6, 0.5, 2), 54);
        double t = 1e160;
        var big = t * x;
        var r = SpectralClip.Apply(SpectralMode.Soft, big, 1.0);
        Assert.True(r.Converged);
        Assert.All(r.Value.Enumerate(), v => Assert.True(double.IsFinite(v)));
        // H_c(tX) = t·H_{c/t}(X).
        var expected = t * Oracle(SpectralMode.Soft, x, 1.0 / t);
        Assert.True(RelativeError(r.Value, expected) <= Tolerances.SpectralBand * Tol64, $"{RelativeError(r.Value, expected):E2} by {r.Method}");
        Assert.True(Norm2(r.Value) <= r.MaxSingularValueBound * (1 + Tolerances.SvdNormRounding));
        foreach (var mode in new[] { SpectralMode.Soft, SpectralMode.Hard })
        {
            double c = 1e-170;
            var tiny = SpectralClip.Apply(mode, x, c);
            Assert.True(tiny.Converged, $"{mode}: {tiny.Status}");
            Assert.True(double.IsFinite(tiny.MaxSingularValueBound), $"{mode}: bound {tiny.MaxSingularValueBound}");
            Assert.All(tiny.Value.Enumerate(), v => Assert.True(double.IsFinite(v)));
            double top = Norm2(tiny.Value);
            Assert.True(top <= tiny.MaxSingularValueBound * (1 + Tolerances.SvdNormRounding));
            Assert.True(top <= c * (1 + Tolerances.SpectralBand * Tol64), $"{mode}: ‖H‖₂ = {top / c:R}·c");
        }
    }

    [Theory]
    [InlineData(1e4, false)]
    [InlineData(1e6, false)]
    [InlineData(1e12, false)]
    [InlineData(1e16, false)]
    [InlineData(1e4, true)]
    [InlineData(1e6, true)]
    public void Hard_clip_far_outside_the_ball_stays_inside_it(double ratio, bool single)
    {
        double c = 0.5;
        var (xd, _, _) = Known(10, 24, LogSpaced(10, ratio * c / 4, ratio * c), 55);
        double tol = single ? Tol32 : Tol64, u = single ? Tolerances.SingleEpsilon : Tolerances.DoubleEpsilon;
        var (status, bound, h) = single
            ? Run(ToSingle(xd))
            : Run(xd);
        Assert.Equal(SolverStatus.Converged, status);
        double top = Norm2(h);
        // c(1 + 10·tol), plus the rounding of the stored result in T (a·u_T·k·c).
        Assert.True(top <= c * (1 + Tolerances.SpectralBand * tol) + Tolerances.SpectralOutputRounding * u * 10 * c, $"‖H‖₂ = {top / c:R}·c");
        Assert.True(top <= bound * (1 + Tolerances.SvdNormRounding), $"bound {bound:R} < ‖H‖₂ = {top:R}");

        (SolverStatus, double, Matrix<double>) Run<T>(Matrix<T> x) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var r = SpectralClip.Apply(SpectralMode.Hard, x, c);
            return (r.Status, r.MaxSingularValueBound, ToDouble(r.Value));
        }
    }

    [Fact]
    public void Pure_newton_schulz_hard_clip_far_outside_the_ball_is_not_certified()
    {
        double c = 0.5;
        var (x, _, _) = Known(10, 24, LogSpaced(10, 1e12 * c / 4, 1e12 * c), 56);
        var r = SpectralClip.Apply(SpectralMode.Hard, x, c, PureNewtonSchulz);
        Assert.NotEqual(SolverStatus.Converged, r.Status);        // tol·c/(2‖X‖_F) is below the rounding floor
        Assert.Equal(SpectralMethod.NewtonSchulz, r.Method);
        if (r.Status != SolverStatus.Breakdown) Assert.True(Norm2(r.Value) <= r.MaxSingularValueBound * (1 + Tolerances.SvdNormRounding));
    }

    [Fact]
    public void Options_that_cannot_be_honoured_are_rejected()
    {
        var x = Matrix<double>.Build.Dense(3, 4, TestData.Random(12, 57));
        void Rejects(SpectralMode mode, NewtonSchulzOptions ns) =>
            Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(mode, x, 1, new() { NewtonSchulz = ns }));
        Rejects(SpectralMode.Polar, new() { PolarSchedule = PolarSchedule.PolarExpress, Steps = 0 });
        Rejects(SpectralMode.Polar, new() { PolarSchedule = PolarSchedule.PolarExpress, Steps = 6 });
        for (int steps = 1; steps <= 5; steps++)
            Assert.Equal(steps, SpectralClip.Apply(SpectralMode.Polar, x, 1, new() { NewtonSchulz = new() { PolarSchedule = PolarSchedule.PolarExpress, Steps = steps } }).Steps);
        Rejects(SpectralMode.Polar, new() { Steps = 5 });                                    // converged polar stops on its certificate
        Rejects(SpectralMode.Hard, new() { Steps = 10 });                                    // two converged sign iterations
        Rejects(SpectralMode.Polar, new() { PolarSchedule = PolarSchedule.Muon, Steps = 9, MaxIterations = 8 });
        Rejects(SpectralMode.Polar, new() { PolarSchedule = PolarSchedule.Muon, Steps = 0 });
        foreach (var mode in new[] { SpectralMode.Soft, SpectralMode.Hard, SpectralMode.Polar })
            foreach (double c in new[] { -1, 0, double.NaN, double.PositiveInfinity, double.NegativeInfinity })
                foreach (var method in new[] { SpectralMethod.NewtonSchulz, SpectralMethod.Eigen, SpectralMethod.Svd })
                    Assert.Throws<ArgumentException>("c", () => SpectralClip.Apply(mode, x, c, new() { Method = method }));
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var x = Matrix<double>.Build.Dense(3, 3, 1.0);
        var nan = x.Clone();
        nan[1, 1] = double.NaN;
        Assert.Throws<ArgumentException>("x", () => SpectralClip.Apply(SpectralMode.Soft, nan, 1));
        Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Soft, x, 1, new() { NewtonSchulz = new() { Steps = -1 } }));
        Assert.Throws<ArgumentException>("mode", () => SpectralClip.Apply((SpectralMode)7, x, 1));
        Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Soft, x, 1, new() { NewtonSchulz = null! }));
        Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Soft, x, 1, new() { Method = (SpectralMethod)9 }));
    }

    // ---- The exact eigen path ----

    [Theory]
    [InlineData(SpectralMode.Soft, 12, 30)]
    [InlineData(SpectralMode.Soft, 30, 12)]
    [InlineData(SpectralMode.Hard, 12, 30)]
    [InlineData(SpectralMode.Hard, 30, 12)]
    [InlineData(SpectralMode.Polar, 12, 30)]
    [InlineData(SpectralMode.Polar, 30, 12)]
    public void Eigen_path_matches_the_svd_oracle_for_every_alpha(SpectralMode mode, int m, int n)
    {
        var eigen = new SpectralClipOptions { Method = SpectralMethod.Eigen, Fallback = false };
        foreach (double s in new[] { 1e-3, 1.0, 1e5 })
        {
            var (x, _, _) = Known(m, n, LogSpaced(Math.Min(m, n), s, 2 * s), 60 + m);
            foreach (double c in new[] { 4 * s, s, 1e-4 * s, 1e-8 * s })        // α up to 4·1e16
            {
                var r = SpectralClip.Apply(mode, x, c, eigen);
                Assert.Equal(SpectralMethod.Eigen, r.Method);
                Assert.True(r.Converged, $"{mode} s = {s} c = {c}: {r.Status}");
                double error = RelativeError(r.Value, Oracle(mode, x, c));
                Assert.True(error <= EigenRelative, $"{mode} {m}×{n} s = {s:E0} c/s = {c / s:E0}: {error:E2}");
                Assert.True(Norm2(r.Value) <= r.MaxSingularValueBound * (1 + Tolerances.SvdNormRounding));
            }
        }
    }

    [Theory]
    [InlineData(1 + 1e-13)]
    [InlineData(1 - 1e-13)]
    [InlineData(1.0)]
    public void Eigen_hard_clip_is_not_fragile_at_sigma_equal_to_c(double ratio)
    {
        double c = 3;
        var sigma = new[] { 5 * c, c * ratio, c * ratio, 0.5 * c, 0.1 * c };
        var (x, _, _) = Known(5, 11, sigma, 61);
        var r = SpectralClip.Apply(SpectralMode.Hard, x, c, new() { Method = SpectralMethod.Eigen, Fallback = false });
        Assert.True(r.Converged);
        double error = (r.Value - Oracle(SpectralMode.Hard, x, c)).FrobeniusNorm();
        Assert.True(error <= EigenRelative * c, $"{error / c:E2}·c");
    }

    public static TheoryData<int, int, int> EigenShapes() => new()
    {
        { 1, 1, 0 }, { 1, 17, 0 }, { 17, 1, 0 }, { 6, 9, 0 }, { 9, 6, 0 },
        { 6, 9, 3 }, { 9, 6, 2 },                               // rank-deficient: the last r singular values are 0
    };

    [Theory, MemberData(nameof(EigenShapes))]
    public void Eigen_path_handles_vectors_scalars_and_rank_deficient_inputs(int m, int n, int zeros)
    {
        int k = Math.Min(m, n);
        var sigma = LogSpaced(k, 0.3, 4);
        for (int i = k - zeros; i < k; i++) sigma[i] = 0;
        var (x, u, v) = Known(m, n, sigma, 62 + m * n);
        var eigen = new SpectralClipOptions { Method = SpectralMethod.Eigen, Fallback = false };
        foreach (var mode in new[] { SpectralMode.Soft, SpectralMode.Hard, SpectralMode.Polar })
        {
            var r = SpectralClip.Apply(mode, x, 1.0, eigen);
            Assert.True(r.Converged);
            var f = sigma.Select(s => mode == SpectralMode.Polar ? (s > 0 ? 1.0 : 0.0) : F(mode, s, 1.0)).ToArray();
            var expected = u * Matrix<double>.Build.DenseOfDiagonalArray(f) * v.Transpose();
            Assert.True((r.Value - expected).FrobeniusNorm() <= EigenRelative * Math.Sqrt(k), $"{mode} {m}×{n}: {(r.Value - expected).FrobeniusNorm():E2}");
            var z = SpectralClip.Apply(mode, Matrix<double>.Build.Dense(m, n), 1.0, eigen);
            Assert.True(z.Converged);
            Assert.Equal(0.0, z.Value.FrobeniusNorm());
        }
    }
}
