using System.Text.Json;
using Numerics.Cli;
using Numerics.IO;
using Numerics.Proximal;

namespace Numerics.Core.Tests.Cli;

public class ProxCliTests : CliCommandTests
{
    private string TrainTiny()
    {
        string model = File("m.lpn");
        var (code, output, err) = Run("prox", "train", "--example", "laplace-1d", "--out", model, "--steps", "10", "--batch", "64", "--seed", "5", "--quiet");
        Assert.True(code == CliApp.Success, err);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal(10, json.RootElement.GetProperty("steps").GetInt32());
        Assert.True(json.RootElement.GetProperty("seconds").GetDouble() >= 0);
        return model;
    }

    [Fact]
    public void Train_then_apply_and_regularizer_agree_with_the_library()
    {
        string model = TrainTiny();
        var net = ProximalNetworkFile.Load(model);
        double[] points = [-3, -1, -0.25, 0, 0.5, 2];
        Npy.Write(File("y.npy"), MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(points));

        var (code, output, err) = Run("prox", "apply", "--model", model, "--in", File("y.npy"), "--out", File("x.npy"));
        Assert.True(code == CliApp.Success, err);
        var expected = new double[points.Length];
        net.Prox(points, expected);
        Assert.Equal(expected, Npy.ReadVector(File("x.npy")).ToArray());
        using (var json = JsonDocument.Parse(output.Trim())) Assert.Equal(points.Length, json.RootElement.GetProperty("points").GetInt32());

        // Evaluate R at the prox outputs, which lie in the range of f.
        (code, output, err) = Run("prox", "regularizer", "--model", model, "--in", File("x.npy"), "--out", File("r.npy"));
        Assert.True(code == CliApp.Success, err);
        var reference = LearnedRegularizer.Evaluate(net, expected);
        Assert.Equal(reference.Values, Npy.ReadVector(File("r.npy")).ToArray());
        using (var json = JsonDocument.Parse(output.Trim()))
        {
            Assert.Equal(reference.MaxResidual, json.RootElement.GetProperty("residual").GetDouble());
            Assert.Equal(reference.AllConverged, json.RootElement.GetProperty("converged").GetBoolean());
        }
    }

    [Fact]
    public void An_image_model_trains_on_patches_and_applies_to_a_whole_image_through_padded_patches()
    {
        string images = Path.Combine(AppContext.BaseDirectory, "Bilevel", "Data", "coins_crop.npy");
        string model = File("img.lpn");
        var (code, output, err) = Run("prox", "train", "--example", "image-patches", "--images", images, "--out", model, "--steps", "4", "--batch", "8", "--seed", "2", "--quiet");
        Assert.True(code == CliApp.Success, err);
        using (var json = JsonDocument.Parse(output.Trim())) Assert.Equal(4, json.RootElement.GetProperty("steps").GetInt32());
        var net = Assert.IsType<ConvolutionalProximalNetwork>(ProximalNetworkFile.Load(model));

        // A 13×10 image: the model's 8×8 input fits neither side.
        var image = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(13, 10, (i, j) => Math.Sin(i + 2.0 * j));
        Npy.Write(File("noisy.npy"), image);
        (code, output, err) = Run("prox", "apply", "--model", model, "--in", File("noisy.npy"), "--out", File("clean.npy"));
        Assert.True(code == CliApp.Success, err);
        var y = new double[130];
        for (int i = 0; i < 13; i++)
            for (int j = 0; j < 10; j++) y[i * 10 + j] = image[i, j];
        var expected = new double[130];
        new PatchedProximalNetwork(net, 13, 10).Prox(y, expected);
        var written = Npy.ReadMatrix(File("clean.npy"));
        Assert.Equal(13, written.RowCount);
        for (int i = 0; i < 13; i++)
            for (int j = 0; j < 10; j++) Assert.Equal(expected[i * 10 + j], written[i, j]);
    }

