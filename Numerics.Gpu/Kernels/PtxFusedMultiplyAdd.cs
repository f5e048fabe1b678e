using ILGPU.Runtime.Cuda;
using Numerics.Random;

namespace Numerics.Gpu.Kernels;

/// <summary>
/// <see cref="IFusedMultiplyAdd"/> inside CUDA kernels: the <c>fma.rn.f64</c> instruction as inline
/// PTX. ILGPU 1.5 compiles <see cref="Math.FusedMultiplyAdd"/> to a call of an undefined function,
/// and its <c>LibDevice</c> mapping needs libdevice; the instruction itself is what both would reach.
/// </summary>
internal readonly struct PtxFusedMultiplyAdd : IFusedMultiplyAdd
{
    public double Apply(double a, double b, double c)
    {
        CudaAsm.Emit("fma.rn.f64 %0, %1, %2, %3;", out double result, a, b, c);
        return result;
    }
}
