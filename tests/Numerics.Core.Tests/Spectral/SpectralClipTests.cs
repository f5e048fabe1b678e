using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Spectral;

namespace Numerics.Core.Tests.Spectral;

public class SpectralClipTests
{
    /// <summary>X = U·diag(σ)·Vᵀ with random orthonormal U (m×k) and V (n×k), k = σ.Length = min(m, n).</summary>
    private static (Matrix<double> X, Matrix<double> U, Matrix<double> V) Known(int m, int n, double[] sigma, int seed)
    {
        int k = Math.Min(m, n);
        var u = Lapack.Qr(Matrix<double>.Build.Dense(m, k, TestData.Random(m * k, seed))).Q;
        var v = Lapack.Qr(Matrix<double>.Build.Dense(n, k, TestData.Random(n * k, seed + 1))).Q;
        var x = u * Matrix<double>.Build.DenseOfDiagonalArray(sigma) * v.Transpose();
        return (x, u, v);
    }

    private static double[] LogSpaced(int k, double lo, double hi) =>
        Enumerable.Range(0, k).Select(i => k == 1 ? hi : hi * Math.Pow(lo / hi, (double)i / (k - 1))).ToArray();

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
        Assert.True(perSigma < 1e-12, $"per-σ error {perSigma:E2} after {r.Steps} steps");
        Assert.True(leakage < 1e-12, $"leakage {leakage:E2}");
        var oracle = SpectralClip.Apply(SpectralMode.Soft, x, c, new() { Method = SpectralMethod.Svd }).Value;
        Assert.True((r.Value - oracle).FrobeniusNorm() <= 1e-12 * oracle.FrobeniusNorm());
        var s = Lapack.Svd(r.Value, SvdVectors.None).S;
        Assert.True(s[0] < c);
        Assert.True(s[0] <= r.MaxSingularValueBound * (1 + 1e-12));
        for (int i = 0; i < s.Count; i++) Assert.True(s[i] <= sigma[i] * (1 + 1e-12));   // never raised
    }

    [Fact]
    public void Adaptive_schedule_needs_fewer_steps_than_the_official_coupled_iteration()
    {
        var sigma = LogSpaced(60, 1e-2, 1e2);
        var (x, _, _) = Known(60, 150, sigma, 3);
        var coupled = SpectralClip.Apply(SpectralMode.Soft, x, 1.0, new() { NewtonSchulz = new() { SoftSchedule = SoftClipSchedule.Coupled } });
        var adaptive = SpectralClip.Apply(SpectralMode.Soft, x, 1.0);
        Assert.InRange(coupled.Steps, 15, 30);
        Assert.True(adaptive.Steps <= coupled.Steps * 2 / 3, $"adaptive {adaptive.Steps} vs coupled {coupled.Steps}");
        Assert.True((adaptive.Value - coupled.Value).FrobeniusNorm() < 1e-12 * coupled.Value.FrobeniusNorm());
    }

    [Theory]
    [InlineData(SoftClipSchedule.Adaptive)]
    [InlineData(SoftClipSchedule.Coupled)]
    public void Steps_predicted_from_alpha_converge_without_per_step_residuals(SoftClipSchedule schedule)
    {
        var sigma = LogSpaced(50, 1e-2, 1e2);
        var (x, u, v) = Known(50, 80, sigma, 21);
        var residualRun = SpectralClip.Apply(SpectralMode.Soft, x, 1.0, new() { NewtonSchulz = new() { SoftSchedule = schedule } });
        var predicted = SpectralClip.Apply(SpectralMode.Soft, x, 1.0, new() { NewtonSchulz = new() { SoftSchedule = schedule, StepRule = StepRule.Predicted } });
        Assert.True(predicted.Converged);
        Assert.InRange(predicted.Steps, residualRun.Steps, residualRun.Steps + 2);
        var (perSigma, _) = Errors(predicted.Value, u, v, sigma.Select(s => SpectralClip.SoftValue(s, 1.0)).ToArray());
        Assert.True(perSigma < 1e-12, $"{perSigma:E2}");
        // The scalar recurrence: α = 10 needs 6 coupled steps for 1e-3 (the research table), more for 1e-12.
        Assert.Equal(6, NewtonSchulz.PredictedSteps(10, SoftClipSchedule.Coupled, 5e-4));
        Assert.True(NewtonSchulz.PredictedSteps(1e4, SoftClipSchedule.Adaptive, 1e-12) < NewtonSchulz.PredictedSteps(1e4, SoftClipSchedule.Coupled, 1e-12));
        Assert.Throws<ArgumentException>("alpha", () => NewtonSchulz.PredictedSteps(0.5, schedule, 1e-3));
    }

    [Fact]
    public void Official_ten_steps_undershoot_when_alpha_is_large_and_never_overshoot()
    {
        double c = 1;
        var sigma = LogSpaced(40, 1e-2, 1e2);
        var (x, u, v) = Known(40, 100, sigma, 5);
        var r = SpectralClip.Apply(SpectralMode.Soft, x, c, new() { NewtonSchulz = new() { SoftSchedule = SoftClipSchedule.Coupled, Steps = 10 } });
        Assert.Equal(10, r.Steps);
        Assert.False(r.Converged);                              // the shortfall is reported, not hidden
        Assert.True(r.Residual > 2e-12);
        var core = u.TransposeThisAndMultiply(r.Value) * v;
        var f = sigma.Select(s => SpectralClip.SoftValue(s, c)).ToArray();
        double worst = 0;
        for (int i = 0; i < f.Length; i++)
        {
            Assert.True(core[i, i] <= f[i] * (1 + 1e-12));     // shrinks only
            worst = Math.Max(worst, (f[i] - core[i, i]) / f[i]);
        }
        Assert.True(worst > 0.1, $"10 steps at α ≈ 1e4 should be far from converged, got {worst:E2}");
    }

    [Fact]
    public void Single_precision_meets_the_documented_tolerance()
    {
        double c = 1;
        var sigma = LogSpaced(48, 1e-1, 3e1);
        var (x, u, v) = Known(48, 120, sigma, 9);
        var xf = Matrix<float>.Build.Dense(48, 120, Array.ConvertAll(x.ToColumnMajorArray(), d => (float)d));
        var r = SpectralClip.Apply(SpectralMode.Soft, xf, c);
        var h = Matrix<double>.Build.Dense(48, 120, Array.ConvertAll(r.Value.ToColumnMajorArray(), f => (double)f));
        var f = sigma.Select(s => SpectralClip.SoftValue(s, c)).ToArray();
        double alpha = 1 + 30.0 * 30.0;
        var (perSigma, _) = Errors(h, u, v, f);
        Assert.True(perSigma < Math.Max(1e-5, 1e-8 * alpha) * 10, $"fp32 per-σ error {perSigma:E2}");
        var oracle = SpectralClip.Apply(SpectralMode.Soft, x, c, new() { Method = SpectralMethod.Svd }).Value;
        Assert.True((h - oracle).FrobeniusNorm() < Math.Max(1e-5, 1e-8 * alpha) * oracle.FrobeniusNorm());
    }

    [Fact]
    public void Pre_clip_scale_alpha_in_single_precision_stops_at_its_rounding_floor_and_says_so()
    {
        // One spike of 500c on a bulk ≤ 10c, c = 0.1: α ≈ 2.5e5, beyond what fp32 resolves to 1e-5.
        double c = 0.1;
        var sigma = new[] { 500 * c }.Concat(LogSpaced(31, 1e-2 * c, 10 * c)).ToArray();
        var (x, _, _) = Known(32, 64, sigma, 22);
        var xf = Matrix<float>.Build.Dense(32, 64, Array.ConvertAll(x.ToColumnMajorArray(), d => (float)d));
        var r = SpectralClip.Apply(SpectralMode.Soft, xf, c);
        Assert.All(r.Value.Enumerate(), v => Assert.True(float.IsFinite(v)));
        var h = Matrix<double>.Build.Dense(32, 64, Array.ConvertAll(r.Value.ToColumnMajorArray(), f => (double)f));
        var oracle = SpectralClip.Apply(SpectralMode.Soft, x, c, new() { Method = SpectralMethod.Svd }).Value;
        double alpha = 1 + 500.0 * 500.0, error = (h - oracle).FrobeniusNorm() / oracle.FrobeniusNorm();
        Assert.True(error < 10 * 1e-8 * alpha, $"fp32 error {error:E2} at α = {alpha:E1}");
        Assert.True(r.Converged || r.Residual > 2e-5);   // honest status either way
        // f(500c) = c·(1 − 2e-6): in fp32 at this α the norm bound holds only to the rounding floor.
        double top = Lapack.Svd(h, SvdVectors.None).S[0];
        Assert.True(top < c * (1 + 10 * 1e-8 * alpha), $"‖H‖₂ = {top / c:F6}·c");
        // fp64 converges; its rounding floor also grows with α (the Gram matrix spans σ² over
        // 2.5e5·c²), here to about 2e-12, within max(1e-12, 1e-16·α).
        var r64 = SpectralClip.Apply(SpectralMode.Soft, x, c);
        Assert.True(r64.Converged);
        Assert.True((r64.Value - oracle).FrobeniusNorm() < Math.Max(1e-12, 1e-16 * alpha) * oracle.FrobeniusNorm());
    }

    [Fact]
    public void Equivariance_transpose_and_scale_identities_hold()
    {
        double c = 0.7;
        var x = Matrix<double>.Build.Dense(30, 45, TestData.Random(30 * 45, 11));
        var h = SpectralClip.Apply(SpectralMode.Soft, x, c).Value;
        var q = Lapack.Qr(Matrix<double>.Build.Dense(30, 30, TestData.Random(900, 12))).Q;
        var rr = Lapack.Qr(Matrix<double>.Build.Dense(45, 45, TestData.Random(2025, 13))).Q;
        Assert.True((SpectralClip.Apply(SpectralMode.Soft, q * x * rr, c).Value - q * h * rr).FrobeniusNorm() < 1e-11);
        Assert.True((SpectralClip.Apply(SpectralMode.Soft, x.Transpose(), c).Value - h.Transpose()).FrobeniusNorm() < 1e-12);
        double t = 3.5;
        Assert.True((SpectralClip.Apply(SpectralMode.Soft, t * x, c).Value - t * SpectralClip.Apply(SpectralMode.Soft, x, c / t).Value).FrobeniusNorm() < 1e-11);
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
        var expected = mode switch
        {
            SpectralMode.Soft => sigma.Select(s => SpectralClip.SoftValue(s, 1.0)).ToArray(),
            SpectralMode.Hard => sigma.Select(s => Math.Min(s, 1.0)).ToArray(),
            _ => sigma.Select(s => s > 0 ? 1.0 : 0.0).ToArray(),
        };
        var oracle = u * Matrix<double>.Build.DenseOfDiagonalArray(expected) * v.Transpose();
        Assert.True((r.Value - oracle).FrobeniusNorm() < 1e-10, $"{mode}: {(r.Value - oracle).FrobeniusNorm():E2} after {r.Steps} steps");
    }

    [Fact]
    public void Polar_factor_schedules()
    {
        var sigma = LogSpaced(40, 1e-3, 1);
        var (x, u, v) = Known(40, 70, sigma, 15);
        var exact = u * v.Transpose();
        var converged = SpectralClip.Apply(SpectralMode.Polar, x, 1);
        Assert.True(converged.Converged);
        Assert.True((converged.Value - exact).FrobeniusNorm() < 1e-11 * exact.FrobeniusNorm(), $"{(converged.Value - exact).FrobeniusNorm():E2}");
        var svd = SpectralClip.Apply(SpectralMode.Polar, x, 1, new() { Method = SpectralMethod.Svd });
        Assert.True((svd.Value - exact).FrobeniusNorm() < 1e-12 * exact.FrobeniusNorm());
        foreach (var (schedule, lo, hi) in new[] { (PolarSchedule.Muon, 0.45, 1.25), (PolarSchedule.PolarExpress, 0.8, 1.2) })
        {
            var r = SpectralClip.Apply(SpectralMode.Polar, x, 1, new() { NewtonSchulz = new() { PolarSchedule = schedule } });
            Assert.Equal(5, r.Steps);
            Assert.False(r.Converged);                          // five fixed steps do not reach 1e-12 here
            var diag = (u.TransposeThisAndMultiply(r.Value) * v).Diagonal();
            // σ/‖X‖_F spans about [1e-3/4, 1/4] here: the band of the fixed schedules.
            Assert.All(diag.Take(30), d => Assert.InRange(d, lo, hi));
        }
    }

    [Fact]
    public void Hard_clip_matches_the_oracle_is_idempotent_and_is_the_identity_inside_the_ball()
    {
        double c = 1;
        var sigma = new[] { 8.0, 4, 2.5, 1.6, 0.7, 0.4, 0.2, 0.05 };
        var (x, u, v) = Known(8, 20, sigma, 16);
        var r = SpectralClip.Apply(SpectralMode.Hard, x, c);
        var oracle = u * Matrix<double>.Build.DenseOfDiagonalArray(sigma.Select(s => Math.Min(s, c)).ToArray()) * v.Transpose();
        Assert.True((r.Value - oracle).FrobeniusNorm() < 1e-10, $"{(r.Value - oracle).FrobeniusNorm():E2}");
        Assert.True((SpectralClip.Apply(SpectralMode.Hard, r.Value, c).Value - r.Value).FrobeniusNorm() < 1e-9);
        var inside = 0.5 * x / sigma[0];
        Assert.True((SpectralClip.Apply(SpectralMode.Hard, inside, c).Value - inside).FrobeniusNorm() < 1e-10);
        Assert.True((SpectralClip.Apply(SpectralMode.Hard, x.Transpose(), c).Value - oracle.Transpose()).FrobeniusNorm() < 1e-10);
    }

    [Fact]
    public void Bad_input_is_rejected()
    {
        var x = Matrix<double>.Build.Dense(3, 3, 1.0);
        Assert.Throws<ArgumentException>("c", () => SpectralClip.Apply(SpectralMode.Soft, x, 0));
        Assert.Throws<ArgumentException>("c", () => SpectralClip.Apply(SpectralMode.Hard, x, double.PositiveInfinity));
        var nan = x.Clone();
        nan[1, 1] = double.NaN;
        Assert.Throws<ArgumentException>("x", () => SpectralClip.Apply(SpectralMode.Soft, nan, 1));
        Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Soft, x, 1, new() { NewtonSchulz = new() { Steps = -1 } }));
        Assert.Throws<ArgumentException>("mode", () => SpectralClip.Apply((SpectralMode)7, x, 1));
        Assert.Throws<ArgumentException>("options", () => SpectralClip.Apply(SpectralMode.Soft, x, 1, new() { NewtonSchulz = null! }));
    }
}
