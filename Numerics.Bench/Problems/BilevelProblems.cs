using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Bench.Problems;

/// <summary>
/// The built-in problems of the bilevel report section and benchmark suite: TV denoising of
/// crops of the real images in the shared data folder (camera, astronaut, coins), with Gaussian
/// noise σ = 0.1 (seed 1), as in MAID's TV experiment.
/// </summary>
internal static class BilevelProblems
{
    /// <summary>The images, in stack order.</summary>
    private static readonly string[] Images = ["camera.npy", "astronaut.npy", "coins.npy"];

    /// <summary>The noise level of MAID's TV experiment.</summary>
    public const double NoiseLevel = 0.1;

    /// <summary>
    /// The folder holding the images: <c>NUMERICS_DATA</c>, else the first <c>shared/data</c> found
    /// walking up from the working directory and from the executable; null when there is none.
    /// </summary>
    public static string? DataFolder()
    {
        if (Environment.GetEnvironmentVariable("NUMERICS_DATA") is { Length: > 0 } configured) return configured;
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "shared", "data");
                if (File.Exists(Path.Combine(candidate, Images[0]))) return candidate;
            }
        return null;
    }

    /// <summary>
    /// <paramref name="count"/> size × size central crops (clean and noisy) and where they come from.
    /// Without the data folder: piecewise-constant synthetic images (disks on a ramp), so that the
    /// bench still runs anywhere.
    /// </summary>
    public static (double[] Clean, double[] Noisy, ImageShape Shape, string Source) Denoising(int size, int count)
    {
        var shape = new ImageShape(count, size, size);
        var clean = new double[shape.Pixels];
        string? folder = DataFolder();
        for (int n = 0; n < count; n++)
        {
            var target = clean.AsSpan(n * shape.ImagePixels, shape.ImagePixels);
            if (folder is not null)
            {
                var (pixels, full) = DenoisingImages.Read(Path.Combine(folder, Images[n % Images.Length]));
                int row = (full.Height - size) / 2, column = (full.Width - size) / 2 + (n / Images.Length) * size / 2;
                DenoisingImages.Crop(pixels, full, row, Math.Min(column, full.Width - size), size, size).CopyTo(target);
            }
            else
            {
                Synthetic(target, size, n);
            }
        }
        string source = folder is null ? "synthetic disks (no shared/data folder)" : $"crops of {string.Join(", ", Images.Take(Math.Min(count, Images.Length)))}";
        return (clean, DenoisingImages.AddNoise(clean, NoiseLevel, 1), shape, source);
    }

    /// <summary>The TV problem on host arrays.</summary>
    public static TotalVariationDenoisingProblem<double[]> TotalVariation(double[] clean, double[] noisy, ImageShape shape) =>
        new(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy);

    private static void Synthetic(Span<double> image, int size, int seed)
    {
        for (int i = 0; i < size; i++)
        for (int j = 0; j < size; j++)
        {
            double v = 0.2 + 0.3 * j / size;
            double ci = size * (0.3 + 0.1 * seed), cj = size * 0.5, r = size * 0.25;
            if ((i - ci) * (i - ci) + (j - cj) * (j - cj) < r * r) v = 0.8;
            image[i * size + j] = v;
        }
    }
}
