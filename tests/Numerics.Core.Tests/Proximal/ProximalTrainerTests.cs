using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Proximal;
using Numerics.Random;
using static Numerics.Core.Tests.Proximal.LearnedProximalNetworkTests;
using static Numerics.Core.Tests.Proximal.ProximalTolerances;

namespace Numerics.Core.Tests.Proximal;

public class ProximalTrainerTests
{
    /// <summary>x ~ N(0, τ²) in ℝⁿ: with noise σ the MMSE (and MAP) denoiser is the linear shrinkage τ²/(τ² + σ²)·y.</summary>
    private sealed class GaussianSamples(int dimension, double scale) : IProximalTrainingData
    {
        public int Dimension => dimension;

        public void Sample(CounterRng rng, long step, Span<double> batch)
        {
            rng.FillNormal(batch, step * batch.Length);
            foreach (ref double x in batch) x *= scale;
        }
    }

    private static readonly ProximalNetworkArchitecture Tiny = new() { Width = 16, Layers = 2 };

    [Fact]
    public void SquaredErrorTrainingLearnsTheLinearShrinkageOfAGaussianPrior()
    {
        var net = new LearnedProximalNetwork(Tiny, 1);
        var options = new ProximalTrainingOptions
        {
            Stages = [new(ProximalLoss.SquaredError, 600, 1e-2), new(ProximalLoss.SquaredError, 300, 1e-3)],
            BatchSize = 256,
            NoiseLevel = 1,
            Seed = 3,
        };
        var result = ProximalTrainer.Train(net, new GaussianSamples(1, 1), options);
        Assert.Equal(SolverStatus.MaxIterations, result.Steps == 900 ? result.Status : SolverStatus.Breakdown);
        // τ = σ = 1: E[x | y] = y/2, and the expected loss at the optimum is τ²σ²/(τ² + σ²) = 1/2.
        var ys = LaplaceDenoisingExample.Grid(-2, 2, 41);
        var f = new double[ys.Length];
        net.Prox(ys, f);
        for (int i = 0; i < ys.Length; i++)
            Assert.True(Math.Abs(f[i] - ys[i] / 2) <= LearnedShrinkage, $"f({ys[i]}) = {f[i]}, E[x|y] = {ys[i] / 2}");
        Assert.True(Math.Abs(result.StageLosses[1] - 0.5) <= LearnedShrinkage, $"final loss {result.StageLosses[1]}");
    }

    [Fact]
    public void TrainingIsReproducibleBitForBitWhateverTheThreadCount()
    {
        var options = new ProximalTrainingOptions
        {
            Stages = [new(ProximalLoss.AbsoluteError, 3, 1e-2), new(ProximalLoss.ProximalMatching, 3, 1e-3, 0.5)],
            BatchSize = 1500, // 16·1500 elements: three blocks of the elementwise passes
            Seed = 11,
        };
        var backend = LinearAlgebraBackend.Current;
        double[] Run(int threads)
        {
            var net = new LearnedProximalNetwork(Tiny, 2);
            using (backend.UseThreads(threads)) ProximalTrainer.Train(net, new LaplaceSamples(), options);
            return net.Parameters.ToArray();
        }
        var one = Run(1);
        Assert.Equal(one, Run(2));
        Assert.Equal(one, Run(1));
        var other = new LearnedProximalNetwork(Tiny, 2);
        ProximalTrainer.Train(other, new LaplaceSamples(), options with { Seed = 12 });
        Assert.NotEqual(one, other.Parameters.ToArray());
    }

    [Fact]
    public void HiddenPathWeightsStayNonNegativeAfterEveryStep()
    {
        var net = new LearnedProximalNetwork(Tiny, 4);
        int violations = 0;
        var progress = new Check(() =>
        {
            foreach (var (start, length) in net.ConstrainedRanges())
                foreach (double p in net.Parameters.Slice(start, length))
                    if (p < 0) violations++;
        });
        // A large learning rate pushes many weights below zero before the projection.
        ProximalTrainer.Train(net, new LaplaceSamples(), new ProximalTrainingOptions { Stages = [new(ProximalLoss.AbsoluteError, 20, 0.5)], BatchSize = 64, Progress = progress });
        Assert.Equal(0, violations);
        Assert.Contains(0.0, net.Parameters.Slice(net.Layout.W(2), 16 * 16).ToArray());
    }

    [Theory]
    [InlineData(ProximalLoss.SquaredError)]
    [InlineData(ProximalLoss.AbsoluteError)]
    [InlineData(ProximalLoss.ProximalMatching)]
    public void LossGradientsMatchFiniteDifferences(ProximalLoss loss)
    {
        const int n = 3, m = 4;
        var estimate = Gaussian(n * m, 90);
        var clean = Gaussian(n * m, 91);
        var r = new double[n * m];
        var scratch = new double[n * m];
        ProximalLossGradient.Evaluate(loss, 0.7, estimate, clean, n, r);
        for (int i = 0; i < n * m; i++)
        {
            var plus = (double[])estimate.Clone();
            var minus = (double[])estimate.Clone();
            plus[i] += Step;
            minus[i] -= Step;
            double fd = (ProximalLossGradient.Evaluate(loss, 0.7, plus, clean, n, scratch) - ProximalLossGradient.Evaluate(loss, 0.7, minus, clean, n, scratch)) / (2 * Step);
            Assert.True(Math.Abs(fd - r[i]) <= FiniteDifference, $"{loss} entry {i}: fd {fd}, analytic {r[i]}");
        }
    }

    [Fact]
    public void BadOptionsAreRejectedAndCancellationIsAStatus()
    {
        var net = new LearnedProximalNetwork(Tiny, 5);
        var before = net.Parameters.ToArray();
        var good = new ProximalTrainingOptions { Stages = [new(ProximalLoss.SquaredError, 5, 1e-3)], BatchSize = 8 };
        Assert.Throws<ArgumentException>("options", () => ProximalTrainer.Train(net, new LaplaceSamples(), good with { Stages = [] }));
        Assert.Throws<ArgumentException>("options", () => ProximalTrainer.Train(net, new LaplaceSamples(), good with { BatchSize = 0 }));
        Assert.Throws<ArgumentException>("options", () => ProximalTrainer.Train(net, new LaplaceSamples(), good with { NoiseLevel = double.NaN }));
        Assert.Throws<ArgumentException>("options", () => ProximalTrainer.Train(net, new LaplaceSamples(), good with { Stages = [new(ProximalLoss.ProximalMatching, 5, 1e-3)] }));
        Assert.Throws<ArgumentException>("options", () => ProximalTrainer.Train(net, new LaplaceSamples(), good with { Stages = [new(ProximalLoss.SquaredError, 5, -1)] }));
        Assert.Throws<ArgumentException>("data", () => ProximalTrainer.Train(net, new GaussianSamples(2, 1), good));
        Assert.Throws<ArgumentException>("options", () => ProximalTrainer.Train(net, new LaplaceSamples(), good with { BatchSize = int.MaxValue }));
        Assert.Throws<ArgumentOutOfRangeException>("scale", () => new LaplaceSamples(0));
        Assert.Equal(before, net.Parameters.ToArray());
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var result = ProximalTrainer.Train(net, new LaplaceSamples(), good with { CancellationToken = cts.Token });
        Assert.Equal(SolverStatus.Cancelled, result.Status);
        Assert.Equal(0, result.Steps);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    private sealed class Check(Action action) : IProgress<IterationProgress>
    {
        public void Report(IterationProgress value) => action();
    }
}
