using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Running;
using Numerics.Bench;
using Numerics.Bench.Report;

// No arguments (or "report ...") prints the quick GPU-vs-CPU report; anything else goes to BenchmarkDotNet.
if (args.Length == 0 || args[0] == "report")
    return QuickReport.Run(args.Skip(args.Length > 0 ? 1 : 0).ToArray());
var config = SuiteSelection.WithoutUnrunnableSuites(DefaultConfig.Instance, Console.Error);
var summaries = BenchmarkSwitcher.FromAssembly(typeof(QuickReport).Assembly).Run(args, config);
return SuiteOutcome.ExitCode(summaries, SuiteOutcome.RunsBenchmarks(args), Console.Error);
