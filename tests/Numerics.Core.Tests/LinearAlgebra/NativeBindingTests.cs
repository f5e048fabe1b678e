using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Core.Tests.Cli;
using Numerics.IO;
using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

/// <summary>How a native library is judged at load, and how the backend is chosen from NUMERICS_BLAS.</summary>
public class NativeBindingTests
{
    private const string OpenBlasFile = "libopenblas.so.0";
    private const string Ilp64OpenBlasFile = "libopenblas64.so.0";
    private const string MklFile = "libmkl_rt.so";

    [Fact]
    public void A_library_missing_an_entry_point_is_rejected_by_name_and_the_choice_falls_back_to_managed()
    {
        // libm loads but exports no CBLAS: it must be refused before anything is called.
        var (library, rejected) = NativeLibraryResolver.Resolve([new NativeCandidate(BlasBackendKind.OpenBlas, ["libm.so.6"], [])]);
        Assert.Null(library);
        var reason = Assert.Single(rejected);
        Assert.StartsWith("libm.so.6: missing cblas_dgemm, cblas_sgemm", reason);
        Assert.Same(LinearAlgebraBackend.Managed, LinearAlgebraBackend.Choose(null, null, rejected));
    }

    [Fact]
    public void A_library_that_is_not_installed_is_rejected_as_not_found()
    {
        var (library, rejected) = NativeLibraryResolver.Resolve([new NativeCandidate(BlasBackendKind.OpenBlas, ["libnumerics-absent.so.9"], [])]);
        Assert.Null(library);
        Assert.Equal(["libnumerics-absent.so.9: not found"], rejected);
    }

