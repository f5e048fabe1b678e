using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Cli;
using Numerics.IO;

namespace Numerics.Core.Tests.Cli;

public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }

    [Fact]
    public void Info_prints_one_json_line_with_the_backend()
    {
        var (code, output, _) = Run("info");
        Assert.Equal(0, code);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var json = JsonDocument.Parse(lines[0]);
        Assert.Equal(Numerics.LinearAlgebra.LinearAlgebraBackend.Current.Kind.ToString(), json.RootElement.GetProperty("blas").GetString());
        Assert.True(json.RootElement.GetProperty("blas_threads").GetInt32() >= 1);
    }

    [Theory]
    [InlineData("unknown option --bogus", "info", "--bogus", "1")]
    [InlineData("unknown command 'frobnicate'", "frobnicate")]
    [InlineData("--device must be one of cpu, gpu", "info", "--device", "tpu")]
    [InlineData("--seed must be at least 0", "info", "--seed", "-3")]
    [InlineData("unexpected argument 'stray'", "info", "stray")]
    [InlineData("--quiet takes no value", "info", "--quiet=yes")]
    public void Bad_input_exits_2_with_one_line(string message, params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Contains(message, err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Input_loading_rejects_non_finite_values_and_missing_files()
    {
        string path = Path.Combine(Path.GetTempPath(), $"nan-{Guid.NewGuid():N}.npy");
        try
        {
            Npy.Write(path, Matrix<double>.Build.DenseOfArray(new[,] { { 1.0, double.NaN } }));
            var ctx = new CliContext(new CliArguments(["--a", path]), TextWriter.Null, TextWriter.Null);
            var e = Assert.Throws<CliUsageException>(() => ctx.LoadMatrix("a"));
            Assert.Contains("NaN", e.Message);
            var missing = new CliContext(new CliArguments(["--a", path + ".missing"]), TextWriter.Null, TextWriter.Null);
            Assert.Throws<CliUsageException>(() => missing.LoadMatrix("a"));
            var absent = new CliContext(new CliArguments([]), TextWriter.Null, TextWriter.Null);
            Assert.Contains("--a is required", Assert.Throws<CliUsageException>(() => absent.LoadMatrix("a")).Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Shared_options_and_typed_getters_parse()
    {
        var args = new CliArguments(["--seed", "7", "--device=gpu", "--tol", "1e-9", "--rows", "12", "--quiet"]);
        var ctx = new CliContext(args, TextWriter.Null, TextWriter.Null);
        Assert.Equal(7UL, ctx.Seed);
        Assert.Equal(CliDevice.Gpu, ctx.Device);
        Assert.True(ctx.Quiet);
        Assert.Equal(1e-9, args.Double("tol", 0, positive: true));
        Assert.Equal(12, args.Int("rows", 0, min: 1));
        args.EnsureAllUsed();
        Assert.Throws<CliUsageException>(() => new CliArguments(["--c", "-1"]).Double("c", 1, positive: true));
        Assert.Throws<CliUsageException>(() => new CliArguments(["--x", "1", "--x", "2"]));
    }
}
