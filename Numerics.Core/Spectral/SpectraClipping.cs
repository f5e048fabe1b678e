namespace Numerics.Spectral;

/// <summary>
/// SPECTRA clipping settings of an optimizer: post-clipping of the update direction and optional
/// pre-clipping of the gradients.
/// </summary>
public sealed record SpectraClipping
{
    /// <summary>
    /// Post-clip level c &gt; 0 (the paper's runs: 5): the update direction U of every parameter is
    /// replaced by s·H_{c_t}(U) with s = √max(1, rows/cols). Null disables post-clipping.
    /// </summary>
    public double? PostClip { get; init; } = 5.0;

    /// <summary>Pre-clip level c_pre (the paper: 0.1): gradients g ← H_{c_pre}(g) before the moments. Null (default) disables it.</summary>
    public double? PreClip { get; init; }

    /// <summary>Clip vectors (n×1 parameters) too, as the paper's apply_to = all. Default true.</summary>
    public bool ClipVectors { get; init; } = true;

    /// <summary>Newton–Schulz options of the clip (default: the adaptive schedule to 1e-12).</summary>
    public NewtonSchulzOptions NewtonSchulz { get; init; } = new();
}
