using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Numerics.Bench.Problems;
using Numerics.Transport;

namespace Numerics.Bench.Suites;

/// <summary>
/// Mixture-of-experts-like batches of small sparse-OT problems (experts × tokens, C = −softmax(logits))
/// solved at once by <see cref="SparseTransport.SolveBatch(IReadOnlyList{TransportProblem}, int, SparseTransportOptions?)"/>
/// against the baseline of a loop of single solves of the same problems.
/// </summary>
[BenchmarkCategory("Cpu", "Transport")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class TransportBatchBenchmarks
{
    private TransportProblem[] _problems = null!;
    private readonly SparseTransportOptions _options = new() { Gamma = 1.0 };

    /// <summary>The batch: problems × (experts × tokens) and k.</summary>
    [ParamsSource(nameof(Batches))]
    public (int Count, int Experts, int Tokens, int K) Batch { get; set; }

    /// <summary>256 groups of 64 tokens over 8 experts at k = 1 and 2; 64 groups of 256 tokens over 32 experts at k = 2.</summary>
    public static IEnumerable<(int, int, int, int)> Batches() => [(256, 8, 64, 1), (256, 8, 64, 2), (64, 32, 256, 2)];

    [GlobalSetup]
    public void Setup() => _problems = TransportProblems.RoutingBatch(Batch.Count, Batch.Experts, Batch.Tokens, 7);

    /// <summary>One single solve per problem: the baseline.</summary>
    [Benchmark(Baseline = true)]
    public SparseTransportResult[] LoopOfSolves() => _problems.Select(p => SparseTransport.Solve(p, Batch.K, _options)).ToArray();

    /// <summary>The batch solved at once: independent solves in parallel (the same results, to the bit).</summary>
    [Benchmark]
    public SparseTransportBatchResult SolveBatch() => SparseTransport.SolveBatch(_problems, Batch.K, _options);

    /// <summary>The device driver on the host: one L-BFGS per problem in lockstep, one batched evaluation per pass.</summary>
    [Benchmark]
    public SparseTransportBatchResult Lockstep() =>
        SparseTransport.SolveBatch(new BatchTransportObjective(_problems, _options.Formulation, Batch.K, _options.Gamma), _options);
}