    /// <summary>
    /// <c>--device gpu</c> trains with the same trainer and applies with the device network: the
    /// model agrees with the CPU-trained one and the applied prox with the library's host prox to
    /// rounding (the device GEMM sums in another order; Adam's steps are bounded by the learning rate,
    /// so a 1e-12 relative gradient difference moves θ by far less than 1e-10 over three steps).
    /// </summary>
    [Fact]
    public void Train_and_apply_on_the_device_agree_with_the_cpu()
    {
        string cpuModel = File("cpu.lpn"), gpuModel = File("gpu.lpn");
        string[] train = ["prox", "train", "--example", "laplace-1d", "--steps", "3", "--batch", "16", "--seed", "5", "--quiet"];
        var (code, _, err) = Run([.. train, "--out", cpuModel]);
        Assert.True(code == CliApp.Success, err);
        (code, var output, err) = Run([.. train, "--out", gpuModel, "--device", "gpu"]);
        Assert.True(code == CliApp.Success, err);
        using (var json = JsonDocument.Parse(output.Trim())) Assert.NotEqual("cpu", json.RootElement.GetProperty("device").GetString());
        var cpu = ProximalNetworkFile.Load(cpuModel);
        var gpu = ProximalNetworkFile.Load(gpuModel);
        var cpuTheta = cpu.Parameters.ToArray();
        var gpuTheta = gpu.Parameters.ToArray();
        Assert.Equal(cpuTheta.Length, gpuTheta.Length);
        for (int i = 0; i < cpuTheta.Length; i++) Assert.True(Math.Abs(cpuTheta[i] - gpuTheta[i]) <= 1e-10, $"θ[{i}]");

        double[] points = [-3, -1, -0.25, 0, 0.5, 2, 3.5];
        Npy.Write(File("y.npy"), MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray(points));
        (code, _, err) = Run("prox", "apply", "--model", gpuModel, "--in", File("y.npy"), "--out", File("x.npy"), "--device", "gpu", "--quiet");
        Assert.True(code == CliApp.Success, err);
        var expected = new double[points.Length];
        gpu.Prox(points, expected);
        var actual = Npy.ReadVector(File("x.npy")).ToArray();
        double scale = expected.Max(Math.Abs);
        for (int i = 0; i < points.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * scale, $"f({points[i]})");
    }

    [Theory]
    [InlineData("numerics prox needs a subcommand", "prox")]
    [InlineData("unknown prox subcommand 'fit'", "prox", "fit")]
    [InlineData("--example is required", "prox", "train", "--out", "m.lpn")]
    [InlineData("--example must be one of laplace-1d", "prox", "train", "--example", "mnist", "--out", "m.lpn")]
    [InlineData("--images is required", "prox", "train", "--example", "image-patches", "--out", "m.lpn")]
    [InlineData("--steps must be at least 1", "prox", "train", "--example", "laplace-1d", "--steps", "0", "--out", "m.lpn")]
    [InlineData("--model is required", "prox", "apply", "--in", "y.npy", "--out", "x.npy")]
    [InlineData("image-patches trains on the CPU", "prox", "train", "--example", "image-patches", "--out", "m.lpn", "--device", "gpu")]
    [InlineData("regularizer runs on the CPU", "prox", "regularizer", "--model", "m.lpn", "--in", "x.npy", "--out", "r.npy", "--device", "gpu")]
    public void Bad_arguments_exit_2_with_one_line(string message, params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Empty(output);
        Assert.Single(CliProcess.Lines(err));
        Assert.Contains(message, err);
    }

    [Fact]
    public void Malformed_truncated_or_foreign_models_exit_2_with_one_line()
    {
        string model = TrainTiny();
        Npy.Write(File("y.npy"), MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray([1.0, 2.0]));
        var bytes = System.IO.File.ReadAllBytes(model);
        System.IO.File.WriteAllBytes(File("truncated.lpn"), bytes[..(bytes.Length / 2)]);
        System.IO.File.WriteAllBytes(File("foreign.lpn"), "\x93NUMPY not a model"u8.ToArray());
        var corrupt = (byte[])bytes.Clone();
        corrupt[^20] ^= 0x40;
        System.IO.File.WriteAllBytes(File("corrupt.lpn"), corrupt);
        foreach (var (file, fragment) in new[] { ("truncated.lpn", "truncated"), ("foreign.lpn", "bad magic"), ("corrupt.lpn", "hash"), ("absent.lpn", "absent.lpn") })
        {
            var (code, output, err) = Run("prox", "apply", "--model", File(file), "--in", File("y.npy"), "--out", File("x.npy"));
            Assert.Equal(CliApp.UsageError, code);
            Assert.Empty(output);
            Assert.Single(CliProcess.Lines(err));
            Assert.Contains(fragment, err);
        }
        Npy.Write(File("nan.npy"), MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfArray([1.0, double.NaN]));
        var (c2, _, e2) = Run("prox", "regularizer", "--model", model, "--in", File("nan.npy"), "--out", File("r.npy"));
        Assert.Equal(CliApp.UsageError, c2);
        Assert.Single(CliProcess.Lines(e2));
    }
}
