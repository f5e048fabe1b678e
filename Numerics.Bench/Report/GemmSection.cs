using System.Diagnostics;
using Numerics.LinearAlgebra;

namespace Numerics.Bench.Report;

/// <summary>Foundation section: the managed SIMD GEMM, with each kernel this machine runs, against the native BLAS in the same run.</summary>
internal sealed class GemmSection : IReportSection
{
    private static readonly int[] SmokeSizes = [128], FullSizes = [128, 1024, 2048];

    /// <inheritdoc />
    public string Name => "gemm";

    /// <inheritdoc />
    public string Description => "managed SIMD GEMM (each kernel this machine runs) against the native BLAS, fp64 and fp32";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        var sizes = context.Sizes(SmokeSizes, FullSizes);
        w.WriteLine("## GEMM (C = A·B, square, column-major)");
        var native = LinearAlgebraBackend.Native;
        // The default kernel first, then the AVX2 kernel pinned, so that both are measured on an AVX-512 machine.
        var kernels = new[] { ManagedGemmKernels.Best, ManagedGemmKernel.Vector256 }.Distinct().Where(ManagedGemmKernels.IsAccelerated).ToArray();
        var managed = kernels.Select(k => new ManagedBackend(k) { Threads = LinearAlgebraBackend.Managed.Threads }).ToArray();
        var headers = new List<string> { "precision", "n", native is null ? "native s" : $"{native.Kind} s", "native GF/s" };
        foreach (var k in kernels) headers.AddRange([$"{k} s", $"{k} GF/s", $"{k}/native"]);
        headers.Add("max |Δ| vs native");
        var table = new ReportTable([.. headers]);
        foreach (int n in sizes)
        {
            RunOne<double>(table, "fp64", n, managed, native);
            RunOne<float>(table, "fp32", n, managed, native);
        }
        table.Write(w);
        w.WriteLine($"managed threads: {LinearAlgebraBackend.Managed.Threads}; native threads: {native?.Threads.ToString() ?? "—"}; "
            + $"default kernel: {ManagedGemmKernels.Describe(ManagedGemmKernels.Best)}; best of interleaved runs; "
            + "ratio = managed throughput / native throughput (targets ≥ 0.8 at n = 1024, 2048 and ≥ 0.5 at n = 128).");
        w.WriteLine();
    }

    private static void RunOne<T>(ReportTable table, string label, int n, LinearAlgebraBackend[] managed, LinearAlgebraBackend? native)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var (a, b) = Operands<T>(n);
        var backends = native is null ? managed : [native, .. managed];
        var outputs = backends.Select(_ => new T[n * n]).ToArray();
        // Interleaved rounds, so that a burst of load on a shared host hits every backend alike.
        int rounds = n <= 256 ? 30 : n <= 1024 ? 8 : 4;
        var best = Enumerable.Repeat(double.MaxValue, backends.Length).ToArray();
        for (int r = 0; r <= rounds; r++)
            for (int i = 0; i < backends.Length; i++)
            {
                long start = Stopwatch.GetTimestamp();
                Gemm(backends[i], n, a, b, outputs[i]);
                if (r > 0) best[i] = Math.Min(best[i], Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
        double flops = 2.0 * n * n * n;
        double tn = native is null ? double.NaN : best[0];
        var cells = new List<object> { label, n, tn, flops / tn / 1e9 };
        double diff = 0;
        for (int i = native is null ? 0 : 1; i < backends.Length; i++)
        {
            cells.AddRange([best[i], flops / best[i] / 1e9, tn / best[i]]);
            diff = native is null ? double.NaN : Math.Max(diff, MaxDifference<T>(outputs[i], outputs[0]));
        }
        cells.Add(diff);
        table.Add([.. cells]);
    }

    /// <summary>Two n×n operands with entries in [-½, ½), seeded by n so every section sees the same problem.</summary>
    internal static (T[] A, T[] B) Operands<T>(int n) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var rng = new System.Random(n);
        var a = new T[n * n];
        var b = new T[n * n];
        for (int i = 0; i < a.Length; i++) { a[i] = T.CreateChecked(rng.NextDouble() - 0.5); b[i] = T.CreateChecked(rng.NextDouble() - 0.5); }
        return (a, b);
    }

    internal static double MaxDifference<T>(T[] x, T[] y) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        double diff = 0;
        for (int i = 0; i < x.Length; i++) diff = Math.Max(diff, double.CreateChecked(T.Abs(x[i] - y[i])));
        return diff;
    }

    internal static void Gemm<T>(LinearAlgebraBackend backend, int n, T[] a, T[] b, T[] c) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
            backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, n, n, n, 1.0, (double[])(object)a, n, (double[])(object)b, n, 0.0, (double[])(object)c, n);
        else
            backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, n, n, n, 1f, (float[])(object)a, n, (float[])(object)b, n, 0f, (float[])(object)c, n);
    }
}
