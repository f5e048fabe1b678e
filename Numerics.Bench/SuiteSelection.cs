using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Filters;
using Numerics.Gpu;

namespace Numerics.Bench;

/// <summary>Which BenchmarkDotNet suites can run on this machine.</summary>
public static class SuiteSelection
{
    /// <summary>The category of the suites that need a CUDA device (they create one with <c>GpuKind.Cuda</c>).</summary>
    public const string GpuCategory = "Gpu";

    /// <summary>
    /// Leaves the <see cref="GpuCategory"/> suites out when no CUDA device exists, so that a CPU
    /// filter such as <c>--filter '*Gemm*'</c> does not also pick <c>GpuGemmBenchmarks</c>, whose
    /// setup would throw. Says so on <paramref name="error"/>.
    /// </summary>
    public static IConfig WithoutUnrunnableSuites(IConfig config, TextWriter error)
    {
        if (GpuDevice.ListCudaDevices().Count > 0) return config;
        error.WriteLine($"no CUDA device: the '{GpuCategory}' benchmark suites are left out");
        return ManualConfig.Create(config).AddFilter(new SimpleFilter(b => !b.Descriptor.Categories.Contains(GpuCategory)));
    }
}
