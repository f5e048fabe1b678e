using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.IO;
using Numerics.Random;

namespace Numerics.Bench.Problems;

/// <summary>
/// The built-in problems of the bilevel report section and benchmark suite: TV and field-of-experts
/// denoising of crops of the real images in the shared data folder (camera, astronaut, coins),
/// with Gaussian noise σ = 0.1 (seed 1), as in MAID's TV experiment; and multinomial logistic
/// regression with one weight per feature on the 8×8 digits (MAID's MNIST experiment in small).
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

    /// <summary>The field-of-experts problem on host arrays, with its starting θ (the reference script's, filters from seed 1).</summary>
    public static (FieldOfExpertsProblem<double[]> Problem, double[] Theta0) FieldOfExperts(double[] clean, double[] noisy, ImageShape shape, int filters, int filterSize)
    {
        var problem = new FieldOfExpertsProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy, filters, filterSize);
        return (problem, problem.InitialParameters(1));
    }

    /// <summary>
    /// Multinomial logistic regression on the digits: the first <paramref name="train"/> samples
    /// train, the next <paramref name="validation"/> validate (features ÷ 16, so in [0, 1]); θ₀ = −3
    /// for every feature (MAID's MNIST start). Without the data folder: a seeded Gaussian mixture of
    /// the same shape. Returns the source with the problem.
    /// </summary>
    public static (MultinomialLogisticProblem Problem, double[] Theta0, string Source) Logistic(int train, int validation)
    {
        const int features = 64, classes = 10;
        int total = train + validation;
        var x = new double[total * features];
        var labels = new int[total];
        string? folder = DataFolder();
        string source;
        if (folder is not null && File.Exists(Path.Combine(folder, "digits_images.npy")))
        {
            var images = Npy.Read(Path.Combine(folder, "digits_images.npy")).ToDoubleArray();
            var y = Npy.Read(Path.Combine(folder, "digits_labels.npy")).ToDoubleArray();
            if (images.Length < total * features) throw new InvalidOperationException($"The digits hold {images.Length / features} samples; {total} asked for.");
            for (int i = 0; i < total * features; i++) x[i] = images[i] / 16.0;
            for (int i = 0; i < total; i++) labels[i] = (int)y[i];
            source = "digits (8×8, UCI)";
        }
        else
        {
            var rng = new CounterRng(3);
            var centres = new double[classes * features];
            rng.FillNormal(centres);
            var noise = new double[total * features];
            new CounterRng(4).FillNormal(noise);
            for (int i = 0; i < total; i++)
            {
                labels[i] = i % classes;
                for (int j = 0; j < features; j++) x[i * features + j] = centres[labels[i] * features + j] + 2 * noise[i * features + j];
            }
            source = "synthetic Gaussian mixture (no shared/data folder)";
        }
        var a = Matrix<double>.Build.Dense(train, features, (i, j) => x[i * features + j]);
        var av = Matrix<double>.Build.Dense(validation, features, (i, j) => x[(train + i) * features + j]);
        var problem = new MultinomialLogisticProblem(a, labels[..train], av, labels[train..], classes);
        return (problem, Enumerable.Repeat(-3.0, features).ToArray(), source);
    }

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
