using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Numerics.Bench.Problems;
using Numerics.Transport;

namespace Numerics.Bench.Suites;

/// <summary>
/// One evaluation of the sparse-OT semi-dual and dual (k = 2) and of the quadratic semi-dual
/// (k = m) against one pass over C (baseline: maxᵢ(αᵢ − c_ij) per column, same chunks and threads),
/// so the ratio is the evaluation's cost in passes over C; and one full semi-dual solve at k = 2.
/// </summary>
[BenchmarkCategory("Cpu", "Transport")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class TransportBenchmarks
{
    private const double Gamma = 1.0;

    private TransportProblem _problem = null!;
    private double[] _cost = null!;
    private double[] _alpha = null!;
    private double[] _dualX = null!;
    private double[] _maxima = null!;
    private double[] _gradient = null!;
    private double[] _dualGradient = null!;
    private SemiDualObjective _semiDual = null!;
    private DualObjective _dual = null!;
    private SemiDualObjective _quadratic = null!;

    /// <summary>m = n. (At 4000 a full solve of up to 500 iterations takes minutes on 2 cores; the quick report's transport section covers that size.)</summary>
    [Params(1000, 2000)]
    public int N { get; set; }

    /// <summary>The notebooks' 2-D point clouds and potentials after ten iterations of each formulation.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var (c, a, b) = TransportProblems.PointClouds(N, N);
        _problem = TransportProblem.Create(c, a, b);
        _cost = c.ToColumnMajorArray();
        _alpha = TransportProblems.WarmPotentials(_problem, TransportFormulation.SemiDual, Gamma);
        _dualX = TransportProblems.WarmPotentials(_problem, TransportFormulation.Dual, Gamma);
        _maxima = new double[N];
        _gradient = new double[N];
        _dualGradient = new double[2 * N];
        _semiDual = new SemiDualObjective(_problem, 2, Gamma);
        _dual = new DualObjective(_problem, 2, Gamma);
        _quadratic = new SemiDualObjective(_problem, N, Gamma);
    }

    /// <summary>One pass over C: the baseline.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("evaluation")]
    public double[] PassOverCost()
    {
        TransportProblems.ColumnMaxima(_cost, N, _alpha, _maxima);
        return _maxima;
    }

    /// <summary>−S₂(α) and its gradient.</summary>
    [Benchmark, BenchmarkCategory("evaluation")]
    public double SemiDualK2() => _semiDual.Evaluate(_alpha, _gradient);

    /// <summary>−D₂(α, β) and its gradient.</summary>
    [Benchmark, BenchmarkCategory("evaluation")]
    public double DualK2() => _dual.Evaluate(_dualX, _dualGradient);

    /// <summary>The quadratic semi-dual (k = m) and its gradient.</summary>
    [Benchmark, BenchmarkCategory("evaluation")]
    public double SemiDualQuadratic() => _quadratic.Evaluate(_alpha, _gradient);

    /// <summary>A full semi-dual solve at k = 2 from α = 0 (default tolerance and limits).</summary>
    [Benchmark, BenchmarkCategory("solve")]
    public SparseTransportResult SolveK2() => SparseTransport.Solve(_problem, 2, new SparseTransportOptions { Gamma = Gamma });
}
