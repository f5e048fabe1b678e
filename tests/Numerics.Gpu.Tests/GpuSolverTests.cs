using Numerics.Testing;

namespace Numerics.Gpu.Tests;

// The shared solver suites on device vectors: the same control code as on the host, with every
// vector operation a kernel (the ILGPU CPU simulator when there is no GPU). The problems are stated
// on the host and copied in and out by the backend; the solvers never see a host array.

[Collection("gpu")]
public sealed class GpuLbfgsTests(GpuFixture gpu) : LbfgsSuite<DeviceMatrix<double>>
{
    protected override VectorBackend<DeviceMatrix<double>> Backend { get; } = new GpuVectorBackend(gpu.Device);
}

[Collection("gpu")]
public sealed class GpuLineSearchTests(GpuFixture gpu) : LineSearchSuite<DeviceMatrix<double>>
{
    protected override VectorBackend<DeviceMatrix<double>> Backend { get; } = new GpuVectorBackend(gpu.Device);
}

[Collection("gpu")]
public sealed class GpuConjugateGradientTests(GpuFixture gpu) : ConjugateGradientSuite<DeviceMatrix<double>>
{
    protected override VectorBackend<DeviceMatrix<double>> Backend { get; } = new GpuVectorBackend(gpu.Device);
}

[Collection("gpu")]
public sealed class GpuProximalGradientTests(GpuFixture gpu) : ProximalGradientSuite<DeviceMatrix<double>>
{
    protected override VectorBackend<DeviceMatrix<double>> Backend { get; } = new GpuVectorBackend(gpu.Device);
}
