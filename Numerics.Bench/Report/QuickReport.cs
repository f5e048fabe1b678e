using System.Runtime.InteropServices;
using Numerics.LinearAlgebra;

namespace Numerics.Bench.Report;

/// <summary>
/// The default action of the bench: each family on its built-in problem, CPU vs GPU vs baseline,
/// with time, ratio and accuracy, plus the machine, BLAS and accelerator. <c>--smoke</c> runs the
/// smallest sizes only (CI).
/// </summary>
public static class QuickReport
{
    /// <summary>
    /// Every section, in the order the report runs them. <c>--section</c> selects by
    /// <see cref="IReportSection.Name"/> (several may be given; default all) and the usage text lists
    /// them from here. A family adds its section here.
    /// </summary>
    public static IReadOnlyList<IReportSection> Sections { get; } =
        [new GemmSection(), new LapackSection(), new RandomSection(), new IoSection(), new GpuGemmSection(), new SketchSection(), new SpectralSection(), new GpuSketchSection(), new SolverSection(), new TransportSection(), new TransportExactSection(), new BilevelSection(), new ProximalSection(), new ScaleSection()];

    /// <summary>Runs the report on the console; returns the process exit code.</summary>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs the report with the given writers; returns the process exit code (0, or 2 for bad arguments).</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        bool smoke = false;
        var only = new HashSet<IReportSection>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--smoke") smoke = true;
            else if (args[i] is "--help" or "-h")
            {
                WriteUsage(output);
                return 0;
            }
            else if (args[i] == "--section" && i + 1 < args.Length)
            {
                string name = args[++i];
                var section = Sections.FirstOrDefault(s => s.Name == name);
                if (section is null)
                    return Fail(error, $"unknown report section '{name}' (valid sections: {string.Join(", ", Sections.Select(s => s.Name))})");
                only.Add(section);
            }
            else if (args[i] == "--section") return Fail(error, "--section needs a section name");
            else return Fail(error, $"unknown report option '{args[i]}'");
        }

        var w = output;
        w.WriteLine("# NumericsEngine quick report" + (smoke ? " (smoke sizes)" : ""));
        w.WriteLine();
        w.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}");
        w.WriteLine($"SIMD: Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "yes" : "no")}, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "yes" : "no")}");
        LinearAlgebraBackend backend;
        try
        {
            backend = LinearAlgebraBackend.Current;
        }
        catch (EnvironmentVariableException e)
        {
            // A backend forced by NUMERICS_BLAS that cannot load is a usage error, not a crash.
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
        w.WriteLine($"BLAS in use: {backend}");
        w.WriteLine($"native BLAS: {(LinearAlgebraBackend.Native?.ToString() ?? "none (" + LinearAlgebraBackend.NativeUnavailableReason + ")")}");
        w.WriteLine();
        using var context = new ReportContext(w, smoke);
        foreach (var section in Sections)
            if (only.Count == 0 || only.Contains(section)) section.Run(context);
        return 0;
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine($"error: {message}");
        WriteUsage(error);
        return 2;
    }

    /// <summary>The usage text, with the section list taken from <see cref="Sections"/>.</summary>
    private static void WriteUsage(TextWriter w)
    {
        w.WriteLine("usage: dotnet run -c Release --project Numerics.Bench -- [report] [--smoke] [--section NAME]...");
        w.WriteLine("  --smoke          the smallest size of each section only");
        w.WriteLine("  --section NAME   run only this section (may be repeated); the sections, in run order:");
        int width = Sections.Max(s => s.Name.Length);
        foreach (var s in Sections) w.WriteLine($"    {s.Name.PadRight(width)}  {s.Description}");
    }
}
