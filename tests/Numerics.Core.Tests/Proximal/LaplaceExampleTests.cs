using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Proximal;

namespace Numerics.Core.Tests.Proximal;

public class LaplaceExampleTests
{
    /// <summary>|f − soft(·, 1)| on [−4, 4]: the CI tolerance of the research notes for a proximal-matching model.</summary>
    private const double ProxTolerance = 0.25;

    /// <summary>|R(x) − R(0) − |x|| for |x| ≤ 3: the CI tolerance of the research notes.</summary>
    private const double RegularizerTolerance = 0.15;

    /// <summary>
    /// The example's default schedule, at its default model and batch, from seed 0: trained here on
    /// every run (4,800 steps at batch 2000 on the 32-wide, four-layer model; this class took 2 min
    /// 34 s on two cores under a load average of 260), then f must be within the notes' tolerance of
    /// soft-thresholding on a fine grid of [−4, 4], and R, evaluated independently by inverting f,
    /// within the notes' tolerance of |x| on [−3, 3]. Measured for seed 0: max |f − soft| = 0.214 and
    /// max |R(x) − R(0) − |x|| = 0.134, the same bits at any thread count.
    /// </summary>
    [Fact]
    public void TheDefaultScheduleLearnsSoftThresholdingAndTheAbsoluteValue()
    {
        var net = new LearnedProximalNetwork(LaplaceDenoisingExample.DefaultArchitecture, 0);
        var result = ProximalTrainer.Train(net, new LaplaceSamples(), LaplaceDenoisingExample.Options());
        Assert.Equal(SolverStatus.MaxIterations, result.Status);
        Assert.Equal(LaplaceDenoisingExample.DefaultSchedule.Sum(s => s.Steps), result.Steps);
        double distance = LaplaceDenoisingExample.MaxDistanceToSoftThreshold(net, LaplaceDenoisingExample.Grid(-4, 4, 801));
        Assert.True(distance <= ProxTolerance, $"max |f − soft| = {distance}");
        var xs = LaplaceDenoisingExample.Grid(-3, 3, 61);
        var r = LearnedRegularizer.Evaluate(net, [.. xs, 0.0]);
        Assert.True(r.AllConverged, $"largest inversion residual {r.MaxResidual}");
        double worst = 0;
        for (int i = 0; i < xs.Length; i++) worst = Math.Max(worst, Math.Abs(r.Values[i] - r.Values[^1] - Math.Abs(xs[i])));
        Assert.True(worst <= RegularizerTolerance, $"max |R(x) − R(0) − |x|| = {worst}");
    }

    [Fact]
    public void TheDefaultScheduleIsReproducibleBitForBitAtAnyThreadCount()
    {
        // The first 40 steps of the default schedule at one and at two threads.
        var schedule = LaplaceDenoisingExample.Rescale(LaplaceDenoisingExample.DefaultSchedule, 40);
        var backend = LinearAlgebraBackend.Current;
        double[] Run(int threads)
        {
            var net = new LearnedProximalNetwork(LaplaceDenoisingExample.DefaultArchitecture, 0);
            using (backend.UseThreads(threads)) ProximalTrainer.Train(net, new LaplaceSamples(), LaplaceDenoisingExample.Options(schedule, 0, LaplaceDenoisingExample.DefaultBatchSize));
            return net.Parameters.ToArray();
        }
        Assert.Equal(Run(1), Run(2));
    }

    [Theory]
    [InlineData(new[] { 1, 1, 1000 }, 3, new[] { 1, 1, 1 })]
    [InlineData(new[] { 4000, 2000, 2000, 2000, 1000 }, 110, new[] { 40, 20, 20, 20, 10 })]
    [InlineData(new[] { 4000, 2000, 2000, 2000, 1000 }, 113, new[] { 43, 20, 20, 20, 10 })]
    [InlineData(new[] { 10, 10 }, 1, new[] { 1, 1 })] // fewer steps than stages: one step each, documented
    [InlineData(new[] { 3, 0, 3 }, 12, new[] { 5, 1, 6 })]
    public void RescaleGivesExactlyTheRequestedStepsWhenThereAreEnough(int[] steps, int total, int[] expected)
    {
        var schedule = steps.Select(s => new TrainingStage(ProximalLoss.AbsoluteError, s, 1e-3)).ToArray();
        var scaled = LaplaceDenoisingExample.Rescale(schedule, total);
        Assert.Equal(expected, scaled.Select(s => s.Steps).ToArray());
    }
}
