namespace Numerics.Random;

/// <summary>
/// A correctly rounded fused multiply-add, round(a·b + c) with one rounding, supplied by the caller
/// so that host code and device kernels run the same arithmetic (see <see cref="BoxMuller"/>).
/// </summary>
/// <remarks>
/// IEEE 754 fixes the result of an FMA bit for bit, so every implementation of this interface must
/// return the same value; they differ only in how they reach the instruction (the host calls
/// <see cref="Math.FusedMultiplyAdd"/>; a CUDA kernel emits <c>fma.rn.f64</c>, since ILGPU has no
/// device mapping for <see cref="Math.FusedMultiplyAdd"/>).
/// </remarks>
public interface IFusedMultiplyAdd
{
    /// <summary>round(a·b + c), rounded once to nearest even.</summary>
    double Apply(double a, double b, double c);
}

/// <summary><see cref="IFusedMultiplyAdd"/> on the host: <see cref="Math.FusedMultiplyAdd"/> (vfmadd, or a correctly rounded software fma where the CPU has none).</summary>
public readonly struct HostFusedMultiplyAdd : IFusedMultiplyAdd
{
    /// <inheritdoc />
    public double Apply(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);
}
