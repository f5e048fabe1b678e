using Numerics.Bilevel;
using Numerics.LinearAlgebra;
using Numerics.Random;

namespace Numerics.Proximal;

/// <summary>
/// Clean training samples for an image network: P_h×P_w patches cut from a stack of grey images at
/// positions drawn uniformly (image, row, column), each patch row by row.
/// </summary>
/// <remarks>
/// Sample j of step t takes three integers of the stream at indices 3(t·m + j) + 0, 1, 2, so a
/// batch depends only on (stream, step, m), as <see cref="IProximalTrainingData"/> requires.
/// </remarks>
public sealed class ImagePatchSamples : IProximalTrainingData
{
    private readonly double[] _pixels;

    /// <summary>Patches of <paramref name="patchHeight"/> × <paramref name="patchWidth"/> from the images.</summary>
    /// <param name="pixels">The stack, image after image, each row by row (as <see cref="DenoisingImages.Read"/> returns it); copied.</param>
    /// <param name="shape">The stack's shape.</param>
    /// <param name="patchHeight">P_h, at most the image height.</param>
    /// <param name="patchWidth">P_w, at most the image width.</param>
    /// <exception cref="ArgumentException">The shape does not match the pixels, the pixels are not finite, or the patch does not fit.</exception>
    public ImagePatchSamples(ReadOnlySpan<double> pixels, ImageShape shape, int patchHeight, int patchWidth)
    {
        shape.Validate(nameof(shape));
        if (pixels.Length != shape.Pixels) throw new ArgumentException($"pixels has {pixels.Length} entries; the shape has {shape.Pixels}.", nameof(pixels));
        DenseStorage.RequireFinite(pixels, nameof(pixels));
        if (patchHeight < 1 || patchWidth < 1 || patchHeight > shape.Height || patchWidth > shape.Width)
            throw new ArgumentException($"A {patchHeight}×{patchWidth} patch does not fit {shape.Height}×{shape.Width} images.", nameof(patchHeight));
        _pixels = pixels.ToArray();
        Shape = shape;
        PatchHeight = patchHeight;
        PatchWidth = patchWidth;
    }

    /// <summary>The stack's shape.</summary>
    public ImageShape Shape { get; }

    /// <summary>P_h.</summary>
    public int PatchHeight { get; }

    /// <summary>P_w.</summary>
    public int PatchWidth { get; }

    /// <inheritdoc />
    public int Dimension => PatchHeight * PatchWidth;

    /// <inheritdoc />
    public void Sample(CounterRng rng, long step, Span<double> batch)
    {
        int n = Dimension, m = batch.Length / n;
        for (int j = 0; j < m; j++)
        {
            long index = 3 * (step * m + j);
            int image = (int)rng.UniformInteger(index, Shape.Count);
            int row = (int)rng.UniformInteger(index + 1, Shape.Height - PatchHeight + 1);
            int column = (int)rng.UniformInteger(index + 2, Shape.Width - PatchWidth + 1);
            for (int i = 0; i < PatchHeight; i++)
                _pixels.AsSpan(image * Shape.ImagePixels + (row + i) * Shape.Width + column, PatchWidth).CopyTo(batch.Slice(j * n + i * PatchWidth, PatchWidth));
        }
    }
}
