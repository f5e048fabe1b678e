namespace Numerics.Proximal;

/// <summary>
/// The shape of a dense learned proximal network: the input dimension n, the hidden width h, the
/// number K of hidden layers, the softplus sharpness β and the strong-convexity weight α of
/// ψ(y) = wᵀz_K + aᵀy + α‖y‖².
/// </summary>
/// <remarks>
/// The defaults are the official 1-D Laplacian model (<c>exps/laplacian/network.py</c> of the
/// paper's code): n = 1, h = 50, K = 5 (one input layer and four 50→50 layers), β = 10, α = 0.
/// The paper's image models use α = 0.01 (MNIST) and 1e-6 (128² images); α &gt; 0 makes f
/// invertible, so the regulariser is finite on all of ℝⁿ.
/// </remarks>
public sealed record ProximalNetworkArchitecture
{
    /// <summary>n ≥ 1, the length of each input y. Default 1.</summary>
    public int InputDimension { get; init; } = 1;

    /// <summary>h ≥ 1, the width of every hidden layer. Default 50.</summary>
    public int Width { get; init; } = 50;

    /// <summary>K ≥ 1, the number of hidden layers (the input layer included). Default 5.</summary>
    public int Layers { get; init; } = 5;

    /// <summary>β &gt; 0 of the activation softplus_β(t) = log(1 + e^{βt})/β. Default 10.</summary>
    public double Beta { get; init; } = 10;

    /// <summary>α ≥ 0 of the term α‖y‖² (not α/2, as in the official code): ψ is 2α-strongly convex. Default 0.</summary>
    public double Alpha { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a field is out of range.</summary>
    public void Validate(string paramName)
    {
        if (InputDimension < 1) throw new ArgumentException($"InputDimension must be at least 1, got {InputDimension}.", paramName);
        if (Width < 1) throw new ArgumentException($"Width must be at least 1, got {Width}.", paramName);
        if (Layers < 1) throw new ArgumentException($"Layers must be at least 1, got {Layers}.", paramName);
        if (!(Beta > 0) || !double.IsFinite(Beta)) throw new ArgumentException($"Beta must be positive and finite, got {Beta}.", paramName);
        if (!(Alpha >= 0) || !double.IsFinite(Alpha)) throw new ArgumentException($"Alpha must be non-negative and finite, got {Alpha}.", paramName);
        long count = ProximalNetworkLayout.Count(InputDimension, Width, Layers);
        if (count > Array.MaxLength) throw new ArgumentException($"The network would have {count} parameters, more than an array holds.", paramName);
    }
}
