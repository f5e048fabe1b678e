namespace Numerics.Cli;

/// <summary>Where a command computes.</summary>
public enum CliDevice
{
    /// <summary>CPU kernels and the selected BLAS.</summary>
    Cpu,
    /// <summary>The GPU (CUDA, or the ILGPU CPU simulator when no GPU exists).</summary>
    Gpu,
}
