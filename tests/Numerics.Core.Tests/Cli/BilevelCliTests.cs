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

    [Theory]
    [InlineData("--filter-size 9 does not fit 8×8 images", "foe", "--clean", "small.npy", "--noisy", "small.npy", "--filter-size", "9")]
    [InlineData("--noisy is 1×8×8; --clean is 1×16×16", "tv-denoise", "--clean", "clean.npy", "--noisy", "small.npy")]
    [InlineData("non-finite", "tv-denoise", "--clean", "clean.npy", "--noisy", "nan.npy")]
    [InlineData("runs on the CPU", "tv-denoise", "--clean", "clean.npy", "--noisy", "noisy.npy", "--device", "gpu")]
    [InlineData("--schedule applies to --method fixed", "tv-denoise", "--clean", "clean.npy", "--noisy", "noisy.npy", "--schedule", "cubic")]
    [InlineData("--method must be one of maid, fixed", "tv-denoise", "--clean", "clean.npy", "--noisy", "noisy.npy", "--method", "hoag")]
    [InlineData("unknown bilevel subcommand 'lasso'", "lasso")]
    [InlineData("--target has 5 entries; --a has 6 columns", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "short.npy")]
    [InlineData("--b has 5 entries; --a has 25 rows", "ridge", "--a", "a.npy", "--b", "short.npy", "--target", "target.npy")]
    [InlineData("--tol and --rtol exclude each other", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "target.npy", "--tol", "1e-6", "--rtol", "1e-3")]
    [InlineData("--rtol must be below 1", "ridge", "--a", "a.npy", "--b", "b.npy", "--target", "target.npy", "--rtol", "1")]
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
