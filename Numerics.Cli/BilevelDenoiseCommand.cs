using Numerics.Bilevel;
using Numerics.IO;

namespace Numerics.Cli;

/// <summary>
/// What the denoising subcommands share: <c>--clean X.npy --noisy Y.npy [--out D.npy]</c> (2-D
/// images or 3-D stacks of the same shape), the solver options, the denoised output and the PSNR
/// before and after (peak = max of the clean image). Each model supplies its problem and fields.
/// </summary>
public abstract class BilevelDenoiseCommand : ICliCommand
{
    /// <inheritdoc />
    public abstract string Name { get; }

    /// <inheritdoc />
    public abstract string Summary { get; }

    /// <summary>The model's own options, for the usage text.</summary>
    protected abstract string ModelUsage { get; }

    /// <inheritdoc />
    public string Usage => $"numerics bilevel {Name} --clean X.npy --noisy Y.npy [--out D.npy] {ModelUsage} {BilevelSolverOptions.Usage}";

    /// <summary>Reads the model's options; returns what builds the problem and its θ₀ once the images are loaded.</summary>
    protected abstract Func<ImageShape, double[], double[], (IBilevelProblem<double[]> Problem, double[] Theta0)> ReadModel(CliContext context);

    /// <summary>Adds the learned parameters of <paramref name="problem"/>, named, to the summary.</summary>
    protected abstract void AddFields(Dictionary<string, object?> fields, IBilevelProblem<double[]> problem, double[] theta);

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        var model = ReadModel(context);
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
        var (problem, theta0) = model(shape, clean, noisy);
        double started = context.Elapsed;
        BilevelResult<double[]> result;
        try
        {
            result = solver.Solve(problem, theta0);
        }
        finally
        {
            (problem as IDisposable)?.Dispose();
        }
        double seconds = context.Elapsed - started;
        if (save)
        {
            int[] dims = single ? [shape.Height, shape.Width] : [shape.Count, shape.Height, shape.Width];
            context.Save(new NpyArray(dims, false, result.LowerSolution));
        }
        var fields = solver.Fields(result, seconds);
        AddFields(fields, problem, result.Theta);
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
