using Numerics.IO;
using Numerics.Random;

namespace Numerics.Bilevel;

/// <summary>
/// Image stacks for the denoising problems: reading them from .npy, adding seeded Gaussian
/// noise, cropping, and scoring a result by its peak signal-to-noise ratio.
/// </summary>
public static class DenoisingImages
{
    /// <summary>
    /// Reads a 2-D (H, W) or 3-D (N, H, W) C-order .npy array as a stack. 8-bit images are scaled to
    /// [0, 1] (÷255); other dtypes keep their values.
    /// </summary>
    /// <exception cref="ArgumentException">The array is not 2-D or 3-D, is Fortran-ordered, empty, boolean, or holds NaN/∞.</exception>
    public static (double[] Pixels, ImageShape Shape) Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var array = Npy.Read(path);
        var s = array.Shape;
        if (array.FortranOrder) throw new ArgumentException($"{path}: an image stack must be in C order.", nameof(path));
        if (array.DType == NpyDType.Bool) throw new ArgumentException($"{path}: a boolean array is not an image.", nameof(path));
        var shape = s.Count switch
        {
            2 => new ImageShape(1, s[0], s[1]),
            3 => new ImageShape(s[0], s[1], s[2]),
            _ => throw new ArgumentException($"{path}: an image stack is 2-D (H, W) or 3-D (N, H, W), got {s.Count}-D.", nameof(path)),
        };
        if (shape.Count < 1 || shape.Height < 1 || shape.Width < 1) throw new ArgumentException($"{path}: the image stack is empty.", nameof(path));
        var pixels = array.ToDoubleArray();
        if (array.DType == NpyDType.UInt8)
            for (int i = 0; i < pixels.Length; i++) pixels[i] /= 255.0;
        foreach (double v in pixels)
            if (!double.IsFinite(v)) throw new ArgumentException($"{path} contains a non-finite value.", nameof(path));
        return (pixels, shape);
    }

    /// <summary>clean + σ·ξ with ξ standard normal from the counter-based generator (seed, stream 0): the same bits on every machine.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sigma"/> is negative, NaN or infinite.</exception>
    public static double[] AddNoise(ReadOnlySpan<double> clean, double sigma, ulong seed)
    {
        if (!(sigma >= 0) || !double.IsFinite(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "sigma must be non-negative and finite.");
        var noisy = new double[clean.Length];
        new CounterRng(seed).FillNormal(noisy);
        for (int i = 0; i < noisy.Length; i++) noisy[i] = clean[i] + sigma * noisy[i];
        return noisy;
    }

    /// <summary>The top-left <paramref name="height"/> × <paramref name="width"/> block starting at (<paramref name="row"/>, <paramref name="column"/>) of every image.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The block does not fit the images.</exception>
    public static double[] Crop(ReadOnlySpan<double> pixels, ImageShape shape, int row, int column, int height, int width)
    {
        shape.Validate(nameof(shape));
        if (pixels.Length != shape.Pixels) throw new ArgumentException($"pixels has {pixels.Length} entries; the shape has {shape.Pixels}.", nameof(pixels));
        if (row < 0 || column < 0 || height < 1 || width < 1 || row + height > shape.Height || column + width > shape.Width)
            throw new ArgumentOutOfRangeException(nameof(height), $"A {height}×{width} block at ({row}, {column}) does not fit {shape.Height}×{shape.Width} images.");
        var crop = new double[shape.Count * height * width];
        for (int n = 0; n < shape.Count; n++)
        for (int i = 0; i < height; i++)
            pixels.Slice(n * shape.ImagePixels + (row + i) * shape.Width + column, width).CopyTo(crop.AsSpan((n * height + i) * width, width));
        return crop;
    }

    /// <summary>10·log₁₀(peak²/MSE) of <paramref name="image"/> against <paramref name="reference"/>, with peak = max of the reference (+∞ when they are equal).</summary>
    /// <exception cref="ArgumentException">The lengths differ or are zero.</exception>
    public static double PeakSignalToNoiseRatio(ReadOnlySpan<double> reference, ReadOnlySpan<double> image)
    {
        if (reference.Length != image.Length || reference.Length == 0)
            throw new ArgumentException($"image has {image.Length} pixels; reference has {reference.Length}.", nameof(image));
        double peak = double.NegativeInfinity, sum = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            peak = Math.Max(peak, reference[i]);
            double d = image[i] - reference[i];
            sum += d * d;
        }
        return 10 * Math.Log10(peak * peak / (sum / reference.Length));
    }
}
