using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.IO;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics bilevel tv-denoise --clean X.npy --noisy Y.npy [--out D.npy]</c>: learns the weight
/// and smoothing of smoothed-TV denoising from clean/noisy pairs (2-D images or 3-D stacks) and
/// reports the PSNR before and after.
/// </summary>
public sealed class BilevelDenoiseCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "tv-denoise";

    /// <inheritdoc />
    public string Summary => "learn the weight and smoothing of total-variation denoising from clean/noisy images";

    /// <inheritdoc />
    public string Usage => $"numerics bilevel tv-denoise --clean X.npy --noisy Y.npy [--out D.npy] [--log-weight0 W] [--log-smoothing0 S] {BilevelSolverOptions.Usage}";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        // θ₀ = (−5, −5): MAID's TV experiment.
        double[] theta0 = [args.Double("log-weight0", -5), args.Double("log-smoothing0", -5)];
        var solver = new BilevelSolverOptions(context);
        bool save = args.Optional("out") is not null;
        args.Required("clean");
        args.Required("noisy");
        args.EnsureAllUsed();
        var (clean, shape) = LoadImages(context, "clean");
        bool single = Npy.ReadHeader(args.Required("clean")).Shape.Count == 2;
        var (noisy, noisyShape) = LoadImages(context, "noisy");
        if (noisyShape != shape)
            throw new CliUsageException($"--noisy is {noisyShape.Count}×{noisyShape.Height}×{noisyShape.Width}; --clean is {shape.Count}×{shape.Height}×{shape.Width}");
        using var problem = new TotalVariationDenoisingProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy);
        double started = context.Elapsed;
        var result = solver.Solve(problem, theta0);
        double seconds = context.Elapsed - started;
        if (save)
        {
            int[] dims = single ? [shape.Height, shape.Width] : [shape.Count, shape.Height, shape.Width];
            context.Save(new NpyArray(dims, false, result.LowerSolution));
        }
        var fields = solver.Fields(result, seconds);
        fields["weight"] = Math.Exp(result.Theta[0]);
        fields["smoothing"] = Math.Exp(result.Theta[1]);
        fields["images"] = shape.Count;
        fields["height"] = shape.Height;
        fields["width"] = shape.Width;
        fields["psnr_noisy"] = DenoisingImages.PeakSignalToNoiseRatio(clean, noisy);
        fields["psnr_denoised"] = DenoisingImages.PeakSignalToNoiseRatio(clean, result.LowerSolution);
        context.Summary(fields);
        return CliApp.Success;
    }

    private static (double[] Pixels, ImageShape Shape) LoadImages(CliContext context, string option)
    {
        string path = context.Arguments.Required(option);
        try
        {
            return DenoisingImages.Read(path);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"--{option} {e.Message}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"--{option} {path}: {e.Message}");
        }
    }
}
