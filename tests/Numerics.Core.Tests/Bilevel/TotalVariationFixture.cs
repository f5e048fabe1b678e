using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>Smoothed-TV denoising problems on crops of the real test images, with noise σ = 0.1 (the MAID experiments').</summary>
internal static class TotalVariationFixture
{
    public const double NoiseLevel = 0.1;

    public static string DataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Bilevel", "Data", name);

    /// <summary>The top-left size × size block of each named crop, stacked, with its noisy copy.</summary>
    public static (double[] Clean, double[] Noisy, ImageShape Shape) Stack(int size, params string[] names) => Stack(size, 11, names);

    /// <summary>As <see cref="Stack(int, string[])"/> with the noise drawn from <paramref name="noiseSeed"/>.</summary>
    public static (double[] Clean, double[] Noisy, ImageShape Shape) Stack(int size, ulong noiseSeed, params string[] names)
    {
        var clean = new List<double>();
        foreach (var name in names)
        {
            var (pixels, shape) = DenoisingImages.Read(DataPath(name));
            clean.AddRange(DenoisingImages.Crop(pixels, shape, 0, 0, size, size));
        }
        var stack = clean.ToArray();
        return (stack, DenoisingImages.AddNoise(stack, NoiseLevel, noiseSeed), new ImageShape(names.Length, size, size));
    }

    public static TotalVariationDenoisingProblem<double[]> Problem(int size, params string[] names)
    {
        var (clean, noisy, shape) = Stack(size, names);
        return new TotalVariationDenoisingProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy);
    }

    /// <summary>The "exact" f(θ) and ∇f(θ): the oracle at accuracy 1e-12 by default (the research note's recipe for finite-difference checks).</summary>
    public static HypergradientEstimate Accurate(IBilevelProblem<double[]> problem, double[] theta, double accuracy = 1e-12)
    {
        using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, theta, new InnerSolveOptions { LowerMaxIterations = 100_000, AdjointMaxIterations = 100_000 });
        return oracle.Estimate(theta, accuracy, accuracy);
    }
}
