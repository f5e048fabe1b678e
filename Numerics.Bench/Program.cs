using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Numerics.Bench;
using Numerics.Bench.Report;

// No arguments (or "report ...") prints the quick GPU-vs-CPU report; anything else goes to BenchmarkDotNet.
if (args.Length == 0 || args[0] == "report")
    return QuickReport.Run(args.Skip(args.Length > 0 ? 1 : 0).ToArray());
// BenchmarkDotNet builds a project per suite and gives up after 2 minutes by default, which a
// loaded 2-core machine exceeds (measured: the GEMM suite's build timed out at 2 minutes).
var buildTimeout = TimeSpan.FromMinutes(10);
var config = SuiteSelection.WithoutUnrunnableSuites(ManualConfig.Create(DefaultConfig.Instance).WithBuildTimeout(buildTimeout), Console.Error);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(QuickReport).Assembly).Run(args, config);
return SuiteOutcome.ExitCode(summaries, SuiteOutcome.RunsBenchmarks(args), Console.Error);
