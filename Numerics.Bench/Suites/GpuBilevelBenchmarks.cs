using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Numerics.Arithmetic;
using Numerics.Bench.Problems;
using Numerics.Bilevel;
using Numerics.Gpu;

namespace Numerics.Bench.Suites;

/// <summary>
/// The bilevel image problems on the GPU (float64 device stacks, Core's problem and solver code)
/// against the same code on the CPU (baseline) in the same run: one lower-level gradient of a field
/// of experts at the MAID talk's size (25 crops of N × N, 30 filters of 7 × 7, about 1.4 GFLOP), and
/// 10 MAID iterations of TV denoising on 3 crops (θ₀ = (−5, −5)). Needs a CUDA device.
/// </summary>
[BenchmarkCategory("Gpu", "Bilevel")]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
public class GpuBilevelBenchmarks
{
    private const int FoeImages = 25, Filters = 30, FilterSize = 7, TvImages = 3, MaidIterations = 10;

    private GpuDevice? _device;
    private GpuArithmetic<double>? _ops;
    private GpuImageOperators<double>? _images;
    private FieldOfExpertsProblem<double[]>? _cpuFoe;
    private FieldOfExpertsProblem<DeviceMatrix<double>>? _gpuFoe;
    private TotalVariationDenoisingProblem<double[]>? _cpuTv;
    private TotalVariationDenoisingProblem<DeviceMatrix<double>>? _gpuTv;
    private double[] _theta = [], _x = [], _gradient = [];
    private DeviceMatrix<double>? _deviceX, _deviceGradient;

    /// <summary>The crop size.</summary>
    [Params(96)]
    public int N { get; set; }

    /// <summary>Creates the device, uploads the stacks, builds both problems and compiles the kernels with one run of each benchmark.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _device = GpuDevice.Create(GpuKind.Cuda);
        _ops = new GpuArithmetic<double>(_device);
        _images = new GpuImageOperators<double>(_device);

        var (clean, noisy, shape, _) = BilevelProblems.Denoising(N, FoeImages);
        _cpuFoe = new FieldOfExpertsProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy, Filters, FilterSize);
        using (var c = Upload(clean))
        using (var y = Upload(noisy))
            _gpuFoe = new FieldOfExpertsProblem<DeviceMatrix<double>>(_ops, _images, shape, c, y, Filters, FilterSize);
        _theta = _cpuFoe.InitialParameters(1);
        _x = noisy;
        _gradient = new double[shape.Pixels];
        _deviceX = Upload(noisy);
        _deviceGradient = new DeviceMatrix<double>(_device, shape.Pixels, 1);

        var (tvClean, tvNoisy, tvShape, _) = BilevelProblems.Denoising(N, TvImages);
        _cpuTv = BilevelProblems.TotalVariation(tvClean, tvNoisy, tvShape);
        using (var c = Upload(tvClean))
        using (var y = Upload(tvNoisy))
            _gpuTv = new TotalVariationDenoisingProblem<DeviceMatrix<double>>(_ops, _images, tvShape, c, y);
        GpuFoeGradient();
        GpuTvMaid();
    }

    /// <summary>Releases the problems, the buffers and the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _cpuFoe?.Dispose();
        _gpuFoe?.Dispose();
        _cpuTv?.Dispose();
        _gpuTv?.Dispose();
        _deviceX?.Dispose();
        _deviceGradient?.Dispose();
        _images?.Dispose();
        _device?.Dispose();
    }

    /// <summary>h and ∇ₓh of the field of experts on the CPU (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("foe-gradient")]
    public double CpuFoeGradient() => _cpuFoe!.LowerObjective(_theta, _x, _gradient);

    /// <summary>h and ∇ₓh of the field of experts on the GPU (h comes back, so the device is synchronised).</summary>
    [Benchmark, BenchmarkCategory("foe-gradient")]
    public double GpuFoeGradient() => _gpuFoe!.LowerObjective(_theta, _deviceX!, _deviceGradient!);

    /// <summary>MAID on TV denoising on the CPU (baseline).</summary>
    [Benchmark(Baseline = true), BenchmarkCategory("tv-maid")]
    public double[] CpuTvMaid() =>
        new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = MaidIterations }).Solve(_cpuTv!, [-5.0, -5.0]).Theta;

    /// <summary>MAID on TV denoising with the lower-level vectors on the GPU.</summary>
    [Benchmark, BenchmarkCategory("tv-maid")]
    public double[] GpuTvMaid()
    {
        var result = new MaidSolver<DeviceMatrix<double>>(_ops!, new MaidOptions { MaxIterations = MaidIterations }).Solve(_gpuTv!, [-5.0, -5.0]);
        result.LowerSolution.Dispose();
        _device!.Synchronize();
        return result.Theta;
    }

    private DeviceMatrix<double> Upload(double[] values) => DeviceMatrix<double>.Upload(_device!, values.Length, 1, values);
}
