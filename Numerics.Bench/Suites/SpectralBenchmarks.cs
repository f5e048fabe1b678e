using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Random;
using Numerics.Spectral;

namespace Numerics.Bench.Suites;

/// <summary>Soft spectral clip: the SVD route (dgesdd, baseline) against the eigen path and Newton–Schulz in fp64 and fp32, in the same run.</summary>
[BenchmarkCategory("Cpu", "Spectral")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class SpectralBenchmarks
{
    private Matrix<double> _x = null!;
    private Matrix<float> _xf = null!;
    private double _c;

    /// <summary>Matrix shape m×n.</summary>
    [Params("768x3072", "1024x1024")]
    public string Shape { get; set; } = "";

    /// <summary>A Gaussian X with c = σ_max/3.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int m = int.Parse(Shape.Split('x')[0]), n = int.Parse(Shape.Split('x')[1]);
        var values = new double[(long)m * n];
        new CounterRng(7).FillNormal(values);
        _x = Matrix<double>.Build.Dense(m, n, values);
        _xf = _x.Map(v => (float)v);
        _c = Lapack.Svd(_x, SvdVectors.None).S[0] / 3;
    }

    /// <summary>U·f(Σ)·Vᵀ from dgesdd (baseline).</summary>
    [Benchmark(Baseline = true)]
    public Matrix<double> Svd() => SpectralClip.Apply(SpectralMode.Soft, _x, _c, new() { Method = SpectralMethod.Svd }).Value;

    /// <summary>The exact eigen path (syrk + syevd of the Gram matrix), fp64.</summary>
    [Benchmark]
    public Matrix<double> Eigen64() => SpectralClip.Apply(SpectralMode.Soft, _x, _c, new() { Method = SpectralMethod.Eigen }).Value;

    /// <summary>The exact eigen path, fp32 input and output (computed in double).</summary>
    [Benchmark]
    public Matrix<float> Eigen32() => SpectralClip.Apply(SpectralMode.Soft, _xf, _c, new() { Method = SpectralMethod.Eigen }).Value;

    /// <summary>Adaptive Newton–Schulz alone, fp64, to 1e-10 (certifiable at this α and k).</summary>
    [Benchmark]
    public Matrix<double> NewtonSchulz64() => SpectralClip.Apply(SpectralMode.Soft, _x, _c, new() { Fallback = false, NewtonSchulz = new() { Tolerance = 1e-10 } }).Value;

    /// <summary>Adaptive Newton–Schulz alone, fp32, to 1e-3.</summary>
    [Benchmark]
    public Matrix<float> NewtonSchulz32() => SpectralClip.Apply(SpectralMode.Soft, _xf, _c, new() { Fallback = false, NewtonSchulz = new() { Tolerance = 1e-3 } }).Value;

    /// <summary>The defaults (Newton–Schulz to 1e-12 with the exact fallback), fp64.</summary>
    [Benchmark]
    public Matrix<double> Default64() => SpectralClip.Apply(SpectralMode.Soft, _x, _c).Value;
}
