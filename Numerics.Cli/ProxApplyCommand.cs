using MathNet.Numerics.LinearAlgebra;
using Numerics.Gpu;
using Numerics.IO;
using Numerics.Proximal;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics prox apply --model M.lpn --in Y.npy --out X.npy</c>: the learned prox f(y). A dense
/// model is applied to each block of n consecutive values of a 1-D array (for a scalar model, to
/// each value). A convolutional model is applied to a 2-D (H, W) image of any size through the
/// padded patch construction, which keeps it an exact prox, and the result is an (H, W) image.
/// </summary>
/// <remarks>
/// <c>--device gpu</c> evaluates a dense model with <see cref="GpuProximalNetwork{T}"/> in float64 on the
/// device <see cref="GpuDevice.Create"/> picks (CUDA, else the ILGPU CPU simulator; <c>NUMERICS_GPU</c>
/// forces one); convolutional models run on the CPU only.
/// </remarks>
public sealed class ProxApplyCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "apply";

    /// <inheritdoc />
    public string Summary => "apply a model's learned prox to the points of a 1-D array, or a convolutional model's to a 2-D image";

    /// <inheritdoc />
    public string Usage => "numerics prox apply --model M.lpn --in Y.npy --out X.npy";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        args.Required("model");
        args.Required("in");
        args.Required("out");
        args.EnsureAllUsed();
        var network = ProxCommands.LoadModel(context);
        if (context.Device == CliDevice.Gpu && network is not LearnedProximalNetwork)
            throw new CliUsageException("--device gpu applies dense models; a convolutional model runs on the CPU (use --device cpu)");
        if (network is ConvolutionalProximalNetwork convolutional && context.Load("in", Npy.ReadHeader).Value.Shape.Count == 2)
            return ApplyToImage(context, convolutional);
        var y = ProxCommands.LoadPoints(context, network);
        var started = context.Elapsed;
        var x = new double[y.Length];
        string device = "cpu";
        if (context.Device == CliDevice.Gpu)
        {
            using var gpu = GpuDevice.Create();
            using var onDevice = new GpuProximalNetwork<double>(gpu, (LearnedProximalNetwork)network);
            onDevice.Prox(y, x);
            device = gpu.ToString();
        }
        else
        {
            network.Prox(y, x);
        }
        double seconds = context.Elapsed - started;
        ProxCommands.Save(context, x);
        context.Summary(new Dictionary<string, object?>
        {
            ["points"] = y.Length / network.InputDimension,
            ["dimension"] = network.InputDimension,
            ["seconds"] = seconds,
            ["device"] = device,
        });
        return 0;
    }

    private static int ApplyToImage(CliContext context, ConvolutionalProximalNetwork network)
    {
        var image = context.LoadMatrix("in");
        int height = image.RowCount, width = image.ColumnCount;
        var y = new double[height * width];
        for (int i = 0; i < height; i++)
            for (int j = 0; j < width; j++) y[i * width + j] = image[i, j];
        var patched = new PatchedProximalNetwork(network, height, width);
        var started = context.Elapsed;
        var x = new double[y.Length];
        patched.Prox(y, x);
        double seconds = context.Elapsed - started;
        context.Save(Matrix<double>.Build.Dense(height, width, (i, j) => x[i * width + j]));
        context.Summary(new Dictionary<string, object?>
        {
            ["height"] = height,
            ["width"] = width,
            ["patch"] = $"{patched.PatchHeight}x{patched.PatchWidth}",
            ["stride"] = patched.Stride,
            ["patches"] = patched.PatchesPerImage,
            ["seconds"] = seconds,
        });
        return 0;
    }
}
