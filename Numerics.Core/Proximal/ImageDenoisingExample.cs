using Numerics.Bilevel;

namespace Numerics.Proximal;

/// <summary>
/// A small image denoiser built from the pieces of this family: a convolutional network on 8×8
/// patches, trained by the squared error on patches of real grey images with noise σ = 0.1 (pixels
/// in [0, 1]), and applied to a whole image of any size through the padded patch construction,
/// which keeps it an exact prox (<see cref="PatchedProximalNetwork"/>).
/// </summary>
/// <remarks>
/// The squared error trains the MMSE denoiser, itself a prox; proximal matching would need the
/// longer schedule of the paper and is not what a test on two cores can afford. The schedule is
/// sized to run in seconds: it is a demonstration that the construction works end to end on real
/// data, not a competitive denoiser.
/// </remarks>
public static class ImageDenoisingExample
{
    /// <summary>σ of the training and test noise, on pixels in [0, 1].</summary>
    public const double NoiseLevel = 0.1;

    /// <summary>The patch network: 8×8 patches, 8 channels, 3×3 kernels, two layers, β = 10, α = 0.01.</summary>
    public static ConvolutionalNetworkArchitecture Architecture { get; } = new();

    /// <summary>The schedule: squared error, 300 steps at 1e-2 and 100 at 1e-3.</summary>
    public static IReadOnlyList<TrainingStage> Schedule { get; } =
    [
        new(ProximalLoss.SquaredError, 300, 1e-2),
        new(ProximalLoss.SquaredError, 100, 1e-3),
    ];

    /// <summary>Patches per training step.</summary>
    public const int BatchSize = 32;

    /// <summary>Trains the patch network on patches of <paramref name="pixels"/>.</summary>
    /// <param name="pixels">Clean grey images in [0, 1], image after image, each row by row.</param>
    /// <param name="shape">Their shape; each image must hold an 8×8 patch.</param>
    /// <param name="seed">The seed of the initialisation, the patches and the noise.</param>
    /// <param name="schedule">The stages; null: <see cref="Schedule"/>.</param>
    /// <param name="batchSize">Patches per step; null: <see cref="BatchSize"/>.</param>
    /// <param name="progress">One record per step, as <see cref="ProximalTrainingOptions.Progress"/>.</param>
    /// <exception cref="ArgumentException">The images are smaller than a patch, the shape does not match the pixels, or the schedule is invalid.</exception>
    public static (ConvolutionalProximalNetwork Network, ProximalTrainingResult Result) Train(ReadOnlySpan<double> pixels, ImageShape shape, ulong seed = 0,
        IReadOnlyList<TrainingStage>? schedule = null, int? batchSize = null, IProgress<Optimization.IterationProgress>? progress = null)
    {
        var data = new ImagePatchSamples(pixels, shape, Architecture.ImageHeight, Architecture.ImageWidth);
        var network = new ConvolutionalProximalNetwork(Architecture, seed);
        var options = new ProximalTrainingOptions { Stages = schedule ?? Schedule, BatchSize = batchSize ?? BatchSize, NoiseLevel = NoiseLevel, Seed = seed, Progress = progress };
        return (network, ProximalTrainer.Train(network, data, options));
    }

    /// <summary>The learned prox of the whole <paramref name="height"/> × <paramref name="width"/> image, through padded 8×8 patches with stride 4.</summary>
    /// <exception cref="ArgumentException">The image does not have height·width finite pixels.</exception>
    public static double[] Denoise(ConvolutionalProximalNetwork network, ReadOnlySpan<double> image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(network);
        var patched = new PatchedProximalNetwork(network, height, width);
        var result = new double[image.Length];
        patched.Prox(image, result);
        return result;
    }
}
