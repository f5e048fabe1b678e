namespace Numerics.Spectral;

/// <summary>The scale s of <see cref="SpectraTransform.Orthogonalize"/>: the update is s·polar(U) for a rows×cols parameter.</summary>
public enum OrthogonalScale
{
    /// <summary>Muon's s = √max(1, rows/cols) (KellerJordan/Muon). Default.</summary>
    Muon,

    /// <summary>
    /// Moonlight's s = 0.2·√max(rows, cols) (MoonshotAI/Moonlight), which gives the update about the
    /// RMS of an AdamW update, so AdamW's learning rate and weight decay carry over.
    /// </summary>
    RmsMatched,
}
