using Numerics.LinearAlgebra;

namespace Numerics.Proximal;

/// <summary>
/// A learned prox for images larger than a network's input: the image is embedded in a zero border
/// and cut into overlapping P_h×P_w patches with stride s, arranged so that every pixel of the image
/// lies in exactly c = (P_h/s)·(P_w/s) patches, and
/// <code>
/// Ψ(x) = (1/c)·Σ_i ψ(P_i E x),   F(x) = ∇Ψ(x) = (1/c)·Σ_i Eᵀ P_iᵀ f(P_i E x)
/// </code>
/// with E the zero embedding and P_i the patch extractions. Ψ is convex (a sum of convex functions
/// of linear maps), so F is again an exact prox of some regulariser, on the whole image.
/// </summary>
/// <remarks>
/// The official code averages f over overlapping patches of the unpadded image; near the borders a
/// pixel is covered by fewer patches, the average divides by a coverage that varies from pixel to
/// pixel, and D⁻¹∇Σψ is not a gradient field, so that map is not a prox. Padding so that the
/// coverage is the same everywhere (as the authors' later <c>pad_for_exact_prox</c> does) makes
/// the average a gradient again. Zero padding is chosen because EᵀE = I: a patch network with
/// f ≈ identity gives F ≈ identity on the whole image, and the term α‖·‖² of ψ becomes exactly
/// α‖x‖² of Ψ (each pixel counted c times, divided by c). Patch origins, per axis, are
/// −(P − s) + t·s for t = 0, 1, … while the origin is inside the image; the patches of the batch's
/// images go through the patch network as one batch. Every derivative of Ψ is the patch network's,
/// gathered and scattered, so the parameters are the patch network's (shared, not copied).
/// </remarks>
public sealed class PatchedProximalNetwork : InputConvexNetwork
{
    private readonly int _patchRows, _patchColumns;
    private double[]? _trainingDirections;

    /// <summary>The patch construction for <paramref name="imageHeight"/> × <paramref name="imageWidth"/> images.</summary>
    /// <param name="patchNetwork">The network on one patch; its input is a patch, row by row.</param>
    /// <param name="patchHeight">P_h, the patch rows; P_h·P_w must equal the network's input dimension.</param>
    /// <param name="patchWidth">P_w, the patch columns.</param>
    /// <param name="imageHeight">H ≥ 1, the image rows.</param>
    /// <param name="imageWidth">W ≥ 1, the image columns.</param>
    /// <param name="stride">s ≥ 1, dividing P_h and P_w.</param>
    /// <exception cref="ArgumentException">A size is out of range, s does not divide the patch, or P_h·P_w is not the network's input dimension.</exception>
    public PatchedProximalNetwork(InputConvexNetwork patchNetwork, int patchHeight, int patchWidth, int imageHeight, int imageWidth, int stride)
    {
        ArgumentNullException.ThrowIfNull(patchNetwork);
        if (patchHeight < 1 || patchWidth < 1 || (long)patchHeight * patchWidth != patchNetwork.InputDimension)
            throw new ArgumentException($"A {patchHeight}×{patchWidth} patch does not match the network's input dimension {patchNetwork.InputDimension}.", nameof(patchHeight));
        if (imageHeight < 1 || imageWidth < 1 || (long)imageHeight * imageWidth > Array.MaxLength)
            throw new ArgumentException($"The image size must be positive, got {imageHeight}×{imageWidth}.", nameof(imageHeight));
        if (stride < 1 || patchHeight % stride != 0 || patchWidth % stride != 0)
            throw new ArgumentException($"stride must be at least 1 and divide the patch size {patchHeight}×{patchWidth}, got {stride}.", nameof(stride));
        PatchNetwork = patchNetwork;
        PatchHeight = patchHeight;
        PatchWidth = patchWidth;
        ImageHeight = imageHeight;
        ImageWidth = imageWidth;
        Stride = stride;
        // The last origin must still reach the last pixel: −(P − s) + t·s ≤ size − 1.
        _patchRows = (imageHeight - 1 + patchHeight - stride) / stride + 1;
        _patchColumns = (imageWidth - 1 + patchWidth - stride) / stride + 1;
        Coverage = patchHeight / stride * (patchWidth / stride);
        if ((long)_patchRows * _patchColumns * patchHeight * patchWidth > Array.MaxLength)
            throw new ArgumentException($"A {imageHeight}×{imageWidth} image cut into {patchHeight}×{patchWidth} patches with stride {stride} is larger than an array holds.", nameof(imageHeight));
    }

