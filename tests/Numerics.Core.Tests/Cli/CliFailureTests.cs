using Numerics.Cli;

namespace Numerics.Core.Tests.Cli;

/// <summary>Every failure is one line and an exit code: 2 for bad input, 1 for the unexpected; never a stack trace unless --verbose.</summary>
public class CliFailureTests : CliCommandTests
{
    private static void AssertOneLineWithoutStackTrace(string err)
    {
        Assert.Single(CliProcess.Lines(err));
        Assert.DoesNotContain(" at ", err);
        Assert.DoesNotContain("Unhandled exception", err);
    }

    [Theory]
    [InlineData("NUMERICS_BLAS", "bogus", "error: NUMERICS_BLAS='bogus' is not one of mkl, openblas, managed.")]
    [InlineData("NUMERICS_GPU", "tpu", "error: NUMERICS_GPU='tpu' is not one of cuda, cpu.")]
    public void An_invalid_backend_variable_is_a_usage_error(string variable, string value, string expected)
    {
        var (code, output, err) = CliProcess.Run(new Dictionary<string, string> { [variable] = value }, "info");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Empty(output);
        AssertOneLineWithoutStackTrace(err);
        Assert.Equal(expected, err.Trim());
    }

    [Fact]
    public void An_invalid_NUMERICS_BLAS_fails_version_too_without_a_stack_trace()
    {
        var (code, _, err) = CliProcess.Run(new Dictionary<string, string> { ["NUMERICS_BLAS"] = "bogus" }, "--version");
        Assert.Equal(CliApp.UsageError, code);
        AssertOneLineWithoutStackTrace(err);
    }

    [Fact]
    public void A_missing_input_file_is_a_usage_error()
    {
        string missing = File("absent.npy");
        var (code, output, err) = Run("lstsq", "--a", missing, "--b", missing, "--out", missing + ".x");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Empty(output);
        AssertOneLineWithoutStackTrace(err);
        Assert.StartsWith($"error: --a {missing}:", err);
    }

    [Fact]
    public void A_bad_option_is_a_usage_error_and_verbose_adds_the_detail()
    {
        var (code, _, err) = Run("info", "--bogus", "1");
        Assert.Equal(CliApp.UsageError, code);
        AssertOneLineWithoutStackTrace(err);
        (code, _, err) = Run("info", "--bogus", "1", "--verbose");
        Assert.Equal(CliApp.UsageError, code);
        Assert.StartsWith("error: unknown option --bogus", err);
        Assert.Contains("CliUsageException", err);
    }

    [Fact]
    public void Verbose_is_accepted_by_a_command_that_succeeds()
    {
        var (code, output, err) = Run("info", "--verbose");
        Assert.True(code == 0, err);
        Assert.Single(CliProcess.Lines(output));
    }

    [Fact]
    public void An_unexpected_failure_exits_1_with_one_line_and_the_detail_only_when_verbose()
    {
        var failure = Capture(() => throw new InvalidOperationException("boom\nsecond line"));
        var quiet = new StringWriter();
        Assert.Equal(CliApp.Failure, CliApp.Report(failure, quiet, verbose: false));
        AssertOneLineWithoutStackTrace(quiet.ToString());
        Assert.Equal("error: InvalidOperationException: boom second line (--verbose shows the details)", quiet.ToString().Trim());
        var verbose = new StringWriter();
        Assert.Equal(CliApp.Failure, CliApp.Report(failure, verbose, verbose: true));
        Assert.Contains(nameof(Capture), verbose.ToString()); // the stack trace
    }

    [Fact]
    public void A_usage_error_inside_a_type_initializer_is_reported_as_the_cause()
    {
        var wrapped = new TypeInitializationException("Some.Type", new ArgumentException("bad value", "x"));
        var err = new StringWriter();
        Assert.Equal(CliApp.UsageError, CliApp.Report(wrapped, err, verbose: false));
        Assert.Equal("error: bad value (Parameter 'x')", err.ToString().Trim());
    }

    private static Exception Capture(Action a)
    {
        try { a(); }
        catch (Exception e) { return e; }
        throw new InvalidOperationException("no exception");
    }
}
