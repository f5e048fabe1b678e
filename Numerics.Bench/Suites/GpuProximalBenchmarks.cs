using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Numerics.Gpu;
using Numerics.Proximal;
using Numerics.Random;

namespace Numerics.Bench.Suites;

/// <summary>
/// The 1-D Laplacian learned proximal network (width 50, five layers) at batch 2000 on the GPU
/// against the same network on the CPU (baseline of each group) in the same run: batched prox
/// throughput (device-resident batches in float64 and float32, and host batches with their
/// transfers), the plain forward pass ψ on both as the reference, and training steps of Core's
/// trainer (Adam and the projection on the host, the passes on the device). Needs a CUDA device
/// (the device is <c>NUMERICS_GPU</c>'s kind when that is set, so the suite can be smoke-run on the
/// CPU simulator, which is not a performance target).
/// </summary>
[BenchmarkCategory("Gpu", "Proximal")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class GpuProximalBenchmarks
{
    private const int TrainingSteps = 10;

    private GpuDevice? _device;
    private LearnedProximalNetwork _cpu = null!, _cpuTrained = null!;
    private GpuProximalNetwork<double>? _gpu, _gpuTrained;
    private GpuProximalNetwork<float>? _gpuSingle;
    private DeviceMatrix<double>? _deviceY, _deviceX, _devicePsi;
    private DeviceMatrix<float>? _deviceYSingle, _deviceXSingle;
    private double[] _y = [], _x = [], _psi = [];
    private ProximalTrainingOptions _training = null!;

    /// <summary>Points per batch.</summary>
    [Params(2000)]
    public int Batch { get; set; }

    /// <summary>Creates the device and both networks, uploads a Gaussian batch and compiles the kernels with one run of each benchmark.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuDevice.Create(GpuDevice.RequestedKind ?? GpuKind.Cuda);
        _cpu = new LearnedProximalNetwork(null, 1);
        _gpu = new GpuProximalNetwork<double>(_device, _cpu);
        _gpuSingle = new GpuProximalNetwork<float>(_device, _cpu);
        _cpuTrained = _cpu.Clone();
        _gpuTrained = _gpu.Clone();
        _y = new double[Batch];
        new CounterRng(2).FillNormal(_y);
        _x = new double[Batch];
        _psi = new double[Batch];
        _deviceY = DeviceMatrix<double>.Upload(_device, 1, Batch, _y);
        _deviceX = new DeviceMatrix<double>(_device, 1, Batch);
        _devicePsi = new DeviceMatrix<double>(_device, 1, Batch);
        _deviceYSingle = DeviceMatrix<float>.Upload(_device, 1, Batch, Array.ConvertAll(_y, v => (float)v));
        _deviceXSingle = new DeviceMatrix<float>(_device, 1, Batch);
        _training = LaplaceDenoisingExample.Options([new TrainingStage(ProximalLoss.ProximalMatching, TrainingSteps, 1e-4, 0.5)]) with { BatchSize = Batch };
        GpuForward();
        GpuProx();
        GpuProxSingle();
        GpuProxHost();
        GpuTrainingStep();
    }

    /// <summary>Releases the device buffers and the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _gpu?.Dispose();
        _gpuTrained?.Dispose();
        _gpuSingle?.Dispose();
        _deviceY?.Dispose();
        _deviceX?.Dispose();
        _devicePsi?.Dispose();
        _deviceYSingle?.Dispose();
        _deviceXSingle?.Dispose();
        _device?.Dispose();
    }

    /// <summary>f(y) = ∇ψ(y) on the CPU (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("prox")]
    public void CpuProx() => _cpu.Prox(_y, _x);

    /// <summary>ψ(y) on the CPU: the plain forward pass, for reference.</summary>
    [Benchmark, BenchmarkCategory("prox")]
    public void CpuForward() => _cpu.Potential(_y, _psi);

    /// <summary>f(y) on the GPU, float64, batch and result on the device (includes the finiteness check of y).</summary>
    [Benchmark, BenchmarkCategory("prox")]
    public void GpuProx()
    {
        _gpu!.Prox(_deviceY!, _deviceX!);
        _device!.Synchronize();
    }

    /// <summary>ψ(y) on the GPU, float64, on the device: the plain forward pass, for reference.</summary>
    [Benchmark, BenchmarkCategory("prox")]
    public void GpuForward()
    {
        _gpu!.Potential(_deviceY!, _devicePsi!);
        _device!.Synchronize();
    }

    /// <summary>f(y) on the GPU, float32, on the device.</summary>
    [Benchmark, BenchmarkCategory("prox")]
    public void GpuProxSingle()
    {
        _gpuSingle!.Prox(_deviceYSingle!, _deviceXSingle!);
        _device!.Synchronize();
    }

    /// <summary>f(y) on the GPU, float64, from and to host arrays (upload, passes, download).</summary>
    [Benchmark, BenchmarkCategory("prox")]
    public void GpuProxHost() => _gpu!.Prox(_y, _x);

    /// <summary>Ten training steps on the CPU from the initial θ (sampling, prox, loss, gradient, Adam, projection; baseline).</summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = TrainingSteps), BenchmarkCategory("training-step")]
    public void CpuTrainingStep()
    {
        _cpuTrained.SetParameters(_cpu.Parameters);
        ProximalTrainer.Train(_cpuTrained, new LaplaceSamples(), _training);
    }

    /// <summary>Ten training steps of Core's trainer from the initial θ with the passes on the GPU (float64).</summary>
    [Benchmark(OperationsPerInvoke = TrainingSteps), BenchmarkCategory("training-step")]
    public void GpuTrainingStep()
    {
        _gpuTrained!.SetParameters(_cpu.Parameters);
        ProximalTrainer.Train(_gpuTrained, new LaplaceSamples(), _training);
    }
}
