using Numerics.LinearAlgebra;

namespace Numerics.Bench.Report;

/// <summary>Foundation section: managed SIMD GEMM against the native BLAS in the same run.</summary>
internal sealed class GemmSection : IReportSection
{
    private static readonly int[] SmokeSizes = [128], FullSizes = [256, 1024, 2048];

    /// <inheritdoc />
    public string Name => "gemm";

    /// <inheritdoc />
    public string Description => "managed SIMD GEMM against the native BLAS, fp64 and fp32";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        var sizes = context.Sizes(SmokeSizes, FullSizes);
        w.WriteLine("## GEMM (C = A·B, square, column-major)");
        var native = LinearAlgebraBackend.Native;
        var managed = LinearAlgebraBackend.Managed;
        var table = new ReportTable("precision", "n", "managed s", "managed GF/s", native is null ? "native" : $"{native.Kind} s",
            "native GF/s", "managed/native", "max |Δ| vs native");
        foreach (int n in sizes)
        {
            RunOne<double>(table, "fp64", n, managed, native);
            RunOne<float>(table, "fp32", n, managed, native);
        }
        table.Write(w);
        w.WriteLine($"managed threads: {managed.Threads}; native threads: {native?.Threads.ToString() ?? "—"}; "
            + "ratio = managed throughput / native throughput (target ≥ 0.5 at n = 1024, 2048).");
        w.WriteLine();
    }

    private static void RunOne<T>(ReportTable table, string label, int n, LinearAlgebraBackend managed, LinearAlgebraBackend? native)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var (a, b) = Operands<T>(n);
        var cm = new T[n * n];
        var cn = new T[n * n];
        int reps = n <= 512 ? 10 : 3;
        double flops = 2.0 * n * n * n;
        double tm = Timing.Best(() => Gemm(managed, n, a, b, cm), reps);
        double tn = native is null ? double.NaN : Timing.Best(() => Gemm(native, n, a, b, cn), reps);
        double diff = native is null ? double.NaN : MaxDifference<T>(cm, cn);
        table.Add(label, n, tm, flops / tm / 1e9, tn, flops / tn / 1e9, tn / tm, diff);
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
