using BenchmarkDotNet.Reports;

namespace Numerics.Bench;

/// <summary>Turns BenchmarkDotNet's summaries into the process exit code, so that a failed benchmark fails the run.</summary>
public static class SuiteOutcome
{
    /// <summary>
    /// 0 when every selected benchmark ran; 1 when any failed (build, setup or run: BenchmarkDotNet
    /// reports these and carries on), a summary has critical validation errors, or nothing was selected
    /// when <paramref name="expectRuns"/>. Each failure is named on <paramref name="error"/>.
    /// </summary>
    /// <summary>Whether BenchmarkDotNet is asked to run benchmarks, rather than to list them or print help.</summary>
    public static bool RunsBenchmarks(string[] args) =>
        !args.Any(a => a is "--list" or "--help" or "-h" or "-?" or "--info" or "--version");

    public static int ExitCode(IEnumerable<Summary> summaries, bool expectRuns, TextWriter error)
    {
        var all = summaries.ToList();
        var failures = new List<string>();
        foreach (var summary in all)
        {
            failures.AddRange(summary.ValidationErrors.Where(e => e.IsCritical).Select(e => $"validation: {e.Message}"));
            foreach (var benchmark in summary.BenchmarksCases)
            {
                var report = summary.Reports.FirstOrDefault(r => r.BenchmarkCase == benchmark);
                if (report is null || !report.Success) failures.Add($"failed: {benchmark.DisplayInfo}");
            }
        }
        if (expectRuns && all.Sum(s => s.BenchmarksCases.Length) == 0) failures.Add("no benchmark was selected");
        foreach (var f in failures) error.WriteLine($"error: {f}");
        return failures.Count == 0 ? 0 : 1;
    }
}
