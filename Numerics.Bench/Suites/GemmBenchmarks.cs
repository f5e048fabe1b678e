using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Numerics.LinearAlgebra;

namespace Numerics.Bench.Suites;

/// <summary>Square dgemm/sgemm: the managed SIMD kernel against the native BLAS (baseline) in the same run.</summary>
[BenchmarkCategory("Cpu", "Gemm")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
public class GemmBenchmarks
{
    private double[] _a = [], _b = [], _c = [];
    private float[] _af = [], _bf = [], _cf = [];

    /// <summary>Matrix order.</summary>
    [Params(256, 512, 1024, 2048)]
    public int N { get; set; }

    /// <summary>Random inputs, allocated once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new System.Random(N);
        _a = Enumerable.Range(0, N * N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _b = Enumerable.Range(0, N * N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _c = new double[N * N];
        _af = Array.ConvertAll(_a, x => (float)x);
        _bf = Array.ConvertAll(_b, x => (float)x);
        _cf = new float[N * N];
    }

    private static LinearAlgebraBackend Native => LinearAlgebraBackend.Native
        ?? throw new InvalidOperationException("No native BLAS: install libopenblas0-pthread and liblapacke (or libmkl-rt).");

    /// <summary>Native dgemm (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("fp64")]
    public void NativeDgemm() => Native.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, N, N, N, 1.0, _a, N, _b, N, 0.0, _c, N);

    /// <summary>Managed dgemm.</summary>
    [Benchmark, BenchmarkCategory("fp64")]
    public void ManagedDgemm() => LinearAlgebraBackend.Managed.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, N, N, N, 1.0, _a, N, _b, N, 0.0, _c, N);

    /// <summary>Native sgemm (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("fp32")]
    public void NativeSgemm() => Native.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, N, N, N, 1f, _af, N, _bf, N, 0f, _cf, N);

    /// <summary>Managed sgemm.</summary>
    [Benchmark, BenchmarkCategory("fp32")]
    public void ManagedSgemm() => LinearAlgebraBackend.Managed.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, N, N, N, 1f, _af, N, _bf, N, 0f, _cf, N);
}