    [NativeLibraryFact(OpenBlasFile)]
    public void A_rejected_candidate_falls_back_to_the_next_one()
    {
        var (library, rejected) = NativeLibraryResolver.Resolve(
            [new NativeCandidate(BlasBackendKind.OpenBlas, ["libm.so.6"], []), NativeCandidate.OpenBlas]);
        Assert.NotNull(library);
        Assert.Equal(BlasBackendKind.OpenBlas, library.Kind);
        Assert.Single(rejected);
        var backend = new NativeBackend(library);
        var c = new double[4];
        backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 2, 2, 2, 1.0, [1, 3, 2, 4], 2, [5, 7, 6, 8], 2, 0.0, c, 2);
        Assert.Equal([19.0, 43, 22, 50], c); // [[1,2],[3,4]]·[[5,6],[7,8]], exact in binary
    }

    [NativeLibraryFact(Ilp64OpenBlasFile)]
    public void An_ilp64_openblas_installed_under_the_lp64_name_is_refused()
    {
        // Debian's libopenblas64 exports the same unsuffixed cblas_* names as the LP64 build; only
        // the integer width differs, which is what the probe must catch.
        string path = NativeLibraryFiles.Find(Ilp64OpenBlasFile)!;
        var (library, rejected) = NativeLibraryResolver.Resolve([new NativeCandidate(BlasBackendKind.OpenBlas, [path], NativeCandidate.OpenBlas.LapackNames)]);
        Assert.Null(library);
        var reason = Assert.Single(rejected);
        Assert.Contains("an ILP64 build", reason);
        Assert.Contains("USE64BITINT", reason);
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData(" MKL ", BlasBackendKind.Mkl)]
    [InlineData("openblas", BlasBackendKind.OpenBlas)]
    [InlineData("Managed", BlasBackendKind.Managed)]
    public void Valid_requests_parse(string? value, BlasBackendKind? expected) =>
        Assert.Equal(expected, LinearAlgebraBackend.ParseRequest(value));

    [Theory]
    [InlineData("bogus")]
    [InlineData("open-blas")]
    public void An_invalid_request_names_the_variable(string value)
    {
        var e = Assert.Throws<EnvironmentVariableException>(() => LinearAlgebraBackend.ParseRequest(value));
        Assert.Equal("NUMERICS_BLAS", e.Variable);
        Assert.Equal($"NUMERICS_BLAS='{value}' is not one of mkl, openblas, managed.", e.Message);
    }

    [Fact]
    public void Requesting_a_vendor_that_cannot_be_used_is_an_error_naming_the_variable_and_the_reason()
    {
        var e = Assert.Throws<EnvironmentVariableException>(() =>
            LinearAlgebraBackend.Choose(BlasBackendKind.Mkl, null, ["libmkl_rt.so: not found"]));
        Assert.Equal("NUMERICS_BLAS", e.Variable);
        Assert.Equal("NUMERICS_BLAS=mkl was requested but cannot be used: libmkl_rt.so: not found", e.Message);
        Assert.Same(LinearAlgebraBackend.Managed, LinearAlgebraBackend.Choose(BlasBackendKind.Managed, null, []));
    }

    [Fact]
    public void Numerics_blas_managed_loads_no_native_library()
    {
        // glibc's loader reports every library it maps under LD_DEBUG=libs.
        var (code, output, err) = CliProcess.Run(new Dictionary<string, string> { ["NUMERICS_BLAS"] = "managed", ["LD_DEBUG"] = "libs" }, "info");
        Assert.True(code == 0, err);
        Assert.Contains("calling init", err); // the loader trace is on: the absence below means something
        Assert.DoesNotContain("libopenblas", err);
        Assert.DoesNotContain("libmkl", err);
        Assert.DoesNotContain("liblapacke", err);
        using var json = JsonDocument.Parse(CliProcess.Lines(output).Single());
        Assert.Equal("Managed", json.RootElement.GetProperty("blas").GetString());
        Assert.Equal(0, json.RootElement.GetProperty("blas_rejected").GetArrayLength());
    }

    [NativeLibraryFact(MklFile)]
    public void Mkl_with_MKL_INTERFACE_LAYER_ILP64_in_the_environment_still_computes_correctly()
    {
        // The engine passes 32-bit integers; without MKL_Set_Interface_Layer(LP64) at load, this
        // environment makes MKL read them as 64-bit ones and the first dgemm crashes.
        var dir = Directory.CreateTempSubdirectory("numerics-mkl").FullName;
        try
        {
            var p = Numerics.Sketching.LeastSquaresTestProblem.Generate(400, 6, condition: 10, residualNorm: 0.1, seed: 9);
            Npy.Write(Path.Combine(dir, "a.npy"), p.A);
            Npy.Write(Path.Combine(dir, "b.npy"), p.B);
            var environment = new Dictionary<string, string> { ["NUMERICS_BLAS"] = "mkl", ["MKL_INTERFACE_LAYER"] = "ILP64" };
            var (code, output, err) = CliProcess.Run(environment, "info");
            Assert.True(code == 0, err);
            Assert.Contains("LP64", JsonDocument.Parse(CliProcess.Lines(output).Single()).RootElement.GetProperty("blas_description").GetString());
            var expected = DenseBaselines.LeastSquaresSvd(p.A, p.B);
            // qr: dgeqrf/dormqr/dtrsm; precondition with a Gaussian sketch: dgemm, then LSQR to machine precision.
            foreach (var (method, sketch) in new[] { ("qr", "srht"), ("precondition", "gaussian") })
            {
                string x = Path.Combine(dir, $"x-{method}.npy");
                (code, _, err) = CliProcess.Run(environment, "lstsq", "--a", Path.Combine(dir, "a.npy"), "--b", Path.Combine(dir, "b.npy"),
                    "--out", x, "--method", method, "--sketch", sketch, "--quiet");
                Assert.True(code == 0, err);
                Vector<double> actual = Npy.ReadVector(x);
                Assert.True((actual - expected).L2Norm() <= 1e-10 * expected.L2Norm(), $"{method}: ‖x − x*‖ = {(actual - expected).L2Norm()}");
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [NativeLibraryFact(MklFile)]
    public void Mkl_is_rejected_with_the_reason_when_its_threading_layer_cannot_be_used()
    {
        var (code, output, err) = CliProcess.Run(new Dictionary<string, string> { ["MKL_THREADING_LAYER"] = "bogus", ["NUMERICS_BLAS"] = "" }, "info");
        Assert.True(code == 0, err); // the next candidate (or managed) takes over, and the process exits cleanly
        using var json = JsonDocument.Parse(CliProcess.Lines(output).Single());
        Assert.NotEqual("Mkl", json.RootElement.GetProperty("blas").GetString());
        var rejected = json.RootElement.GetProperty("blas_rejected").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("libmkl_rt.so: MKL_THREADING_LAYER='bogus' is not one of gnu, intel, tbb, sequential", rejected);
    }
}
