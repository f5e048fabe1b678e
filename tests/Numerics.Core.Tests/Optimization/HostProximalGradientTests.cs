using Numerics.Testing;

namespace Numerics.Core.Tests.Optimization;

/// <summary>The FISTA suite on host arrays.</summary>
public sealed class HostProximalGradientTests : ProximalGradientSuite<double[]>
{
    protected override VectorBackend<double[]> Backend => HostVectorBackend.Instance;
}
