using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Numerics.Bench.Problems;
using Numerics.Transport;

namespace Numerics.Bench.Suites;

/// <summary>
/// The transport baselines on the report's point-cloud problems: the exact network simplex
/// (baseline) and log-domain Sinkhorn at ε = 0.05 on the same problem in the same run, so the ratio
/// says what the entropic approximation costs or saves at this size.
/// </summary>
[BenchmarkCategory("Cpu", "Transport")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class TransportBaselineBenchmarks
{
    private double[] _a = null!, _b = null!, _cost = null!;

    /// <summary>m = n.</summary>
    [Params(500, 1000, 2000)]
    public int N { get; set; }

    /// <summary>The problem (compare_ot.py's when NUMERICS_OT_PROBLEMS names its folder).</summary>
    [GlobalSetup]
    public void Setup() => (_a, _b, _cost, _) = TransportComparisonProblems.PointClouds(N);

    /// <summary>Exact OT by the network simplex.</summary>
    [Benchmark(Baseline = true)]
    public double Exact() => ExactTransport.Solve(_a, _b, _cost, N, N).Cost;

    /// <summary>Log-domain Sinkhorn, ε = 0.05, POT's defaults (1000 iterations, marginal error 1e-9).</summary>
    [Benchmark]
    public double Sinkhorn() => SinkhornTransport.Solve(_a, _b, _cost, N, N, 0.05).Cost;
}
