using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Bench.Problems;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Bench.Suites;

/// <summary>
/// Conjugate gradients on a dense SPD system (κ ≈ 1e3) against the dense direct solve (LAPACK gesv,
/// baseline) in the same run; and one L-BFGS solve of extended Rosenbrock against the evaluations
/// it makes (baseline: the objective alone, 47 evaluations), so the ratio is the solver's overhead.
/// </summary>
[BenchmarkCategory("Cpu", "Solvers")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class SolverBenchmarks
{
    private Matrix<double> _a = null!;
    private Matrix<double> _b = null!;
    private double[] _bValues = null!;
    private DenseOperator _op = null!;
    private SolverProblems.ExtendedRosenbrock _rosenbrock = null!;
    private double[] _x0 = null!;
    private double[] _gradient = null!;
    private int _evaluations;

    /// <summary>The size of the linear system.</summary>
    [Params(1000, 2000)]
    public int N { get; set; }

    /// <summary>The problems; the L-BFGS problem has 1000·N unknowns.</summary>
    [GlobalSetup]
    public void Setup()
    {
        (_a, _bValues) = SolverProblems.DenseSpd(N);
        _b = Matrix<double>.Build.Dense(N, 1, _bValues);
        _op = new DenseOperator(_a.ToColumnMajorArray(), N, N, N);
        _rosenbrock = new SolverProblems.ExtendedRosenbrock(1000 * N);
        _x0 = SolverProblems.RosenbrockStart(1000 * N);
        _gradient = new double[1000 * N];
        _evaluations = Lbfgs.Minimize(_rosenbrock, _x0).Evaluations;
    }

    /// <summary>LU solve (gesv), the baseline of the linear system.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("linear")]
    public Matrix<double> Gesv() => Lapack.Solve(_a, _b);

    /// <summary>CG to ‖b − Ax‖ ≤ 1e-10·‖b‖.</summary>
    [Benchmark, BenchmarkCategory("linear")]
    public double[] ConjugateGradients() =>
        ConjugateGradient.Solve(_op, _bValues, options: new ConjugateGradientOptions<double[]> { Tolerance = 1e-10 }).X;

    /// <summary>The objective evaluations one L-BFGS solve makes, alone: the baseline of the minimiser.</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("minimiser")]
    public double Evaluations()
    {
        double f = 0;
        for (int i = 0; i < _evaluations; i++) f += _rosenbrock.Evaluate(_x0, _gradient);
        return f;
    }

    /// <summary>L-BFGS (history 10, gtol 1e-5) from the standard start.</summary>
    [Benchmark, BenchmarkCategory("minimiser")]
    public double[] LbfgsSolve() => Lbfgs.Minimize(_rosenbrock, _x0).X;
}
