using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Gpu;
using Numerics.IO;

namespace Numerics.Cli;

/// <summary>
/// What the denoising subcommands share: <c>--clean X.npy --noisy Y.npy [--out D.npy]</c> (2-D
/// images or 3-D stacks of the same shape), the solver options, the denoised output and the PSNR
/// before and after (peak = max of the clean image). Each model supplies its problem and fields.
/// </summary>
/// <remarks>
/// <c>--device gpu</c> runs the same problem and solver on device stacks: <see cref="GpuArithmetic{T}"/>
/// and <see cref="GpuImageOperators{T}"/> in float64 on the device <see cref="GpuDevice.Create"/> picks
/// (CUDA, else the ILGPU CPU simulator; <c>NUMERICS_GPU</c> forces one). The stacks are uploaded once
/// and the denoised stack comes back at the end.
/// </remarks>
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

    /// <summary>Reads the model's options; the model builds the problem and its θ₀ once the images are loaded.</summary>
    protected abstract DenoisingModel ReadModel(CliContext context);

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
        double started = context.Elapsed;
        Dictionary<string, object?> fields;
        double[] theta, denoised;
        if (context.Device == CliDevice.Gpu)
        {
            using var gpu = GpuDevice.Create();
            using var images = new GpuImageOperators<double>(gpu);
            (fields, theta, denoised) = Solve(context, started, new GpuArithmetic<double>(gpu), images, model, solver, shape, clean, noisy,
                host => DeviceMatrix<double>.Upload(gpu, host.Length, 1, host),
                device =>
                {
                    var host = new double[device.Length];
                    device.CopyTo(host);
                    return host;
                });
            fields["device"] = gpu.ToString();
        }
        else
        {
            (fields, theta, denoised) = Solve(context, started, HostVectorArithmetic.Instance, HostImageOperators.Instance, model, solver, shape, clean, noisy, host => host, host => host);
        }
        if (save)
        {
            int[] dims = single ? [shape.Height, shape.Width] : [shape.Count, shape.Height, shape.Width];
            context.Save(new NpyArray(dims, false, denoised));
        }
        model.AddFields(fields, theta);
        fields["images"] = shape.Count;
        fields["height"] = shape.Height;
        fields["width"] = shape.Width;
        fields["psnr_noisy"] = DenoisingImages.PeakSignalToNoiseRatio(clean, noisy);
        fields["psnr_denoised"] = DenoisingImages.PeakSignalToNoiseRatio(clean, denoised);
        context.Summary(fields);
        return CliApp.Success;
    }

    /// <summary>Builds the problem on <typeparamref name="TVector"/> storage, solves it, and returns the summary fields (seconds counted from <paramref name="started"/>), θ and the denoised stack on the host.</summary>
    private static (Dictionary<string, object?> Fields, double[] Theta, double[] Denoised) Solve<TVector>(CliContext context, double started,
        IVectorArithmetic<TVector> arithmetic, IImageOperators<TVector> images, DenoisingModel model, BilevelSolverOptions solver,
        ImageShape shape, double[] clean, double[] noisy, Func<double[], TVector> upload, Func<TVector, double[]> download)
    {
        IBilevelProblem<TVector> problem;
        double[] theta0;
        var cleanStack = upload(clean);
        try
        {
            var noisyStack = upload(noisy);
            try
            {
                (problem, theta0) = model.Create(arithmetic, images, shape, cleanStack, noisyStack);
            }
            finally { arithmetic.Release(noisyStack); }
        }
        finally { arithmetic.Release(cleanStack); }
        try
        {
            var result = solver.Solve(arithmetic, problem, theta0);
            var denoised = download(result.LowerSolution);
            arithmetic.Release(result.LowerSolution);
            return (solver.Fields(result, context.Elapsed - started), result.Theta, denoised);
        }
        finally
        {
            (problem as IDisposable)?.Dispose();
        }
    }

    private static (double[] Pixels, ImageShape Shape) LoadImages(CliContext context, string option)
    {
        // I/O failures are mapped by the shared loader; the reader's own checks (shape, NaN) throw
        // ArgumentException, whose " (Parameter 'path')" suffix the option already says.
        try
        {
            return context.Load(option, DenoisingImages.Read).Value;
        }
        catch (ArgumentException e)
        {
            string message = e.ParamName is null ? e.Message : e.Message.Replace($" (Parameter '{e.ParamName}')", "");
            throw new CliUsageException($"--{option} {message}");
        }
    }
}
