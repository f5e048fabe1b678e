using Numerics.Testing;

namespace Numerics.Core.Tests.Optimization;

/// <summary>The shared strong-Wolfe line search suite on host arrays.</summary>
public sealed class HostLineSearchTests : LineSearchSuite<double[]>
{
    protected override VectorBackend<double[]> Backend => HostVectorBackend.Instance;
}
