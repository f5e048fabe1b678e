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

    [Theory]
    [InlineData("--device must be one of cpu, gpu, got 'tpu'", "info", "--device", "tpu")]
    [InlineData("--mode must be one of soft, hard, polar, got 'medium'", "clip", "--mode", "medium")]
    [InlineData("--method must be one of newton-schulz, eigen, svd, got 'eig'", "clip", "--method", "eig")]
    [InlineData("--schedule must be one of adaptive, coupled, got 'fast'", "clip", "--schedule", "fast")]
    [InlineData("--polar must be one of converged, polar-express, muon, got 'Muon'", "clip", "--polar", "Muon")]
    [InlineData("--method must be one of sketch, precondition, qr, svd, got 'fast'", "lstsq", "--method", "fast")]
    [InlineData("--sketch must be one of srht, gaussian, countsketch, got 'sparse'", "lstsq", "--sketch", "sparse")]
    [InlineData("--method must be one of sparse, quadratic, sinkhorn, exact, got 'emd'", "ot", "--method", "emd")]
    [InlineData("--formulation must be one of semi-dual, dual, got 'primal'", "ot", "--formulation", "primal")]
    public void An_unknown_word_exits_2_listing_the_valid_words(string message, params string[] args)
    {
        var (code, output, err) = Run(args);
        Assert.Equal(2, code);
        Assert.Empty(output);
        Assert.Equal($"error: {message}", err.Trim());
    }

    [Theory]
    [InlineData("clip", "[--mode soft|hard|polar] [--method newton-schulz|eigen|svd] [--schedule adaptive|coupled] [--polar converged|polar-express|muon]")]
    [InlineData("lstsq", "[--method sketch|precondition|qr|svd] [--sketch srht|gaussian|countsketch]")]
    [InlineData("info", "numerics info")]
    public void Command_help_lists_the_words_from_the_tables(string command, string expected)
    {
        var (code, output, err) = Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Empty(output);
        Assert.Contains(expected, err);
        Assert.Contains("--device cpu|gpu", err);
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

/// <summary>A command's tests: a private temporary folder for the .npy files and an in-process runner.</summary>
public abstract class CliCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("numerics-cli").FullName;

    public void Dispose()
    {
        Directory.Delete(_dir, recursive: true);
        GC.SuppressFinalize(this);
    }

    protected string File(string name) => Path.Combine(_dir, name);

    protected static (int Code, string Out, string Err) Run(params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(args, o, e);
        return (code, o.ToString(), e.ToString());
    }
}

public class LstsqCliTests : CliCommandTests
{

    private Numerics.Sketching.LeastSquaresTestProblem WriteProblem(int n = 600, int d = 8)
    {
        var p = Numerics.Sketching.LeastSquaresTestProblem.Generate(n, d, condition: 10, residualNorm: 0.1, seed: 4);
        Npy.Write(File("a.npy"), p.A);
        Npy.Write(File("b.npy"), p.B);
        return p;
    }

