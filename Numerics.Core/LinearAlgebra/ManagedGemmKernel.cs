using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Numerics.LinearAlgebra;

/// <summary>The register-tiled micro-kernels of the managed GEMM, named by the vector type they use.</summary>
/// <remarks>
/// Both kernels accumulate each entry of C in the same order (one fused multiply-add per k step,
/// per KC block), so they give the same bits; they differ in speed only.
/// </remarks>
internal enum ManagedGemmKernel
{
    /// <summary>24×8 doubles (48×8 floats) in 24 zmm accumulators: AVX-512 machines.</summary>
    Vector512,

    /// <summary>8×6 doubles (16×6 floats) in 12 ymm accumulators: fits the 16 registers of AVX2.</summary>
    Vector256,
}

/// <summary>Which <see cref="ManagedGemmKernel"/> this machine runs.</summary>
internal static class ManagedGemmKernels
{
    /// <summary>
    /// <see cref="ManagedGemmKernel.Vector512"/> where AVX-512F is present and the runtime accelerates
    /// <see cref="Vector512{T}"/> (it declines on cores that down-clock under 512-bit work),
    /// otherwise <see cref="ManagedGemmKernel.Vector256"/>.
    /// </summary>
    public static ManagedGemmKernel Best { get; } =
        Avx512F.IsSupported && Vector512.IsHardwareAccelerated ? ManagedGemmKernel.Vector512 : ManagedGemmKernel.Vector256;

    /// <summary>Whether <paramref name="kernel"/> runs in hardware here (the other runs emulated, correct but slow).</summary>
    public static bool IsAccelerated(ManagedGemmKernel kernel) => kernel switch
    {
        ManagedGemmKernel.Vector512 => Best == ManagedGemmKernel.Vector512,
        _ => Vector256.IsHardwareAccelerated,
    };

    /// <summary>The kernel and its register tile, e.g. "Vector512 24×8 fp64 / 48×8 fp32".</summary>
    public static string Describe(ManagedGemmKernel kernel) => kernel switch
    {
        ManagedGemmKernel.Vector512 => $"Vector512 {Vector512MicroKernel<double>.Rows}×{Vector512MicroKernel<double>.Columns} fp64 / {Vector512MicroKernel<float>.Rows}×{Vector512MicroKernel<float>.Columns} fp32",
        _ => $"Vector256 {Vector256MicroKernel<double>.Rows}×{Vector256MicroKernel<double>.Columns} fp64 / {Vector256MicroKernel<float>.Rows}×{Vector256MicroKernel<float>.Columns} fp32"
            + (Vector256.IsHardwareAccelerated ? "" : " (emulated)"),
    };
}
