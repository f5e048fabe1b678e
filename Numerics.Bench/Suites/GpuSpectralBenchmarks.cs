using BenchmarkDotNet.Attributes;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Gpu;
using Numerics.Random;
using Numerics.Spectral;

namespace Numerics.Bench.Suites;

/// <summary>Soft spectral clip of a device-resident n×n matrix (fp64, fp32) against the CPU iteration (baseline). Needs CUDA.</summary>
[BenchmarkCategory("Gpu", "Spectral")]
public class GpuSpectralBenchmarks
{
    private GpuDevice? _device;
    private GpuSpectralClip? _clip;
    private DeviceMatrix<double>? _x;
    private DeviceMatrix<float>? _xf;
    private Matrix<double> _host = null!;
    private double _c;

    /// <summary>Matrix order.</summary>
    [Params(1024, 4096)]
    public int N { get; set; }

    /// <summary>Uploads X and compiles the kernels with one run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuDevice.Create(GpuKind.Cuda);
        _clip = new GpuSpectralClip(_device);
        var values = new double[(long)N * N];
        new CounterRng(8).FillNormal(values);
        _host = Matrix<double>.Build.Dense(N, N, values);
        _x = DeviceMatrix<double>.Upload(_device, _host);
        _xf = DeviceMatrix<float>.Upload(_device, N, N, Array.ConvertAll(values, v => (float)v));
        _c = 3 * Math.Sqrt(N);
        Gpu64();
        Gpu32();
    }

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _x?.Dispose();
        _xf?.Dispose();
        _device?.Dispose();
    }

    /// <summary>CPU Newton–Schulz, fp64 (baseline).</summary>
    [Benchmark(Baseline = true)]
    public Matrix<double> Cpu64() => SpectralClip.Apply(SpectralMode.Soft, _host, _c).Value;

    /// <summary>GPU Newton–Schulz, fp64.</summary>
    [Benchmark]
    public void Gpu64()
    {
        var r = _clip!.Apply(SpectralMode.Soft, _x!, _c, new NewtonSchulzOptions { StepRule = StepRule.Predicted });
        _device!.Synchronize();
        r.Value.Dispose();
    }

    /// <summary>GPU Newton–Schulz, fp32.</summary>
    [Benchmark]
    public void Gpu32()
    {
        var r = _clip!.Apply(SpectralMode.Soft, _xf!, _c, new NewtonSchulzOptions { StepRule = StepRule.Predicted });
        _device!.Synchronize();
        r.Value.Dispose();
    }
}
