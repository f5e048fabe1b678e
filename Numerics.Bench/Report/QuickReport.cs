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
    /// <summary>Runs the report; returns the process exit code.</summary>
    public static int Run(string[] args)
    {
        bool smoke = args.Contains("--smoke");
        var unknown = args.Where(a => a != "--smoke").ToArray();
        if (unknown.Length > 0)
        {
            Console.Error.WriteLine($"error: unknown report option '{unknown[0]}' (expected --smoke)");
            return 2;
        }
        var w = Console.Out;
        w.WriteLine("# NumericsEngine quick report" + (smoke ? " (smoke sizes)" : ""));
        w.WriteLine();
        w.WriteLine($"machine: {Environment.ProcessorCount} logical cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.ProcessArchitecture}, .NET {Environment.Version}");
        w.WriteLine($"SIMD: Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "yes" : "no")}, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "yes" : "no")}");
        w.WriteLine($"BLAS in use: {LinearAlgebraBackend.Current}");
        w.WriteLine($"native BLAS: {(LinearAlgebraBackend.Native?.ToString() ?? "none (" + LinearAlgebraBackend.NativeUnavailableReason + ")")}");
        w.WriteLine();
        GemmSection.Run(w, smoke ? [128] : [256, 1024, 2048]);
        GpuGemmSection.Run(w, smoke ? [256] : [1024, 2048, 4096]);
        return 0;
    }
}
