using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Random;
using Numerics.Sketching;

namespace Numerics.Bench.Suites;

/// <summary>
/// Tall least squares: LAPACK gels (baseline) against sketch-and-solve and sketch-and-precondition
/// (SRHT, m = 4d), and the SRHT alone against one copy of A, in the same run.
/// </summary>
[BenchmarkCategory("Cpu", "Sketch")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class SketchBenchmarks
{
    private Matrix<double> _a = null!;
    private MathNet.Numerics.LinearAlgebra.Vector<double> _b = null!;
    private double[] _values = [], _copy = [], _rhs = [], _sketch = [];

    /// <summary>Problem shape n×d.</summary>
    [Params("131072x256", "32768x1024")]
    public string Shape { get; set; } = "";

    private int Rows => int.Parse(Shape.Split('x')[0]);

    private int Columns => int.Parse(Shape.Split('x')[1]);

    /// <summary>A Gaussian A and b (timings do not depend on the spectrum).</summary>
    [GlobalSetup]
    public void Setup()
    {
        int n = Rows, d = Columns;
        _values = new double[(long)n * d];
        new CounterRng(1).FillNormal(_values);
        _rhs = new double[n];
        new CounterRng(2).FillNormal(_rhs);
        _a = Matrix<double>.Build.Dense(n, d, _values);
        _b = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(_rhs);
        _copy = new double[_values.Length];
        _copy.AsSpan().Fill(1);
        _sketch = new double[4L * d * d];
        _sketch.AsSpan().Fill(1);
    }

    /// <summary>Householder QR of A (LAPACK gels): the baseline.</summary>
    [Benchmark(Baseline = true)]
    public LeastSquaresResult Gels() => SketchedLeastSquares.Solve(_a, _b, new() { Method = LeastSquaresMethod.Qr });

    /// <summary>SRHT sketch-and-solve, m = 4d, no certificate.</summary>
    [Benchmark]
    public LeastSquaresResult SketchAndSolve() => SketchedLeastSquares.Solve(_a, _b, new() { Rows = 4 * Columns, Certificate = false });

    /// <summary>SRHT sketch-and-solve with the ℓ∞ certificate.</summary>
    [Benchmark]
    public LeastSquaresResult SketchAndSolveCertified() => SketchedLeastSquares.Solve(_a, _b, new() { Rows = 4 * Columns });

    /// <summary>Sketch-and-precondition to 1e-10 relative (LSQR tolerance).</summary>
    [Benchmark]
    public LeastSquaresResult SketchAndPrecondition() =>
        SketchedLeastSquares.Solve(_a, _b, new() { Method = LeastSquaresMethod.SketchAndPrecondition, Rows = 4 * Columns, Certificate = false, Tolerance = 1e-10 });

    /// <summary>The SRHT of [A | b] alone, into a freshly allocated m×(d+1) array (what the solver does).</summary>
    [Benchmark]
    public double[] Srht() => new SketchOperator(SketchKind.Srht, 4 * Columns, Rows, 0).ApplyAugmented(_values, Columns, _rhs);

    /// <summary>The SRHT of A into a buffer already touched, like the copy's: the like-for-like figure against <see cref="CopyOfA"/>.</summary>
    [Benchmark]
    public void SrhtIntoBuffer() => new SketchOperator(SketchKind.Srht, 4 * Columns, Rows, 0).Apply(_values, Columns, _sketch);

    /// <summary>One copy of A into a touched buffer: the memory-bandwidth yardstick for the SRHT.</summary>
    [Benchmark]
    public void CopyOfA() => Array.Copy(_values, _copy, _values.Length);
}
