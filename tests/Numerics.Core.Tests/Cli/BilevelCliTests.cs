using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Bilevel;
using Numerics.IO;
using Numerics.Random;

namespace Numerics.Core.Tests.Cli;

public class BilevelCliTests : CliCommandTests
{
    /// <summary>λ used to build a reachable target: the learned λ must come back to it.</summary>
    private const double TargetLambda = 2.0;

    private void WriteRidge()
    {
        var rng = new CounterRng(5);
        long k = 0;
        var a = Matrix<double>.Build.Dense(25, 6, (_, _) => rng.Normal(k++));
        var b = Vector<double>.Build.Dense(25, _ => rng.Normal(k++));
        // The ridge solution at λ = 2 by a dense solve of the normal equations.
        var target = (a.TransposeThisAndMultiply(a) + TargetLambda * Matrix<double>.Build.DenseIdentity(6)).Solve(a.TransposeThisAndMultiply(b));
        Npy.Write(File("a.npy"), a);
        Npy.Write(File("b.npy"), b);
        Npy.Write(File("target.npy"), target);
        Npy.Write(File("short.npy"), Vector<double>.Build.Dense(5, 1.0));
    }

    private void WriteImages()
    {
        var (pixels, shape) = DenoisingImages.Read(Path.Combine(AppContext.BaseDirectory, "Bilevel", "Data", "camera_crop.npy"));
        var clean = DenoisingImages.Crop(pixels, shape, 0, 0, 16, 16);
        var noisy = DenoisingImages.AddNoise(clean, 0.1, 3);
        Npy.Write(File("clean.npy"), new NpyArray([16, 16], false, clean));
        Npy.Write(File("noisy.npy"), new NpyArray([16, 16], false, noisy));
        Npy.Write(File("small.npy"), new NpyArray([8, 8], false, new double[64]));
        var nan = (double[])noisy.Clone();
        nan[7] = double.NaN;
        Npy.Write(File("nan.npy"), new NpyArray([16, 16], false, nan));
    }

    [Fact]
    public void Ridge_learns_the_lambda_that_reproduces_the_target()
    {
        WriteRidge();
        var (code, output, err) = Run("bilevel", "ridge", "--a", File("a.npy"), "--b", File("b.npy"), "--target", File("target.npy"), "--lambda0", "0.1", "--tol", "1e-8", "--quiet");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        Assert.True("Converged" == root.GetProperty("status").GetString(), output + err);
        // |f′(θ)| ≤ 1e-8 at an exact zero of f: |λ − 2| ≈ λ·|θ − θ*| ≤ λ·1e-8/f″, f″ ≈ 1e-3 here; 1e-4 relative leaves a factor 50.
        Assert.True(Math.Abs(root.GetProperty("lambda").GetDouble() - TargetLambda) <= 1e-4 * TargetLambda, output);
        foreach (var field in new[] { "upper_loss", "iterations", "lower_iterations_total", "cg_iterations_total", "seconds" })
            Assert.True(root.TryGetProperty(field, out _), field);
    }

    [Fact]
    public void Ridge_by_default_converges_to_the_relative_target_and_prints_it()
    {
        WriteRidge();
        var (code, output, err) = Run("bilevel", "ridge", "--a", File("a.npy"), "--b", File("b.npy"), "--target", File("target.npy"), "--lambda0", "0.1", "--quiet");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        Assert.True("Converged" == root.GetProperty("status").GetString(), output + err);
        double target = root.GetProperty("stationarity_target").GetDouble();
        Assert.True(target > 0, output);
        Assert.True(root.GetProperty("hypergradient_norm").GetDouble() + root.GetProperty("hypergradient_error_bound").GetDouble() <= target, output);
    }