    [Fact]
    public void Lstsq_with_a_directory_as_out_is_a_usage_error()
    {
        WriteProblem();
        string directory = Path.GetDirectoryName(File("a.npy"))!;
        var (code, _, err) = Run("lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", directory, "--method", "qr", "--quiet");
        Assert.Equal(2, code);
        Assert.Contains("--out", err);
        Assert.Contains("is a directory", err);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Lstsq_keeps_a_float32_matrix_float32_and_answers_its_double_copy()
    {
        var p = WriteProblem();
        var single = p.A.Map(v => (float)v);
        Npy.Write(File("a32.npy"), single);
        var (code, output, err) = Run("lstsq", "--a", File("a32.npy"), "--b", File("b.npy"), "--out", File("x.npy"), "--rows", "64", "--seed", "2", "--quiet");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal("float32", json.RootElement.GetProperty("input_dtype").GetString());
        // The sketch of a float matrix is that of its double copy, bit for bit, so x is too.
        var expected = Numerics.Sketching.SketchedLeastSquares.Solve(single.Map(v => (double)v), p.B, new() { Rows = 64, Seed = 2 });
        Assert.Equal(expected.X.ToArray(), Npy.ReadVector(File("x.npy")).ToArray());
    }

    [Fact]
    public void Lstsq_damp_solves_the_ridge_problem()
    {
        var p = WriteProblem();
        var (code, output, err) = Run("lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("x.npy"),
            "--method", "precondition", "--rows", "64", "--damp", "3", "--tol", "1e-12", "--quiet");
        Assert.True(code == 0, err);
        var x = Npy.ReadVector(File("x.npy"));
        // Independent: the normal equations (AᵀA + λ²I)·x = Aᵀb, well conditioned here (κ(A) = 10, λ = 3).
        var gram = p.A.TransposeThisAndMultiply(p.A) + 9 * MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(8);
        var expected = gram.Solve(p.A.TransposeThisAndMultiply(p.B));
        Assert.True((x - expected).L2Norm() <= 1e-10 * expected.L2Norm(), $"{(x - expected).L2Norm() / expected.L2Norm():E2}");
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal(3.0, json.RootElement.GetProperty("damp").GetDouble());
        var (bad, _, badErr) = Run("lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("x.npy"), "--damp", "1", "--certificate", "--quiet");
        Assert.Equal(2, bad);
        Assert.Contains("--certificate is not available with --damp", badErr);
        foreach (var value in new[] { "-1", "NaN", "Infinity" })
        {
            var (code2, _, err2) = Run("lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("x.npy"), "--damp", value, "--quiet");
            Assert.Equal(2, code2);
            Assert.Contains("--damp", err2);
        }
        // The dense methods forward the damping too and give the same ridge answer.
        foreach (var method in new[] { "qr", "svd" })
        {
            var (code3, _, err3) = Run("lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("x.npy"), "--method", method, "--rows", "600", "--damp", "3", "--quiet");
            Assert.True(code3 == 0, err3);
            var xm = Npy.ReadVector(File("x.npy"));
            Assert.True((xm - expected).L2Norm() <= 1e-10 * expected.L2Norm(), $"{method}: {(xm - expected).L2Norm() / expected.L2Norm():E2}");
        }
    }

    [Theory]
    [InlineData("sketch", "srht")]
    [InlineData("sketch", "gaussian")]
    [InlineData("precondition", "countsketch")]
    [InlineData("qr", "srht")]
    [InlineData("svd", "srht")]
    public void Lstsq_writes_x_and_one_json_line(string method, string sketch)
    {
        var p = WriteProblem();
        var (code, output, err) = Run("lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("x.npy"),
            "--method", method, "--sketch", sketch, "--rows", "64", "--seed", "3", "--certificate", "--singular-values", "--quiet");
        Assert.True(code == 0, err);
        var x = Npy.ReadVector(File("x.npy"));
        var expected = Numerics.LinearAlgebra.DenseBaselines.LeastSquaresQr(p.A, p.B);
        if (method is "sketch")
        {
            // Sketch-and-solve is ε-accurate: its ℓ∞ statistic is within the documented bound for m = 64, d = 8.
            double epsilon = Numerics.Sketching.SketchedLeastSquares.LinfErrorStatistic(x, p.XStar, p.ResidualNorm, 1 / p.SmallestSingularValue);
            Assert.True(epsilon <= 2 * Math.Sqrt(2 * 8 * Math.Log(2 * 8 / 0.05) / (64 - 8)), $"ε̂ = {epsilon}");
        }
        else Assert.True((x - expected).L2Norm() <= 1e-10 * expected.L2Norm());
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var json = JsonDocument.Parse(lines[0]);
        var root = json.RootElement;
        Assert.Equal(method, root.GetProperty("method").GetString());
        Assert.True(root.GetProperty("seconds").GetDouble() >= 0);
        Assert.Equal((p.B - p.A * x).L2Norm(), root.GetProperty("residual_norm").GetDouble(), 1e-10);
        Assert.Equal(8, root.GetProperty("rank").GetInt32());
        Assert.Equal(600 * 2.220446049250313e-16, root.GetProperty("rcond").GetDouble(), 1e-25);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("method_reason").ValueKind);
        Assert.Equal("Converged", root.GetProperty("status").GetString());
        if (method is "qr" or "svd")
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty("sketch").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("linf_bound").ValueKind);
            Assert.Equal(JsonValueKind.Null, root.GetProperty("certificate_failure_probability").ValueKind);
            Assert.Equal(method is "svd" ? JsonValueKind.Array : JsonValueKind.Null, root.GetProperty("singular_values").ValueKind);
        }
        else
        {
            Assert.Equal(sketch, root.GetProperty("sketch").GetString());
            Assert.Equal(64, root.GetProperty("rows").GetInt32());
            double bound = root.GetProperty("linf_bound").GetDouble();
            Assert.True((x - p.XStar).AbsoluteMaximum() <= bound);
            Assert.Equal(1e-6, root.GetProperty("certificate_failure_probability").GetDouble());
            Assert.Equal(8, root.GetProperty("singular_values").GetArrayLength());
            if (method is "precondition")
            {
                Assert.True(root.GetProperty("relative_normal_residual").GetDouble() >= 0);
                Assert.NotEqual("None", root.GetProperty("stop_test").GetString());
            }
        }
        Assert.True(root.GetProperty("iterations").GetInt32() >= 0);
    }

    [Fact]
    public void Lstsq_qr_on_a_duplicated_column_reports_rank_9_and_a_bounded_answer()
    {
        var a = Matrix<double>.Build.Dense(200, 10, TestData.Random(2000, 81));
        a.SetColumn(9, a.Column(2));
        var b = Vector<double>.Build.Dense(TestData.Random(200, 82));
        Npy.Write(File("dup.npy"), a);
        Npy.Write(File("b.npy"), b);
        var (code, output, err) = Run("lstsq", "--a", File("dup.npy"), "--b", File("b.npy"), "--out", File("x.npy"), "--method", "qr", "--quiet");
        Assert.True(code == 0, err);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal(9, json.RootElement.GetProperty("rank").GetInt32());
        var svd = Numerics.LinearAlgebra.DenseBaselines.LeastSquaresSvd(a, b);
        Assert.True(Npy.ReadVector(File("x.npy")).L2Norm() <= 10 * svd.L2Norm());
        // --rcond reaches the solver: a cut at 0.9·σ_max keeps fewer columns.
        var (code2, output2, err2) = Run("lstsq", "--a", File("dup.npy"), "--b", File("b.npy"), "--out", File("x.npy"), "--method", "svd", "--rcond", "0.9", "--quiet");
        Assert.True(code2 == 0, err2);
        using var json2 = JsonDocument.Parse(output2.Trim());
        Assert.True(json2.RootElement.GetProperty("rank").GetInt32() < 9);
        Assert.Equal(0.9, json2.RootElement.GetProperty("rcond").GetDouble());
    }

    [Fact]
    public void Lstsq_on_the_gpu_device_matches_the_cpu_answer()
    {
        WriteProblem(300, 6);
        string[] common = ["lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--rows", "32", "--quiet"];
        var (cpuCode, _, cpuErr) = Run([.. common, "--out", File("cpu.npy")]);
        var (gpuCode, output, gpuErr) = Run([.. common, "--out", File("gpu.npy"), "--device", "gpu"]);
        Assert.True(cpuCode == 0 && gpuCode == 0, cpuErr + gpuErr);
        var cpu = Npy.ReadVector(File("cpu.npy"));
        Assert.True((Npy.ReadVector(File("gpu.npy")) - cpu).L2Norm() <= 1e-10 * cpu.L2Norm());
        Assert.Contains("\"device\":", output);
    }

    [Fact]
    public void Bad_input_exits_2()
    {
        WriteProblem(50, 5);
        Npy.Write(File("short.npy"), Vector<double>.Build.Dense(49, 1.0));
        Npy.Write(File("wide.npy"), Matrix<double>.Build.Dense(3, 5, 1.0));
        Npy.Write(File("b3.npy"), Vector<double>.Build.Dense(3, 1.0));
        var nan = Matrix<double>.Build.Dense(50, 5, 1.0);
        nan[3, 3] = double.NaN;
        Npy.Write(File("nan.npy"), nan);
        Npy.Write(File("cube.npy"), new NpyArray([2, 2, 2], false, new double[8]));
        // A 3e8-element (2.4 GB) shape in a 129-byte file, and a 50×5 matrix cut short.
        var bomb = Numerics.Core.Tests.IO.NpyBytes.File(Numerics.Core.Tests.IO.NpyBytes.Dict("<f8", false, "(20000, 15000)"), [], align: 0);
        System.IO.File.WriteAllBytes(File("bomb.npy"), [.. bomb, .. new byte[129 - bomb.Length]]);
        System.IO.File.WriteAllBytes(File("cut.npy"), System.IO.File.ReadAllBytes(File("a.npy"))[..1000]);
        string a = File("a.npy"), b = File("b.npy"), x = File("x.npy");
        foreach (var (args, message) in new (string[], string)[]
        {
            (["--a", File("bomb.npy"), "--b", b, "--out", x], "bomb.npy: data is truncated: shape (20000, 15000) of f8 needs 2400000000 bytes"),
            (["--a", File("cut.npy"), "--b", b, "--out", x], "cut.npy: data is truncated"),
            (["--a", a, "--b", File("short.npy"), "--out", x], "--b has length 49"),
            (["--a", File("wide.npy"), "--b", File("b3.npy"), "--out", x], "must be tall"),
            (["--a", File("nan.npy"), "--b", b, "--out", x], "NaN"),
            (["--a", a, "--b", b, "--out", x, "--rows", "4"], "--rows must be at least the column count 5"),
            (["--a", a, "--b", b, "--out", x, "--method", "fast"], "--method must be one of"),
            (["--a", a, "--b", b, "--out", x, "--tol", "-1"], "--tol must be non-negative"),
            (["--a", a, "--b", b, "--out", x, "--rcond", "1"], "--rcond must lie in [0, 1)"),
            (["--a", File("cube.npy"), "--b", b, "--out", x], "2-D"),
            (["--a", a, "--b", b], "--out is required"),
            (["--a", a, "--b", b, "--out", x, "--device", "gpu", "--sketch", "countsketch"], "no GPU kernel"),
        })
        {
            var (code, output, err) = Run(["lstsq", .. args]);
            Assert.True(code == 2, $"{string.Join(' ', args)} → {code}: {err}");
            Assert.Empty(output);
            Assert.Contains(message, err);
        }
    }
}

public class ClipCliTests : CliCommandTests
{
    [Fact]
    public void A_float32_file_is_read_as_float32_and_agrees_bit_for_bit_with_its_float64_copy()
    {
        var xs = Matrix<float>.Build.Dense(12, 20, (i, j) => (float)Math.Sin(i * 1.3 + j * 0.7) * 3);
        Npy.Write(File("x32.npy"), xs);
        Npy.Write(File("x64.npy"), xs.Map(v => (double)v));
        string[] common = ["clip", "--c", "1.5", "--mode", "soft", "--quiet", "--float32"];
        var r32 = Run([.. common, "--in", File("x32.npy"), "--out", File("y32.npy")]);
        var r64 = Run([.. common, "--in", File("x64.npy"), "--out", File("y64.npy")]);
        Assert.True(r32.Code == 0, r32.Err);
        Assert.True(r64.Code == 0, r64.Err);
        // Both runs hand the solver the same float32 matrix, so the answers match exactly.
        Assert.Equal(Npy.ReadMatrix(File("y64.npy")), Npy.ReadMatrix(File("y32.npy")));
        var nan = xs.Clone();
        nan[2, 3] = float.NaN;
        Npy.Write(File("nan32.npy"), nan);
        var bad = Run([.. common, "--in", File("nan32.npy"), "--out", File("y.npy")]);
        Assert.Equal(2, bad.Code);
        Assert.Contains("contains NaN at flat index 38", bad.Err);
    }

