using Numerics.Optimization;
using Numerics.Proximal;

namespace Numerics.Core.Tests.Proximal;

/// <summary>A test that takes minutes: it runs only when NUMERICS_LONG_TESTS=1 and is reported as skipped otherwise.</summary>
public sealed class LongFactAttribute : FactAttribute
{
    public LongFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NUMERICS_LONG_TESTS") != "1")
            Skip = "takes minutes; set NUMERICS_LONG_TESTS=1 to run";
    }
}

public class LaplaceExampleTests
{
    /// <summary>|f − soft(·, 1)| on [−4, 4]: the CI tolerance of the research notes for a proximal-matching model.</summary>
    private const double ProxTolerance = 0.25;

    /// <summary>|R(x) − R(0) − |x|| for |x| ≤ 3: the CI tolerance of the research notes.</summary>
    private const double RegularizerTolerance = 0.15;

    [LongFact]
    public void TheDefaultScheduleLearnsSoftThresholdingAndTheAbsoluteValue()
    {
        var net = new LearnedProximalNetwork(null, 0);
        var result = ProximalTrainer.Train(net, new LaplaceSamples(), LaplaceDenoisingExample.Options());
        Assert.Equal(SolverStatus.MaxIterations, result.Status);
        Assert.True(LaplaceDenoisingExample.MaxDistanceToSoftThreshold(net, LaplaceDenoisingExample.Grid(-4, 4, 801)) <= ProxTolerance);
        var xs = LaplaceDenoisingExample.Grid(-3, 3, 61);
        var r = LearnedRegularizer.Evaluate(net, [.. xs, 0.0]);
        Assert.True(r.AllConverged);
        for (int i = 0; i < xs.Length; i++)
            Assert.True(Math.Abs(r.Values[i] - r.Values[^1] - Math.Abs(xs[i])) <= RegularizerTolerance, $"x = {xs[i]}");
    }
}
