namespace Numerics.Spectral;

/// <summary>What SPECTRA post-processing does to the update direction U of a matrix parameter.</summary>
public enum SpectraTransform
{
    /// <summary>
    /// SPECTRA's soft clip: U ← s·H_{c_t}(U) with H_c(X) = X(I + XᵀX/c²)^{-1/2}, which maps each
    /// singular value σ to σ/√(1 + σ²/c²), and s = √max(1, rows/cols). Default.
    /// </summary>
    SoftClip,

    /// <summary>
    /// Muon-style orthogonalisation: U ← s·polar(U), every nonzero singular value set to s (the scale
    /// is <see cref="SpectraClipping.OrthogonalScale"/>). The clip level c is not used for matrices.
    /// </summary>
    Orthogonalize,
}
