namespace Numerics.Proximal;

/// <summary>
/// The shape of a convolutional learned proximal network: grey images of
/// <see cref="ImageHeight"/> × <see cref="ImageWidth"/> pixels, <see cref="Channels"/> feature
/// maps per hidden layer, square kernels of odd size <see cref="KernelSize"/> (stride 1, zero
/// "same" padding), <see cref="Layers"/> hidden layers, the softplus sharpness β and the
/// strong-convexity weight α of ψ(y) = Σ_c w_c Σ_p z_K[c, p] + aᵀy + α‖y‖².
/// </summary>
/// <remarks>
/// The official image models downsample with stride 2 and end in dense layers, so they accept one
/// input size; this network keeps every layer at the input's resolution and reads out a
/// non-negative weighted sum over channels and pixels. It still has one input size, because the
/// zero padding and the per-pixel linear term a make ψ depend on where a pixel sits; larger images
/// go through <see cref="PatchedProximalNetwork"/>. The defaults are a small model that trains on
/// two cores in seconds: 8×8 patches, 8 channels, 3×3 kernels, two layers, β = 10 and α = 0.01
/// (the paper's MNIST α).
/// </remarks>
public sealed record ConvolutionalNetworkArchitecture
{
    /// <summary>Rows of the input image, ≥ 1. Default 8.</summary>
    public int ImageHeight { get; init; } = 8;

    /// <summary>Columns of the input image, ≥ 1. Default 8.</summary>
    public int ImageWidth { get; init; } = 8;

    /// <summary>C ≥ 1, feature maps per hidden layer. Default 8.</summary>
    public int Channels { get; init; } = 8;

    /// <summary>k, the odd side of every kernel (≥ 1). Default 3.</summary>
    public int KernelSize { get; init; } = 3;

    /// <summary>K ≥ 1, the number of hidden layers (the input layer included). Default 2.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>β &gt; 0 of the activation softplus_β(t) = log(1 + e^{βt})/β. Default 10.</summary>
    public double Beta { get; init; } = 10;

    /// <summary>α ≥ 0 of the term α‖y‖² (not α/2, as in the official code): ψ is 2α-strongly convex. Default 0.01.</summary>
    public double Alpha { get; init; } = 0.01;

    /// <summary>n = ImageHeight·ImageWidth, the length of each input.</summary>
    public int Pixels => ImageHeight * ImageWidth;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a field is out of range.</summary>
    public void Validate(string paramName)
    {
        if (ImageHeight < 1 || ImageWidth < 1) throw new ArgumentException($"ImageHeight and ImageWidth must be at least 1, got {ImageHeight}×{ImageWidth}.", paramName);
        if (Channels < 1) throw new ArgumentException($"Channels must be at least 1, got {Channels}.", paramName);
        if (KernelSize < 1 || KernelSize % 2 == 0) throw new ArgumentException($"KernelSize must be odd and at least 1, got {KernelSize}.", paramName);
        if (Layers < 1) throw new ArgumentException($"Layers must be at least 1, got {Layers}.", paramName);
        if (!(Beta > 0) || !double.IsFinite(Beta)) throw new ArgumentException($"Beta must be positive and finite, got {Beta}.", paramName);
        if (!(Alpha >= 0) || !double.IsFinite(Alpha)) throw new ArgumentException($"Alpha must be non-negative and finite, got {Alpha}.", paramName);
        long pixels = (long)ImageHeight * ImageWidth;
        if (pixels * Channels > Array.MaxLength / 2) throw new ArgumentException($"One {ImageHeight}×{ImageWidth} image with {Channels} channels is larger than an array holds.", paramName);
        long count = ConvolutionalNetworkLayout.Count(pixels, Channels, KernelSize, Layers);
        if (count > Array.MaxLength) throw new ArgumentException($"The network would have {count} parameters, more than an array holds.", paramName);
    }
}