    [Fact]
    public void Tv_denoise_improves_the_psnr_and_writes_the_denoised_image()
    {
        WriteImages();
        foreach (var method in new[] { "maid", "fixed" })
        {
            var (code, output, err) = Run("bilevel", "tv-denoise", "--clean", File("clean.npy"), "--noisy", File("noisy.npy"), "--out", File("d.npy"), "--max-iterations", "10", "--method", method, "--quiet");
            Assert.True(code == 0, err);
            using var json = JsonDocument.Parse(output.Trim());
            var root = json.RootElement;
            var denoised = Npy.Read(File("d.npy"));
            Assert.Equal([16, 16], denoised.Shape);
            var clean = Npy.Read(File("clean.npy")).ToDoubleArray();
            double psnr = DenoisingImages.PeakSignalToNoiseRatio(clean, denoised.ToDoubleArray());
            Assert.Equal(psnr, root.GetProperty("psnr_denoised").GetDouble(), 12);
            Assert.True(psnr > root.GetProperty("psnr_noisy").GetDouble(), output);
            Assert.Equal(method, root.GetProperty("method").GetString());
        }
    }

    [Fact]
    public void Foe_learns_filters_that_improve_the_psnr()
    {
        WriteImages();
        var (code, output, err) = Run("bilevel", "foe", "--clean", File("clean.npy"), "--noisy", File("noisy.npy"), "--out", File("d.npy"),
            "--filters", "2", "--filter-size", "3", "--max-iterations", "5", "--seed", "1", "--quiet");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        Assert.Equal(2, root.GetProperty("weights").GetArrayLength());
        Assert.Equal(2 * (2 + 9), root.GetProperty("theta").GetArrayLength());
        double psnr = DenoisingImages.PeakSignalToNoiseRatio(Npy.Read(File("clean.npy")).ToDoubleArray(), Npy.Read(File("d.npy")).ToDoubleArray());
        Assert.Equal(psnr, root.GetProperty("psnr_denoised").GetDouble(), 12);
        Assert.True(psnr > root.GetProperty("psnr_noisy").GetDouble(), output);
    }

    /// <summary>
    /// The device run (the ILGPU CPU simulator here, CUDA where present) against the CPU run of the same
    /// command: the same problem and solver code, with the device's dots and norms reduced in another
    /// order, so θ and the denoised image agree to rounding carried through the solves (1e-9 relative,
    /// as in the GPU tests' MAID comparison) and the discrete decisions are the same. TV only, on one
    /// 12×14 crop, for one outer iteration from a well-conditioned θ₀ and ε₀ = 1e-4: each device dot or
    /// norm costs the simulator a 256-thread group with barriers. foe builds its problem through the same
    /// code path (its device run is compared with the host in the GPU tests).
    /// </summary>
    [Fact]
    public void Tv_denoise_on_the_gpu_device_matches_the_cpu_run()
    {
        var (pixels, shape) = DenoisingImages.Read(Path.Combine(AppContext.BaseDirectory, "Bilevel", "Data", "camera_crop.npy"));
        var clean = DenoisingImages.Crop(pixels, shape, 0, 0, 12, 14);
        Npy.Write(File("clean.npy"), new NpyArray([12, 14], false, clean));
        Npy.Write(File("noisy.npy"), new NpyArray([12, 14], false, DenoisingImages.AddNoise(clean, 0.1, 3)));
        string[] common = ["bilevel", "tv-denoise", "--clean", File("clean.npy"), "--noisy", File("noisy.npy"), "--max-iterations", "1",
            "--log-weight0", "-6", "--log-smoothing0", "-3", "--epsilon0", "1e-4", "--quiet"];
        var (cpuCode, cpuOutput, cpuErr) = Run([.. common, "--out", File("cpu.npy")]);
        var (gpuCode, gpuOutput, gpuErr) = Run([.. common, "--out", File("gpu.npy"), "--device", "gpu"]);
        Assert.True(cpuCode == 0 && gpuCode == 0, cpuErr + gpuErr);
        using var cpuJson = JsonDocument.Parse(cpuOutput.Trim());
        using var gpuJson = JsonDocument.Parse(gpuOutput.Trim());
        var cpu = cpuJson.RootElement;
        var gpu = gpuJson.RootElement;
        Assert.Equal("cpu", cpu.GetProperty("device").GetString());
        Assert.NotEqual("cpu", gpu.GetProperty("device").GetString());
        Assert.Equal(cpu.GetProperty("status").GetString(), gpu.GetProperty("status").GetString());
        Assert.Equal(cpu.GetProperty("accepted_steps").GetInt32(), gpu.GetProperty("accepted_steps").GetInt32());
        Assert.True(cpu.GetProperty("accepted_steps").GetInt32() > 0, cpuOutput);
        var cpuTheta = cpu.GetProperty("theta").EnumerateArray().Select(t => t.GetDouble()).ToArray();
        var gpuTheta = gpu.GetProperty("theta").EnumerateArray().Select(t => t.GetDouble()).ToArray();
        Assert.Equal(cpuTheta.Length, gpuTheta.Length);
        for (int i = 0; i < cpuTheta.Length; i++) Assert.True(Math.Abs(cpuTheta[i] - gpuTheta[i]) <= 1e-9 * Math.Max(1, Math.Abs(cpuTheta[i])), $"θ[{i}]: {gpuTheta[i]} vs {cpuTheta[i]}");
        var cpuImage = Npy.Read(File("cpu.npy")).ToDoubleArray();
        var gpuImage = Npy.Read(File("gpu.npy")).ToDoubleArray();
        Assert.True(cpuImage.Zip(gpuImage, (a, b) => Math.Abs(a - b)).Max() <= 1e-9, "the denoised images");
    }

