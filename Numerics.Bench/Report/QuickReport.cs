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
    /// <summary>The sections <c>--section</c> can select (several may be given; default all).</summary>
    public static readonly string[] Sections = ["gemm", "gpu-gemm", "sketch", "gpu-sketch", "spectral"];

    /// <summary>Runs the report; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        bool smoke = false;
        var only = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--smoke") smoke = true;
            else if (args[i] == "--section" && i + 1 < args.Length && Sections.Contains(args[i + 1])) only.Add(args[++i]);
            else
            {
                Console.Error.WriteLine($"error: unknown report option '{args[i]}' (expected --smoke, --section {string.Join("|", Sections)})");
                return 2;
            }
        }
        bool Wants(string section) => only.Count == 0 || only.Contains(section);
        var w = Console.Out;
        w.WriteLine("# NumericsEngine quick report" + (smoke ? " (smoke sizes)" : ""));
        w.WriteLine();
        w.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}");
        w.WriteLine($"SIMD: Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "yes" : "no")}, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "yes" : "no")}");
        w.WriteLine($"BLAS in use: {LinearAlgebraBackend.Current}");
        w.WriteLine($"native BLAS: {(LinearAlgebraBackend.Native?.ToString() ?? "none (" + LinearAlgebraBackend.NativeUnavailableReason + ")")}");
        w.WriteLine();
        if (Wants("gemm")) GemmSection.Run(w, smoke ? [128] : [256, 1024, 2048]);
        if (Wants("gpu-gemm")) GpuGemmSection.Run(w, smoke ? [256] : [1024, 2048, 4096]);
        if (Wants("sketch")) SketchSection.Run(w, smoke ? [(4096, 32)] : [(131072, 256), (32768, 1024)], GpuSketchSection.Backend());
        if (Wants("spectral")) SpectralSection.Run(w, smoke ? [(64, 160)] : [(768, 3072), (1024, 1024)], smoke ? [48] : [1024, 2048, 4096]);
        if (Wants("gpu-sketch")) GpuSketchSection.Run(w, smoke ? [(4096, 8)] : [(131072, 256), (32768, 1024), (1048576, 256)]);
        return 0;
    }
}