    /// <summary>
    /// The construction for a convolutional network's input size, with stride s = g/2 when the
    /// greatest common divisor g of the patch sides is even (each pixel then lies in four patches
    /// for a square patch, the official code's 128/64), otherwise s = g.
    /// </summary>
    /// <exception cref="ArgumentException">The image size is out of range.</exception>
    public PatchedProximalNetwork(ConvolutionalProximalNetwork patchNetwork, int imageHeight, int imageWidth)
        : this(patchNetwork, Side(patchNetwork, true), Side(patchNetwork, false), imageHeight, imageWidth, DefaultStride(patchNetwork))
    {
    }

    private static int Side(ConvolutionalProximalNetwork network, bool rows)
    {
        ArgumentNullException.ThrowIfNull(network);
        return rows ? network.Architecture.ImageHeight : network.Architecture.ImageWidth;
    }

    private static int DefaultStride(ConvolutionalProximalNetwork network)
    {
        int a = network.Architecture.ImageHeight, b = network.Architecture.ImageWidth;
        while (b != 0) (a, b) = (b, a % b);
        return a % 2 == 0 ? a / 2 : a;
    }

    /// <summary>The network applied to each patch (its parameters are this network's).</summary>
    public InputConvexNetwork PatchNetwork { get; }

    /// <summary>P_h.</summary>
    public int PatchHeight { get; }

    /// <summary>P_w.</summary>
    public int PatchWidth { get; }

    /// <summary>H.</summary>
    public int ImageHeight { get; }

    /// <summary>W.</summary>
    public int ImageWidth { get; }

    /// <summary>s.</summary>
    public int Stride { get; }

    /// <summary>c = (P_h/s)·(P_w/s), the number of patches that cover each pixel.</summary>
    public int Coverage { get; }

    /// <summary>Patches per image.</summary>
    public int PatchesPerImage => _patchRows * _patchColumns;

    /// <summary>n = H·W.</summary>
    public override int InputDimension => ImageHeight * ImageWidth;

    /// <inheritdoc />
    public override double StrongConvexity => PatchNetwork.StrongConvexity;

    internal override double[] ParameterArray => PatchNetwork.ParameterArray;

    internal override IEnumerable<(int Start, int Length)> ConstrainedRanges() => PatchNetwork.ConstrainedRanges();

    /// <inheritdoc />
    public override PatchedProximalNetwork Clone() => new(PatchNetwork.Clone(), PatchHeight, PatchWidth, ImageHeight, ImageWidth, Stride);

    /// <inheritdoc />
    internal override long MaxBatch => Math.Min(PatchNetwork.MaxBatch / PatchesPerImage, Array.MaxLength / ((long)PatchesPerImage * PatchNetwork.InputDimension));

    /// <inheritdoc />
    private protected override void PotentialCore(ReadOnlySpan<double> y, int m, Span<double> potential)
    {
        var values = new double[m * PatchesPerImage];
        PatchNetwork.Potential(Gather(y, m), values);
        SumPatches(values, potential);
    }

    /// <inheritdoc />
    private protected override void ProxCore(ReadOnlySpan<double> y, int m, Span<double> x)
    {
        var patches = Gather(y, m);
        PatchNetwork.Prox(patches, patches);
        Scatter(patches, m, x);
    }

    /// <inheritdoc />
    private protected override void PotentialAndProxCore(ReadOnlySpan<double> y, int m, Span<double> potential, Span<double> x)
    {
        var patches = Gather(y, m);
        var values = new double[m * PatchesPerImage];
        PatchNetwork.PotentialAndProx(patches, values, patches);
        SumPatches(values, potential);
        Scatter(patches, m, x);
    }

    /// <inheritdoc />
    private protected override void HessianVectorProductCore(ReadOnlySpan<double> y, ReadOnlySpan<double> v, int m, Span<double> result)
    {
        var patches = Gather(y, m);
        var directions = Gather(v, m);
        PatchNetwork.HessianVectorProduct(patches, directions, directions);
        Scatter(directions, m, result);
    }