    [Theory]
    [InlineData("--filter-size 9 does not fit 8×8 images", "foe", "--clean", "small.npy", "--noisy", "small.npy", "--filter-size", "9")]
    [InlineData("--noisy is 1×8×8; --clean is 1×16×16", "tv-denoise", "--clean", "clean.npy", "--noisy", "small.npy")]
    [InlineData("non-finite", "tv-denoise", "--clean", "clean.npy", "--noisy", "nan.npy")]
    [InlineData("ridge runs on the CPU", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "target.npy", "--device", "gpu")]
    [InlineData("--schedule applies to --method fixed", "tv-denoise", "--clean", "clean.npy", "--noisy", "noisy.npy", "--schedule", "cubic")]
    [InlineData("--quasi-newton applies to --method maid", "tv-denoise", "--clean", "clean.npy", "--noisy", "noisy.npy", "--method", "fixed", "--quasi-newton", "3")]
    [InlineData("--method must be one of maid, fixed", "tv-denoise", "--clean", "clean.npy", "--noisy", "noisy.npy", "--method", "hoag")]
    [InlineData("unknown bilevel subcommand 'lasso'", "lasso")]
    [InlineData("--target has 5 entries; --a has 6 columns", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "short.npy")]
    [InlineData("--b has 5 entries; --a has 25 rows", "ridge", "--a", "a.npy", "--b", "short.npy", "--target", "target.npy")]
    [InlineData("--tol and --rtol exclude each other", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "target.npy", "--tol", "1e-6", "--rtol", "1e-3")]
    [InlineData("--rtol must be below 1", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "target.npy", "--rtol", "1")]
    [InlineData("--rtol must not be negative", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "target.npy", "--rtol", "-1e-3")]
    [InlineData("--lambda0 must be positive", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "target.npy", "--lambda0", "-1")]
    public void Bad_input_exits_2_with_one_line(string message, params string[] args)
    {
        WriteRidge();
        WriteImages();
        var resolved = args.Select(a => a.EndsWith(".npy", StringComparison.Ordinal) ? File(a) : a).Prepend("bilevel").Append("--quiet").ToArray();
        var (code, output, err) = Run(resolved);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, err);
        Assert.DoesNotContain("(Parameter", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Bilevel_without_a_subcommand_lists_them()
    {
        var (code, _, err) = Run("bilevel");
        Assert.Equal(2, code);
        Assert.Contains("ridge", err);
        Assert.Contains("tv-denoise", err);
        Assert.Contains("foe", err);
    }
}
