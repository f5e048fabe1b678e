using Numerics.Arithmetic;

namespace Numerics.Bilevel;

/// <summary>The image operators on host arrays.</summary>
public sealed class HostImageOperators : IImageOperators<double[]>
{
    /// <summary>The shared instance.</summary>
    public static HostImageOperators Instance { get; } = new();

    private HostImageOperators() { }

    /// <inheritdoc />
    public void Differences(ImageShape shape, double[] images, double[] differences)
    {
        int h = shape.Height, w = shape.Width, p = shape.Pixels;
        Require(images.Length == p && differences.Length == 2 * p, nameof(differences));
        // The stack is Count·H rows of W pixels; a row's vertical differences are zero on each image's last row.
        for (int r = 0; r < shape.Count * h; r++)
        {
            int start = r * w;
            bool lastRow = r % h == h - 1;
            for (int k = start; k < start + w - 1; k++) differences[k] = images[k + 1] - images[k];
            differences[start + w - 1] = 0.0;
            for (int k = start; k < start + w; k++) differences[p + k] = lastRow ? 0.0 : images[k + w] - images[k];
        }
    }

    /// <inheritdoc />
    public void DifferencesAdjoint(ImageShape shape, double[] differences, double[] result)
    {
        int h = shape.Height, w = shape.Width, p = shape.Pixels;
        Require(result.Length == p && differences.Length == 2 * p, nameof(result));
        for (int r = 0; r < shape.Count * h; r++)
        {
            int start = r * w;
            bool firstRow = r % h == 0, lastRow = r % h == h - 1;
            for (int j = 0; j < w; j++)
            {
                int k = start + j;
                // Pixel k enters its own differences with −1 (none across the last column or row)
                // and its left and upper neighbours' with +1.
                double v = 0;
                if (j + 1 < w) v -= differences[k];
                if (j > 0) v += differences[k - 1];
                if (!lastRow) v -= differences[p + k];
                if (!firstRow) v += differences[p + k - w];
                result[k] = v;
            }
        }
    }

    /// <inheritdoc />
    public void Correlate(ImageShape shape, ReadOnlySpan<double> filter, int filterSize, double[] images, double[] result)
    {
        var output = ResponseShape(shape, filter, filterSize);
        Require(images.Length == shape.Pixels && result.Length == output.Pixels, nameof(result));
        int w = shape.Width, oh = output.Height, ow = output.Width;
        for (int n = 0; n < shape.Count; n++)
        {
            int src = n * shape.ImagePixels, dst = n * output.ImagePixels;
            for (int i = 0; i < oh; i++)
            for (int j = 0; j < ow; j++)
            {
                double s = 0;
                for (int a = 0; a < filterSize; a++)
                {
                    int row = src + (i + a) * w + j;
                    for (int b = 0; b < filterSize; b++) s += filter[a * filterSize + b] * images[row + b];
                }
                result[dst + i * ow + j] = s;
            }
        }
    }

    /// <inheritdoc />
    public void CorrelateAdjoint(ImageShape shape, ReadOnlySpan<double> filter, int filterSize, double[] responses, double[] result)
    {
        var output = ResponseShape(shape, filter, filterSize);
        Require(result.Length == shape.Pixels && responses.Length == output.Pixels, nameof(result));
        int h = shape.Height, w = shape.Width, oh = output.Height, ow = output.Width;
        for (int n = 0; n < shape.Count; n++)
        {
            int src = n * output.ImagePixels, dst = n * shape.ImagePixels;
            // Gather form (each output pixel written once): x[i, j] ← Σ filter[a, b]·r[i − a, j − b] over valid (i − a, j − b).
            for (int i = 0; i < h; i++)
            for (int j = 0; j < w; j++)
            {
                double s = 0;
                int aLo = Math.Max(0, i - oh + 1), aHi = Math.Min(filterSize - 1, i);
                int bLo = Math.Max(0, j - ow + 1), bHi = Math.Min(filterSize - 1, j);
                for (int a = aLo; a <= aHi; a++)
                {
                    int row = src + (i - a) * ow + j;
                    for (int b = bLo; b <= bHi; b++) s += filter[a * filterSize + b] * responses[row - b];
                }
                result[dst + i * w + j] = s;
            }
        }
    }

    /// <inheritdoc />
    public void CorrelationFilterGradient(ImageShape shape, int filterSize, double[] images, double[] weights, Span<double> gradient)
    {
        var output = ResponseShape(shape, gradient, filterSize);
        Require(images.Length == shape.Pixels && weights.Length == output.Pixels, nameof(weights));
        int w = shape.Width, oh = output.Height, ow = output.Width;
        for (int a = 0; a < filterSize; a++)
        for (int b = 0; b < filterSize; b++)
        {
            double s = 0;
            for (int n = 0; n < shape.Count; n++)
            {
                int src = n * shape.ImagePixels + a * w + b, dst = n * output.ImagePixels;
                for (int i = 0; i < oh; i++)
                    s += SpanArithmetic.Dot<double>(weights.AsSpan(dst + i * ow, ow), images.AsSpan(src + i * w, ow));
            }
            gradient[a * filterSize + b] = s;
        }
    }

    /// <summary>The stack shape of the "valid" responses of a k×k filter.</summary>
    /// <exception cref="ArgumentException">The filter is not k×k or is larger than the images.</exception>
    public static ImageShape ResponseShape(ImageShape shape, ReadOnlySpan<double> filter, int filterSize)
    {
        if (filterSize < 1 || filter.Length != filterSize * filterSize)
            throw new ArgumentException($"filter has {filter.Length} entries; a {filterSize}×{filterSize} filter needs {filterSize * filterSize}.", nameof(filter));
        if (filterSize > shape.Height || filterSize > shape.Width)
            throw new ArgumentException($"A {filterSize}×{filterSize} filter does not fit {shape.Height}×{shape.Width} images.", nameof(filterSize));
        return new ImageShape(shape.Count, shape.Height - filterSize + 1, shape.Width - filterSize + 1);
    }

    private static void Require(bool lengthsMatch, string paramName)
    {
        if (!lengthsMatch) throw new ArgumentException("A vector's length does not match the image shape.", paramName);
    }
}
