using System.Numerics;

namespace Numerics.LinearAlgebra;

/// <summary>
/// A register tile of the managed GEMM: an MR×NR block of C accumulated over kc rank-1 updates held
/// in vector registers. Implemented by value types so that the blocked driver is compiled once per
/// kernel with the tile sizes as constants.
/// </summary>
internal unsafe interface IGemmMicroKernel<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>MR: rows of C per tile, a whole number of vectors.</summary>
    static abstract int Rows { get; }

    /// <summary>NR: columns of C per tile.</summary>
    static abstract int Columns { get; }

    /// <summary>
    /// C[0..MR, 0..NR] ← α·Σₚ a[p]·b[p]ᵀ + β·C for p &lt; kc, where a[p] is the MR-vector at
    /// <c>a + p·aStep</c> and b[p] the NR values at <c>b + p·NR</c>. Each entry is one chain of fused
    /// multiply-adds from zero in p order, then α·acc (+ β·c); with β = 0, C is not read.
    /// </summary>
    static abstract void Run(int kc, T* a, nint aStep, T* b, T alpha, T beta, T* c, nint ldc);
}
