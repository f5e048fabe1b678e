using BenchmarkDotNet.Attributes;
using Numerics.Gpu;
using Numerics.Random;
using Numerics.Sketching;

namespace Numerics.Bench.Suites;

/// <summary>
/// The SRHT of a device-resident A (double and float) against the CPU SRHT (baseline) in the same
/// run. Needs a CUDA device.
/// </summary>
[BenchmarkCategory("Gpu", "Sketch")]
public class GpuSketchBenchmarks
{
    private GpuDevice? _device;
    private GpuSketch? _sketch;
    private DeviceMatrix<double>? _a;
    private DeviceMatrix<float>? _af;
    private double[] _values = [];
    private SketchOperator _op = null!;

    /// <summary>Problem shape n×d.</summary>
    [Params("131072x256", "32768x1024", "1048576x256")]
    public string Shape { get; set; } = "";

    /// <summary>Uploads A and compiles the kernels with one run.</summary>
    [GlobalSetup]
    public void Setup()
    {
        int n = int.Parse(Shape.Split('x')[0]), d = int.Parse(Shape.Split('x')[1]);
        _device = GpuDevice.Create(GpuKind.Cuda);
        _sketch = new GpuSketch(_device);
        _values = new double[(long)n * d];
        new CounterRng(1).FillNormal(_values);
        _a = DeviceMatrix<double>.Upload(_device, n, d, _values);
        _af = DeviceMatrix<float>.Upload(_device, n, d, Array.ConvertAll(_values, v => (float)v));
        _op = new SketchOperator(SketchKind.Srht, 4 * d, n, 0);
        _ = _op.Positions; _ = _op.Signs; _ = _op.SampledRows;
        GpuSrht();
        GpuSrhtSingle();
    }

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _a?.Dispose();
        _af?.Dispose();
        _device?.Dispose();
    }

    /// <summary>CPU SRHT (baseline).</summary>
    [Benchmark(Baseline = true)]
    public double[] CpuSrht() => _op.ApplyAugmented(_values, _a!.Cols, []);

    /// <summary>GPU SRHT, double.</summary>
    [Benchmark]
    public void GpuSrht() => _sketch!.Apply(_op, _a!).Dispose();

    /// <summary>GPU SRHT, float.</summary>
    [Benchmark]
    public void GpuSrhtSingle() => _sketch!.Apply(_op, _af!).Dispose();
}