    /// <inheritdoc />
    private protected override void ParameterGradientCore(ReadOnlySpan<double> y, ReadOnlySpan<double> r, int m, Span<double> gradient)
    {
        // ⟨r, F(y)⟩ = (1/c)·Σ_i ⟨P_i E r, f(P_i E y)⟩: the patch network's gradient, scaled.
        PatchNetwork.ParameterGradient(Gather(y, m), Gather(r, m), gradient);
        foreach (ref double g in gradient) g /= Coverage;
    }

    /// <inheritdoc />
    internal override void TrainingProx(ReadOnlySpan<double> y, Span<double> x)
    {
        int m = y.Length / InputDimension;
        var patches = Gather(y, m);
        var estimates = new double[patches.Length];
        PatchNetwork.TrainingProx(patches, estimates);
        Scatter(estimates, m, x);
        _trainingDirections = patches;
    }

    /// <inheritdoc />
    internal override void TrainingParameterGradient(ReadOnlySpan<double> r, double[] gradient)
    {
        int m = r.Length / InputDimension;
        var directions = _trainingDirections!;
        GatherInto(r, m, directions);
        PatchNetwork.TrainingParameterGradient(directions, gradient);
        foreach (ref double g in gradient.AsSpan()) g /= Coverage;
    }

    /// <inheritdoc />
    private protected override string InputSizeDescription => $"the image size {ImageHeight}×{ImageWidth} = {InputDimension}";

    /// <inheritdoc />
    private protected override string BatchLimitDescription(long count) => $"{count} images; cut into patches a batch is limited to {MaxBatch}.";

    /// <summary>The patches P_i E x of every image, image by image, patch rows then columns, each patch row by row.</summary>
    private double[] Gather(ReadOnlySpan<double> images, int m)
    {
        var patches = new double[m * PatchesPerImage * PatchHeight * PatchWidth];
        GatherInto(images, m, patches);
        return patches;
    }

    private void GatherInto(ReadOnlySpan<double> images, int m, Span<double> patches)
    {
        int n = InputDimension, patch = PatchHeight * PatchWidth, q = 0;
        patches.Clear();
        for (int j = 0; j < m; j++)
        {
            var image = images.Slice(j * n, n);
            for (int a = 0; a < _patchRows; a++)
                for (int b = 0; b < _patchColumns; b++, q++)
                {
                    int row0 = a * Stride - (PatchHeight - Stride), column0 = b * Stride - (PatchWidth - Stride);
                    int jLow = Math.Max(0, -column0), jHigh = Math.Min(PatchWidth, ImageWidth - column0);
                    var target = patches.Slice(q * patch, patch);
                    for (int i = 0; i < PatchHeight; i++)
                    {
                        int row = row0 + i;
                        if (row < 0 || row >= ImageHeight || jLow >= jHigh) continue;
                        image.Slice(row * ImageWidth + column0 + jLow, jHigh - jLow).CopyTo(target.Slice(i * PatchWidth + jLow));
                    }
                }
        }
    }

    /// <summary>x_j = (1/c)·Σ_i Eᵀ P_iᵀ patch_{j,i}, patches added in order (the same bits at any thread count).</summary>
    private void Scatter(double[] patches, int m, Span<double> images)
    {
        int n = InputDimension, patch = PatchHeight * PatchWidth;
        var sums = new double[n];
        for (int j = 0; j < m; j++)
        {
            Array.Clear(sums);
            for (int a = 0, q = j * PatchesPerImage; a < _patchRows; a++)
                for (int b = 0; b < _patchColumns; b++, q++)
                {
                    int row0 = a * Stride - (PatchHeight - Stride), column0 = b * Stride - (PatchWidth - Stride);
                    int jLow = Math.Max(0, -column0), jHigh = Math.Min(PatchWidth, ImageWidth - column0);
                    for (int i = 0; i < PatchHeight; i++)
                    {
                        int row = row0 + i;
                        if (row < 0 || row >= ImageHeight) continue;
                        for (int l = jLow; l < jHigh; l++) sums[row * ImageWidth + column0 + l] += patches[q * patch + i * PatchWidth + l];
                    }
                }
            for (int l = 0; l < n; l++) images[j * n + l] = sums[l] / Coverage;
        }
    }

    private void SumPatches(double[] values, Span<double> potential)
    {
        for (int j = 0; j < potential.Length; j++)
        {
            double s = 0;
            for (int q = 0; q < PatchesPerImage; q++) s += values[j * PatchesPerImage + q];
            potential[j] = s / Coverage;
        }
    }
}
