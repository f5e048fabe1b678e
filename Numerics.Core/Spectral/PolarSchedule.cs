namespace Numerics.Spectral;

/// <summary>How the orthogonal polar factor (matrix sign) is iterated.</summary>
public enum PolarSchedule
{
    /// <summary>Polar Express warm-up (5 quintic steps), then the cubic (1.5, −0.5) until the residual meets the tolerance. Default.</summary>
    Converged,

    /// <summary>The five Polar Express quintics (modded-nanogpt set, input scaled by 1/(1.02·‖X‖_F)); not converged.</summary>
    PolarExpress,

    /// <summary>Muon's five quintic steps (3.4445, −4.7750, 2.0315): singular values end in about [0.7, 1.2], by design.</summary>
    Muon,
}
