using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Numerics.Arithmetic;
using Numerics.Bench.Problems;
using Numerics.Bilevel;

namespace Numerics.Bench.Suites;

/// <summary>
/// Bilevel learning on TV denoising (3 crops of N × N, σ = 0.1, θ₀ = (−5, −5)): 20 MAID iterations
/// against 20 iterations of the fixed geometric schedule (baseline) in the same run; and the image
/// operators D + Dᵀ against a memory pass over the same bytes (baseline).
/// </summary>
[BenchmarkCategory("Cpu", "Bilevel")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class BilevelBenchmarks
{
    private const int Iterations = 20;
    private TotalVariationDenoisingProblem<double[]> _problem = null!;
    private ImageShape _shape;
    private double[] _noisy = null!, _differences = null!, _back = null!, _source = null!, _copy = null!;

    /// <summary>
    /// The crop size. 256² crops are left to the quick report's bilevel section: there a MAID solve
    /// takes minutes on 2 cores, more than a BenchmarkDotNet run (or CI's dry run of every suite) can afford.
    /// </summary>
    [Params(96)]
    public int N { get; set; }

    /// <summary>The problem and the operator buffers.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (clean, noisy, shape, _) = BilevelProblems.Denoising(N, 3);
        _problem = BilevelProblems.TotalVariation(clean, noisy, shape);
        _shape = shape;
        _noisy = noisy;
        _differences = new double[2 * shape.Pixels];
        _back = new double[shape.Pixels];
        _source = new double[3 * shape.Pixels];
        _copy = new double[3 * shape.Pixels];
    }

    /// <summary>Releases the problem's buffers.</summary>
    [GlobalCleanup]
    public void Cleanup() => _problem.Dispose();

    /// <summary>The fixed geometric schedule (HOAG's), the baseline of the solvers.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("solver")]
    public double[] FixedSchedule() =>
        new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { MaxIterations = Iterations }).Solve(_problem, [-5.0, -5.0]).Theta;

    /// <summary>MAID with its defaults.</summary>
    [Benchmark, BenchmarkCategory("solver")]
    public double[] Maid() =>
        new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = Iterations }).Solve(_problem, [-5.0, -5.0]).Theta;

    /// <summary>Copying the 3P doubles D and Dᵀ read and write: the baseline of the operators.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("operators")]
    public void MemoryPass() => _source.AsSpan().CopyTo(_copy);

    /// <summary>Forward differences then their adjoint.</summary>
    [Benchmark, BenchmarkCategory("operators")]
    public void DifferencesAndAdjoint()
    {
        HostImageOperators.Instance.Differences(_shape, _noisy, _differences);
        HostImageOperators.Instance.DifferencesAdjoint(_shape, _differences, _back);
    }
}
