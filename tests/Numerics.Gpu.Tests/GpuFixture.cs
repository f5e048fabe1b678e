using Numerics.Gpu;

namespace Numerics.Gpu.Tests;

/// <summary>One device per test run: CUDA when present (NUMERICS_GPU may force it), else the ILGPU CPU simulator.</summary>
public sealed class GpuFixture : IDisposable
{
    public GpuFixture()
    {
        Device = GpuDevice.Create();
        Ops = new GpuLinearAlgebra(Device);
    }

    public GpuDevice Device { get; }
    public GpuLinearAlgebra Ops { get; }

    public void Dispose() => Device.Dispose();
}

[CollectionDefinition("gpu")]
public sealed class GpuCollection : ICollectionFixture<GpuFixture>;

internal static class Data
{
    public static double[] Random(int n, int seed)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => 2 * rng.NextDouble() - 1).ToArray();
    }
}
