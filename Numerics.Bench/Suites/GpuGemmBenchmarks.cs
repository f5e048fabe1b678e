using BenchmarkDotNet.Attributes;
using Numerics.Gpu;
using Numerics.LinearAlgebra;

namespace Numerics.Bench.Suites;

/// <summary>
/// GPU GEMM (ILGPU kernel, device-resident operands) against the CPU backend's GEMM (baseline) in
/// the same run. Needs a CUDA device: the CPU simulator is not a performance target.
/// </summary>
[BenchmarkCategory("Gpu", "Gemm")]
public class GpuGemmBenchmarks
{
    private GpuDevice? _device;
    private GpuLinearAlgebra? _ops;
    private DeviceMatrix<double>? _a, _b, _c;
    private DeviceMatrix<float>? _af, _bf, _cf;
    private double[] _ha = [], _hb = [], _hc = [];

    /// <summary>Matrix order.</summary>
    [Params(1024, 2048, 4096)]
    public int N { get; set; }

    /// <summary>Creates the device, uploads the operands and compiles the kernels with one launch.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuDevice.Create(GpuKind.Cuda);
        _ops = new GpuLinearAlgebra(_device);
        var rng = new System.Random(N);
        _ha = Enumerable.Range(0, N * N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _hb = Enumerable.Range(0, N * N).Select(_ => rng.NextDouble() - 0.5).ToArray();
        _hc = new double[N * N];
        _a = DeviceMatrix<double>.Upload(_device, N, N, _ha);
        _b = DeviceMatrix<double>.Upload(_device, N, N, _hb);
        _c = new DeviceMatrix<double>(_device, N, N);
        _af = DeviceMatrix<float>.Upload(_device, N, N, Array.ConvertAll(_ha, x => (float)x));
        _bf = DeviceMatrix<float>.Upload(_device, N, N, Array.ConvertAll(_hb, x => (float)x));
        _cf = new DeviceMatrix<float>(_device, N, N);
        GpuDgemm();
        GpuSgemm();
    }

    /// <summary>CPU dgemm with the current backend (baseline).</summary>
    [Benchmark(Baseline = true)]
    public void CpuDgemm() => LinearAlgebraBackend.Current.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, N, N, N, 1.0, _ha, N, _hb, N, 0.0, _hc, N);

    /// <summary>GPU dgemm, synchronised.</summary>
    [Benchmark]
    public void GpuDgemm()
    {
        _ops!.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, _a!, _b!, 0.0, _c!);
        _device!.Synchronize();
    }

    /// <summary>GPU sgemm, synchronised.</summary>
    [Benchmark]
    public void GpuSgemm()
    {
        _ops!.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1f, _af!, _bf!, 0f, _cf!);
        _device!.Synchronize();
    }

    /// <summary>Frees device memory.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _a?.Dispose(); _b?.Dispose(); _c?.Dispose(); _af?.Dispose(); _bf?.Dispose(); _cf?.Dispose();
        _device?.Dispose();
    }
}