    [Theory]
    [InlineData("soft", "cpu", false)]
    [InlineData("hard", "cpu", false)]
    [InlineData("polar", "cpu", true)]
    [InlineData("soft", "gpu", false)]
    public void Clip_agrees_with_the_svd_method_and_prints_one_json_line(string mode, string device, bool single)
    {
        var x = Matrix<double>.Build.Dense(12, 20, TestData.Random(240, 5)) * 3;
        Npy.Write(File("x.npy"), x);
        string[] common = ["clip", "--in", File("x.npy"), "--c", "1.5", "--mode", mode, "--quiet"];
        var (code, output, err) = Run([.. common, "--out", File("y.npy"), "--device", device, .. (single ? new[] { "--float32" } : [])]);
        Assert.True(code == 0, err);
        var (svdCode, _, svdErr) = Run([.. common, "--out", File("z.npy"), "--method", "svd"]);
        Assert.True(svdCode == 0, svdErr);
        var y = Npy.ReadMatrix(File("y.npy"));
        var z = Npy.ReadMatrix(File("z.npy"));
        Assert.True((y - z).FrobeniusNorm() <= (single ? 1e-4 : 1e-10) * z.FrobeniusNorm());
        using var json = JsonDocument.Parse(output.Trim());
        var root = json.RootElement;
        Assert.Equal(mode, root.GetProperty("mode").GetString());
        Assert.Equal("newton-schulz", root.GetProperty("method").GetString());
        Assert.True(root.GetProperty("steps").GetInt32() > 0);
        Assert.True(root.GetProperty("seconds").GetDouble() >= 0);
        Assert.True(root.GetProperty("residual").GetDouble() >= 0);
        double maxOut = root.GetProperty("max_singular_value_bound").GetDouble();
        Assert.True(Numerics.LinearAlgebra.DenseBaselines.SpectralNorm(y) <= maxOut * (1 + 1e-6));
    }

