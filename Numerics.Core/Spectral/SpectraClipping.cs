namespace Numerics.Spectral;

/// <summary>
/// SPECTRA settings of an optimizer: post-processing of the update direction (soft clip or
/// orthogonalisation) and optional pre-clipping of the gradients.
/// </summary>
/// <remarks>
/// "Matrix" below means a parameter with rows &gt; 1 and cols &gt; 1; n×1, 1×n and 1×1 parameters are
/// vectors. Rows are the fan-out (PyTorch's weight layout out×in), which fixes s = √max(1, rows/cols).
/// </remarks>
public sealed record SpectraClipping
{
    /// <summary>
    /// Post-clip level c &gt; 0 (the paper's runs: 5). A matrix direction U becomes s·H_{c_t}(U) with
    /// s = √max(1, rows/cols); a vector direction u becomes u/√(1 + ‖u‖²/c_t²) (scale 1). During warmup
    /// c_t = c·η/η_t. Null disables post-clipping (with <see cref="SpectraTransform.Orthogonalize"/>,
    /// matrices are still orthogonalised and vectors then pass unclipped).
    /// </summary>
    public double? PostClip { get; init; } = 5.0;

    /// <summary>
    /// Pre-clip level c_pre (the paper: 0.1). Each matrix gradient becomes H_{c_pre,t}(g) before the
    /// global-norm clip and the moments, with c_pre,t = c_pre·η/η_t during warmup like the post clip.
    /// Vector gradients are never pre-clipped (the official code clips 2-D gradients only). Null
    /// (default) disables it; the paper's README advises against combining it with the post clip.
    /// </summary>
    public double? PreClip { get; init; }

    /// <summary>Post-clip vectors too, as the official CLI's apply_to = all. False: matrices only (apply_to = 2d). Default true.</summary>
    public bool ClipVectors { get; init; } = true;

    /// <summary>What happens to a matrix direction. Default <see cref="SpectraTransform.SoftClip"/>.</summary>
    public SpectraTransform Transform { get; init; } = SpectraTransform.SoftClip;

    /// <summary>The scale s of <see cref="SpectraTransform.Orthogonalize"/>. Default <see cref="OrthogonalScale.Muon"/>.</summary>
    public OrthogonalScale OrthogonalScale { get; init; } = OrthogonalScale.Muon;

    /// <summary>
    /// Newton–Schulz options of the clip and the polar factor (default: the adaptive schedule to
    /// 1e-12). A result Newton–Schulz cannot certify is recomputed by <see cref="SpectralClip.Apply{T}"/>'s
    /// fallback chain (eigen path, then SVD); see <see cref="SpectralOptimizer"/>.
    /// </summary>
    public NewtonSchulzOptions NewtonSchulz { get; init; } = new();

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a field is NaN,
    /// infinite or out of range, or when <see cref="NewtonSchulz"/> asks for a step count that the
    /// function in use cannot run (so that no such options reach a step).
    /// </summary>
    /// <remarks>
    /// The soft clip (pre-clip, and the post clip unless matrices are orthogonalised) accepts any
    /// <see cref="NewtonSchulzOptions.Steps"/> up to the step limit, which
    /// <see cref="NewtonSchulzOptions.Validate"/> checks. With <see cref="SpectraTransform.Orthogonalize"/>
    /// the polar factor's rules apply as well: the <see cref="PolarSchedule.Converged"/> schedule stops
    /// on its certificate, so Steps must be null; <see cref="PolarSchedule.PolarExpress"/> runs 1 to
    /// <see cref="Spectral.NewtonSchulz.PolarExpressSteps"/> steps; <see cref="PolarSchedule.Muon"/> at
    /// least one; and the fixed part of the schedule (Steps, else five steps, which is also the
    /// converged schedule's Polar Express warm-up) must not exceed <see cref="NewtonSchulzOptions.StepLimit"/>.
    /// </remarks>
    public void Validate(string paramName)
    {
        if (PostClip is { } c && (!(c > 0) || !double.IsFinite(c)))
            throw new ArgumentException($"SpectraClipping.PostClip must be positive and finite, got {c}.", paramName);
        if (PreClip is { } p && (!(p > 0) || !double.IsFinite(p)))
            throw new ArgumentException($"SpectraClipping.PreClip must be positive and finite, got {p}.", paramName);
        if (!Enum.IsDefined(Transform)) throw new ArgumentException($"SpectraClipping.Transform {Transform} is undefined.", paramName);
        if (!Enum.IsDefined(OrthogonalScale)) throw new ArgumentException($"SpectraClipping.OrthogonalScale {OrthogonalScale} is undefined.", paramName);
        if (NewtonSchulz is null) throw new ArgumentException("SpectraClipping.NewtonSchulz must not be null.", paramName);
        NewtonSchulz.Validate(paramName);
        if (Transform == SpectraTransform.Orthogonalize)
            Spectral.NewtonSchulz.RequirePolarSteps(NewtonSchulz, paramName, "SpectraClipping.NewtonSchulz with Transform = Orthogonalize: ");
    }
}
