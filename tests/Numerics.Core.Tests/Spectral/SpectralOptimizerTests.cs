using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Spectral;

namespace Numerics.Core.Tests.Spectral;

public class SpectralOptimizerTests
{
    private static Dictionary<string, Matrix<double>> One(Matrix<double> m) => new() { ["w"] = m };

    [Fact]
    public void AdamW_two_steps_match_the_hand_computed_update()
    {
        var o = new AdamWOptions { LearningRate = 0.1, WeightDecay = 0.5, Beta1 = 0.8, Beta2 = 0.9, Epsilon = 1e-8, Spectra = null };
        var opt = new AdamW(o);
        var w = Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, -2.0 } });
        double[] w0 = [1.0, -2.0], g1 = [0.5, -4.0], g2 = [-1.0, 2.0];
        opt.Step(One(w), One(Matrix<double>.Build.DenseOfArray(new[,] { { g1[0], g1[1] } })));
        opt.Step(One(w), One(Matrix<double>.Build.DenseOfArray(new[,] { { g2[0], g2[1] } })));
        for (int j = 0; j < 2; j++)
        {
            double m = 0.2 * g1[j], v = 0.1 * g1[j] * g1[j];
            double x = 0.95 * w0[j] - 0.1 * (m / 0.2) / (Math.Sqrt(v / 0.1) + 1e-8);
            m = 0.8 * m + 0.2 * g2[j];
            v = 0.9 * v + 0.1 * g2[j] * g2[j];
            x = 0.95 * x - 0.1 * (m / (1 - 0.64)) / (Math.Sqrt(v / (1 - 0.81)) + 1e-8);
            Assert.Equal(x, w[0, j], 1e-14);
        }
    }

    [Fact]
    public void Signum_uses_the_nesterov_sign()
    {
        var opt = new Signum(new SignumOptions { LearningRate = 0.01, WeightDecay = 0, Momentum = 0.9, Spectra = null });
        var w = Matrix<double>.Build.Dense(1, 2);
        opt.Step(One(w), One(Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, -1.0 } })));
        Assert.Equal([-0.01, 0.01], w.Row(0).ToArray());
        // m = 0.9·(1, −1) + (−0.5, −0.5) = (0.4, −1.4); g + 0.9m = (−0.14, −1.76) → sign (−1, −1).
        opt.Step(One(w), One(Matrix<double>.Build.DenseOfArray(new[,] { { -0.5, -0.5 } })));
        Assert.Equal(0.0, w[0, 0], 1e-15);
        Assert.Equal(0.02, w[0, 1], 1e-15);
    }

    [Fact]
    public void AdEMAMix_first_step_and_warmup_schedules()
    {
        var opt = new AdEMAMix(new AdEMAMixOptions { LearningRate = 0.1, WeightDecay = 0, Beta1 = 0.9, Beta2 = 0.999, Beta3 = 0.999, Alpha = 8, Spectra = null });
        var w = Matrix<double>.Build.Dense(1, 1);
        opt.Step(One(w), One(Matrix<double>.Build.Dense(1, 1, 2.0)));
        // m̂₁ = g, m₂ = 0.001·g, v̂ = g²: U = (2 + 8·0.002)/2.
        Assert.Equal(-0.1 * (2 + 8 * 0.002) / (2 + 1e-8), w[0, 0], 1e-14);
        var warm = new AdEMAMix(new AdEMAMixOptions { AlphaBetaWarmup = 100 });
        Assert.Equal(0.08, warm.AlphaAt(1), 1e-15);
        Assert.Equal(8, warm.AlphaAt(500));
        Assert.Equal(0.9, warm.Beta3At(0), 1e-12);
        Assert.Equal(0.999, warm.Beta3At(100), 1e-15);
        Assert.InRange(warm.Beta3At(50), 0.9, 0.999);
    }

    [Fact]
    public void Post_clip_replaces_the_direction_by_its_scaled_soft_clip_and_leaves_weight_decay_alone()
    {
        double c = 0.3, eta = 0.05, lambda = 0.2;
        var opt = new AdamW(new AdamWOptions { LearningRate = eta, WeightDecay = lambda, Spectra = new SpectraClipping { PostClip = c } });
        var w0 = Matrix<double>.Build.Dense(6, 3, TestData.Random(18, 1));
        var g = Matrix<double>.Build.Dense(6, 3, TestData.Random(18, 2));
        var w = w0.Clone();
        opt.Step(One(w), One(g));
        var u = g.Map(x => x / (Math.Abs(x) + 1e-8));                 // AdamW's first direction
        var clipped = SpectralClip.Apply(SpectralMode.Soft, u, c, new() { Method = SpectralMethod.Svd }).Value;
        var expected = (1 - eta * lambda) * w0 - eta * Math.Sqrt(6.0 / 3) * clipped;
        Assert.True((w - expected).InfinityNorm() < 1e-12);
    }

    [Fact]
    public void Pre_clip_feeds_the_clipped_gradient_to_the_moments_and_warmup_scales_c()
    {
        var opt = new Signum(new SignumOptions { LearningRate = 1, WeightDecay = 0, WarmupSteps = 4, Spectra = new SpectraClipping { PostClip = 2, PreClip = 0.1 } });
        Assert.Equal(8.0, opt.ClipLevelAt(1), 12);   // c·η/η₁ = 2·1/(1/4)
        Assert.Equal(2.0, opt.ClipLevelAt(9), 12);
        Assert.Equal(0.25, opt.LearningRateAt(1), 15);
        var adam = new AdamW(new AdamWOptions { LearningRate = 0.1, WeightDecay = 0, Spectra = new SpectraClipping { PostClip = null, PreClip = 0.1 } });
        var g = Matrix<double>.Build.Dense(4, 5, TestData.Random(20, 3)) * 10;
        var w = Matrix<double>.Build.Dense(4, 5);
        adam.Step(One(w), One(g));
        var h = SpectralClip.Apply(SpectralMode.Soft, g, 0.1, new() { Method = SpectralMethod.Svd }).Value;
        Assert.True((w + 0.1 * h.Map(x => x / (Math.Abs(x) + 1e-8))).InfinityNorm() < 1e-9);
    }

    /// <summary>Least squares ½‖X·W − Y‖²/N on synthetic data, gradient by hand: Xᵀ(XW − Y)/N.</summary>
    private sealed class LinearModel
    {
        public LinearModel(int seed)
        {
            X = Matrix<double>.Build.Dense(200, 10, TestData.Random(2000, seed));
            var wStar = Matrix<double>.Build.Dense(10, 6, TestData.Random(60, seed + 1)) * 3;
            Y = X * wStar + 0.01 * Matrix<double>.Build.Dense(200, 6, TestData.Random(1200, seed + 2));
        }

        public Matrix<double> X { get; }
        public Matrix<double> Y { get; }
        public double Loss(Matrix<double> w) => 0.5 * Math.Pow((X * w - Y).FrobeniusNorm(), 2) / X.RowCount;
        public Matrix<double> Gradient(Matrix<double> w) => X.TransposeThisAndMultiply(X * w - Y) / X.RowCount;
    }

    public static TheoryData<string> Optimizers => new() { "adamw", "signum", "ademamix" };

    private static SpectralOptimizer Create(string name, double lr, double lambda, double c, int warmup = 0) => name switch
    {
        "adamw" => new AdamW(new AdamWOptions { LearningRate = lr, WeightDecay = lambda, WarmupSteps = warmup, Spectra = new SpectraClipping { PostClip = c } }),
        "signum" => new Signum(new SignumOptions { LearningRate = lr, WeightDecay = lambda, WarmupSteps = warmup, Spectra = new SpectraClipping { PostClip = c } }),
        _ => new AdEMAMix(new AdEMAMixOptions { LearningRate = lr, WeightDecay = lambda, WarmupSteps = warmup, AlphaBetaWarmup = 100, Spectra = new SpectraClipping { PostClip = c } }),
    };

    [Theory, MemberData(nameof(Optimizers))]
    public void Training_a_linear_model_lowers_the_loss_and_keeps_the_spectral_norm_invariant(string name)
    {
        var model = new LinearModel(10);
        var w = Matrix<double>.Build.Dense(10, 6, TestData.Random(60, 20)) * 0.1;
        double lambda = 0.01, c = 5, s = Math.Sqrt(10.0 / 6);
        double bound = Math.Max(DenseBaselines.SpectralNorm(w), s * c / lambda);
        var opt = Create(name, lr: 0.02, lambda, c, warmup: 10);
        double initial = model.Loss(w);
        for (int k = 0; k < 400; k++) opt.Step(One(w), One(model.Gradient(w)));
        double final = model.Loss(w);
        Assert.True(final < 0.05 * initial, $"{name}: loss {initial:E3} → {final:E3}");
        Assert.True(DenseBaselines.SpectralNorm(w) <= bound);
    }

    [Theory, MemberData(nameof(Optimizers))]
    public void Tight_clip_makes_the_invariant_bind(string name)
    {
        // ‖W‖₂ ≤ max(‖W₀‖₂, s·c/λ) = s·c/λ from W₀ = 0, while the unconstrained optimum is far larger.
        var model = new LinearModel(30);
        var w = Matrix<double>.Build.Dense(10, 6);
        double lambda = 0.5, c = 0.05, s = Math.Sqrt(10.0 / 6), bound = s * c / lambda;
        var opt = Create(name, lr: 0.05, lambda, c);
        double largest = 0;
        for (int k = 0; k < 300; k++)
        {
            opt.Step(One(w), One(model.Gradient(w)));
            double norm = DenseBaselines.SpectralNorm(w);
            Assert.True(norm <= bound * (1 + 1e-12), $"step {k}: ‖W‖₂ = {norm} > {bound}");
            largest = Math.Max(largest, norm);
        }
        Assert.True(largest > 0.5 * bound, $"{name}: the bound {bound:E3} never came into play (max {largest:E3})");
    }

    [Fact]
    public void Bad_input_changes_nothing()
    {
        var opt = new AdamW();
        var w = Matrix<double>.Build.Dense(2, 2, 1.0);
        var v = Matrix<double>.Build.Dense(3, 1, 1.0);
        var parameters = new Dictionary<string, Matrix<double>> { ["a"] = w, ["b"] = v };
        var bad = Matrix<double>.Build.Dense(3, 1, 1.0);
        bad[2, 0] = double.NaN;
        Assert.Throws<ArgumentException>("gradients", () => opt.Step(parameters, new Dictionary<string, Matrix<double>> { ["a"] = w.Clone(), ["b"] = bad }));
        Assert.Throws<ArgumentException>("gradients", () => opt.Step(parameters, new Dictionary<string, Matrix<double>> { ["a"] = w.Clone() }));
        Assert.Throws<ArgumentException>("gradients", () => opt.Step(parameters, new Dictionary<string, Matrix<double>> { ["a"] = w.Clone(), ["b"] = w.Clone() }));
        Assert.Equal(0, opt.StepCount);
        Assert.All(w.Enumerate(), x => Assert.Equal(1.0, x));
        Assert.Throws<ArgumentException>("options", () => new AdamW(new AdamWOptions { LearningRate = 0 }));
        Assert.Throws<ArgumentException>("options", () => new Signum(new SignumOptions { Momentum = 1 }));
        Assert.Throws<ArgumentException>("options", () => new AdamW(new AdamWOptions { Spectra = new SpectraClipping { PostClip = -1 } }));
    }
}