    [Fact]
    public void Bad_input_exits_2()
    {
        var x = Matrix<double>.Build.Dense(3, 4, 1.0);
        Npy.Write(File("x.npy"), x);
        var nan = x.Clone();
        nan[0, 0] = double.NaN;
        Npy.Write(File("nan.npy"), nan);
        Npy.Write(File("cube.npy"), new NpyArray([2, 2, 2], false, new double[8]));
        string o = File("o.npy");
        foreach (var (args, message) in new (string[], string)[]
        {
            (["--in", File("x.npy"), "--c", "0", "--out", o], "--c must be positive"),
            (["--in", File("x.npy"), "--c", "-2", "--out", o], "--c must be positive"),
            (["--in", File("x.npy"), "--out", o], "--c is required"),
            (["--in", File("nan.npy"), "--c", "1", "--out", o], "NaN"),
            (["--in", File("cube.npy"), "--c", "1", "--out", o], "2-D"),
            (["--in", File("x.npy"), "--c", "1", "--out", o, "--mode", "medium"], "--mode must be one of"),
            (["--in", File("x.npy"), "--c", "1", "--out", o, "--method", "svd", "--device", "gpu"], "--method svd runs on the CPU"),
        })
        {
            var (code, output, err) = Run(["clip", .. args]);
            Assert.True(code == 2, $"{string.Join(' ', args)} → {code}: {err}");
            Assert.Empty(output);
            Assert.Contains(message, err);
        }
    }
}
