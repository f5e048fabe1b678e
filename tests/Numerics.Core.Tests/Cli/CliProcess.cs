using System.Diagnostics;

namespace Numerics.Core.Tests.Cli;

/// <summary>
/// Runs the built <c>numerics</c> tool in a child process with extra environment variables: the
/// only honest way to test what the process-wide variables (<c>NUMERICS_BLAS</c>, <c>MKL_INTERFACE_LAYER</c>)
/// do, since this test process has already chosen its backend.
/// </summary>
internal static class CliProcess
{
    public static (int Code, string Out, string Err) Run(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "numerics.dll"));
        foreach (var a in args) start.ArgumentList.Add(a);
        foreach (var (name, value) in environment) start.Environment[name] = value;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"numerics {string.Join(' ', args)} did not finish in two minutes");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The non-empty lines of <paramref name="text"/>.</summary>
    public static string[] Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
