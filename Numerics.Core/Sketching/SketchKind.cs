namespace Numerics.Sketching;

/// <summary>The random sketch S ∈ ℝ^{m×n} applied to tall inputs.</summary>
public enum SketchKind
{
    /// <summary>
    /// Subsampled randomized Hadamard transform with a row permutation:
    /// S = (1/√m)·P·H·D·Π with Π a random permutation of the zero-padded rows, D random signs,
    /// H the Walsh–Hadamard matrix of order N = 2^⌈log₂ n⌉ and P m distinct uniformly sampled
    /// rows. O(n·d·log m) work; the default.
    /// </summary>
    Srht,

    /// <summary>Dense Gaussian sketch S = G/√m with G i.i.d. N(0, 1); O(m·n·d) work at GEMM speed.</summary>
    Gaussian,

    /// <summary>
    /// CountSketch: each input row i is added, with a random sign, to one uniformly chosen output
    /// row; O(n·d) work, but not a reliable ℓ∞ sketch on coherent inputs.
    /// </summary>
    CountSketch,
}
