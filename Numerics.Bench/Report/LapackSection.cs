using Numerics.LinearAlgebra;

namespace Numerics.Bench.Report;

/// <summary>Foundation section: the managed blocked QR, Cholesky and triangular solve against the native LAPACK in the same run.</summary>
internal sealed class LapackSection : IReportSection
{
    private static readonly int[] SmokeSizes = [256], FullSizes = [1024, 2048];

    /// <inheritdoc />
    public string Name => "lapack";

    /// <inheritdoc />
    public string Description => "managed blocked dgeqrf, dpotrf and dtrsm against the native LAPACK";

    /// <summary>One routine: its name, its flop count at order n, and a run on a backend over fresh copies of the inputs.</summary>
    private sealed record Routine(string Name, Func<int, double> Flops, Func<LinearAlgebraBackend, int, double[], double[]> Run);

    private static readonly Routine[] Routines =
    [
        new("dgeqrf", n => 4.0 / 3 * n * n * n, (backend, n, a) =>
        {
            var qr = (double[])a.Clone();
            backend.Geqrf(n, n, qr, n, new double[n]);
            return qr;
        }),
        new("dpotrf", n => 1.0 / 3 * n * n * n, (backend, n, spd) =>
        {
            var l = (double[])spd.Clone();
            if (backend.Potrf(TriangularPart.Lower, n, l, n) != 0) throw new InvalidOperationException("the test matrix is not positive definite");
            return l;
        }),
        new("dtrsm", n => 1.0 * n * n * n, (backend, n, spd) =>
        {
            // X·Lᵀ = B with L the (well-conditioned) lower triangle of the SPD matrix, B = the matrix itself.
            var x = (double[])spd.Clone();
            backend.Trsm(Side.Right, TriangularPart.Lower, Transpose.Transpose, DiagonalKind.NonUnit, n, n, 1.0, spd, n, x, n);
            return x;
        }),
    ];

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine("## LAPACK (square, column-major, fp64)");
        var native = LinearAlgebraBackend.Native;
        var managed = LinearAlgebraBackend.Managed;
        var table = new ReportTable("routine", "n", "managed s", "managed GF/s", native is null ? "native" : $"{native.Kind} s",
            "native GF/s", "managed/native", "max |Δ| vs native");
        foreach (int n in context.Sizes(SmokeSizes, FullSizes))
        {
            var (a, b) = GemmSection.Operands<double>(n);
            // AᵀA/n + I: symmetric positive definite with κ ≈ 5, so every routine's result is well determined.
            var spd = new double[n * n];
            managed.Gemm(Transpose.Transpose, Transpose.NoTranspose, n, n, n, 1.0 / n, a, n, a, n, 0.0, spd, n);
            for (int i = 0; i < n; i++) spd[i + i * n] += 1;
            foreach (var routine in Routines)
            {
                var input = routine.Name == "dgeqrf" ? b : spd;
                int reps = n <= 512 ? 5 : 3;
                double[] rm = [], rn = [];
                double tm = Timing.Best(() => rm = routine.Run(managed, n, input), reps);
                double tn = native is null ? double.NaN : Timing.Best(() => rn = routine.Run(native, n, input), reps);
                double flops = routine.Flops(n);
                double diff = native is null ? double.NaN : GemmSection.MaxDifference(rm, rn);
                table.Add(routine.Name, n, tm, flops / tm / 1e9, tn, flops / tn / 1e9, tn / tm, diff);
            }
        }
        table.Write(w);
        w.WriteLine($"managed threads: {managed.Threads}; native threads: {native?.Threads.ToString() ?? "—"}; "
            + $"blocks: QR {ManagedLapack.QrBlockSize}, Cholesky {ManagedLapack.CholeskyBlockSize}, TRSM {ManagedTriangularSolve.BlockSize}; "
            + "ratio = managed throughput / native throughput (target ≥ 0.3 for dgeqrf and dpotrf at n = 2048).");
        w.WriteLine();
    }
}
