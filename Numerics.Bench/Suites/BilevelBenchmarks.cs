using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Numerics.Arithmetic;
using Numerics.Bench.Problems;
using Numerics.Bilevel;

namespace Numerics.Bench.Suites;

/// <summary>
/// Bilevel learning, MAID against the fixed geometric schedule (each category's baseline) for the
/// same number of outer iterations in the same run: TV denoising (3 crops of N × N, σ = 0.1,
/// θ₀ = (−5, −5)), field-of-experts denoising (1 crop of 32², 4 filters of 5 × 5) and multinomial
/// logistic regression (60 + 60 digits, 64 weights); and the image operators D + Dᵀ against a
/// memory pass over the same bytes (baseline). Iterations to the same loss and PSNR are the quick
/// report's bilevel section, which can afford the exact-loss evaluations.
/// </summary>
[BenchmarkCategory("Cpu", "Bilevel")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class BilevelBenchmarks
{
    /// <summary>
    /// Outer iterations of the TV pair, and of the FoE and logistic pairs: enough for the solvers'
    /// control to act, small enough that a dry run of the suite stays near half a minute on 2 loaded
    /// cores (measured: 1 min 44 s with 20 and 8 iterations and 100 + 100 samples, the logistic MAID
    /// run alone 40 s).
    /// </summary>
    private const int Iterations = 10, SmallIterations = 4;

    private TotalVariationDenoisingProblem<double[]> _problem = null!;
    private FieldOfExpertsProblem<double[]> _foe = null!;
    private double[] _foeTheta0 = null!;
    private MultinomialLogisticProblem _logistic = null!;
    private double[] _logisticTheta0 = null!;
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
        var (foeClean, foeNoisy, foeShape, _) = BilevelProblems.Denoising(32, 1);
        (_foe, _foeTheta0) = BilevelProblems.FieldOfExperts(foeClean, foeNoisy, foeShape, 4, 5);
        (_logistic, _logisticTheta0, _) = BilevelProblems.Logistic(60, 60);
    }

    /// <summary>Releases the problem's buffers.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _problem.Dispose();
        _foe.Dispose();
    }

    /// <summary>The fixed geometric schedule (HOAG's), the baseline of the solvers.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("solver")]
    public double[] FixedSchedule() =>
        new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { MaxIterations = Iterations }).Solve(_problem, [-5.0, -5.0]).Theta;

    /// <summary>MAID with its defaults.</summary>
    [Benchmark, BenchmarkCategory("solver")]
    public double[] Maid() =>
        new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = Iterations }).Solve(_problem, [-5.0, -5.0]).Theta;

    /// <summary>Field of experts, the fixed geometric schedule: the baseline.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("foe")]
    public double[] FoeFixedSchedule() =>
        new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { MaxIterations = SmallIterations }).Solve(_foe, _foeTheta0).Theta;

    /// <summary>Field of experts, MAID with its defaults.</summary>
    [Benchmark, BenchmarkCategory("foe")]
    public double[] FoeMaid() =>
        new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = SmallIterations }).Solve(_foe, _foeTheta0).Theta;

    /// <summary>Multinomial logistic regression, the fixed geometric schedule: the baseline.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("logistic")]
    public double[] LogisticFixedSchedule() =>
        new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { MaxIterations = SmallIterations }).Solve(_logistic, _logisticTheta0).Theta;

    /// <summary>Multinomial logistic regression, MAID with its defaults.</summary>
    [Benchmark, BenchmarkCategory("logistic")]
    public double[] LogisticMaid() =>
        new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = SmallIterations }).Solve(_logistic, _logisticTheta0).Theta;

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
