namespace Numerics.Proximal;

/// <summary>The training loss between the network's output x̂ = f(y) and the clean sample x.</summary>
public enum ProximalLoss
{
    /// <summary>
    /// Mean squared error over all entries (PyTorch's <c>MSELoss</c>): its minimiser is the MMSE
    /// denoiser E[x | y], itself a prox, of a different regulariser than −σ² log p.
    /// </summary>
    SquaredError,

    /// <summary>
    /// Mean absolute error over all entries (PyTorch's <c>L1Loss</c>): its minimiser is the
    /// coordinatewise posterior median. The official code uses it to warm up.
    /// </summary>
    AbsoluteError,

    /// <summary>
    /// Proximal matching, mean over samples of 1 − exp(−‖x̂ − x‖²/γ²) (the official code's
    /// <c>ExpDiracSrgt</c>, without the normalising constant): as γ → 0 its minimiser tends to the
    /// MAP denoiser prox_{−σ² log p}(y).
    /// </summary>
    ProximalMatching,
}
