using Numerics.Gpu;
using Numerics.LinearAlgebra;
using Numerics.Sketching;

namespace Numerics.Bench.Report;

/// <summary>
/// Sketched least squares against LAPACK gels in the same run: sketch-and-solve (with and without the
/// ℓ∞ certificate), sketch-and-precondition, and the SRHT alone as a multiple of one copy of A.
/// </summary>
internal sealed class SketchSection : IReportSection
{
    private static readonly (int Rows, int Columns)[] SmokeSizes = [(4096, 32)], FullSizes = [(131072, 256), (32768, 1024)];

    /// <inheritdoc />
    public string Name => "sketch";

    /// <inheritdoc />
    public string Description => "sketch-and-solve and sketch-and-precondition least squares against LAPACK gels";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        var sizes = context.Sizes(SmokeSizes, FullSizes);
        // The solver row with the sketch on the GPU is only worth timing on a real GPU.
        ISketchBackend? gpu = context.CudaDevice is { } cuda ? new GpuSketchBackend(cuda) : null;
        w.WriteLine("## Sketched least squares (SRHT, m = 4d unless noted; incoherent A, κ = 1e4, ‖r‖ = 1)");
        w.WriteLine();
        var table = new ReportTable("n×d", "method", "seconds", "speed-up vs gels", "ε̂", "‖x − x_qr‖/‖x_qr‖", "iterations");
        var passes = new ReportTable("n×d", "copy of A (s)", "SRHT of [A|b] (s)", "SRHT / copy", "SRHT of A into a touched buffer (s)", "into buffer / copy", "Gaussian (s)", "CountSketch (s)");
        foreach (var (n, d) in sizes)
        {
            var p = LeastSquaresTestProblem.Generate(n, d, Coherence.Incoherent, condition: 1e4, residualNorm: 1.0, seed: 1);
            double Eps(LeastSquaresResult r) => SketchedLeastSquares.LinfErrorStatistic(r.X, p.XStar, p.ResidualNorm, 1 / p.SmallestSingularValue);
            LeastSquaresResult Solve(SketchedLeastSquaresOptions o) => SketchedLeastSquares.Solve(p.A, p.B, o);
            int reps = (long)n * d > 1 << 24 ? 2 : 5;
            string size = $"{n}×{d}";

            LeastSquaresResult qr = null!;
            double tQr = Timing.Best(() => qr = Solve(new() { Method = LeastSquaresMethod.Qr }), reps);
            double Rel(LeastSquaresResult r) => (r.X - qr.X).L2Norm() / qr.X.L2Norm();
            table.Add(size, "gels (baseline)", tQr, 1.0, Eps(qr), 0.0, 0);

            void Row(string name, SketchedLeastSquaresOptions o)
            {
                LeastSquaresResult r = null!;
                double t = Timing.Best(() => r = Solve(o), reps);
                table.Add(size, name, t, tQr / t, Eps(r), Rel(r), r.Iterations);
            }
            int m = 4 * d;
            Row("sketch-and-solve", new() { Rows = m, Certificate = false });
            Row("sketch-and-solve + certificate", new() { Rows = m, Certificate = true });
            int defaultRows = SketchSize.Default(d, n);
            // Above n/2 rows the solver switches to sketch-and-precondition (and says so in MethodReason).
            Row(2L * defaultRows <= n ? $"sketch-and-solve, default m = {defaultRows}" : $"defaults (m = {defaultRows} > n/2: precondition)", new() { Certificate = false });
            Row("sketch-and-precondition (tol 1e-14)", new() { Method = LeastSquaresMethod.SketchAndPrecondition, Rows = m, Certificate = false });
            Row("sketch-and-precondition (tol 1e-10)", new() { Method = LeastSquaresMethod.SketchAndPrecondition, Rows = m, Certificate = false, Tolerance = 1e-10 });
            if (gpu is not null)
                Row($"sketch-and-solve, sketch on {gpu.Name}", new() { Rows = m, Certificate = false, Backend = gpu });

            var a = DenseStorage.ColumnMajor(p.A);
            var b = p.B.ToArray();
            var copy = new double[a.Length];
            double tCopy = Timing.Best(() => Array.Copy(a, copy, a.Length), 5);
            double tSrht = Timing.Best(() => new SketchOperator(SketchKind.Srht, m, n, 0).ApplyAugmented(a, d, b), reps);
            // Into a buffer already touched, as the copy's is: first-touching a fresh m×d array is
            // the allocator's cost, not the transform's.
            var sketch = new double[(long)m * d];
            sketch.AsSpan().Fill(1);
            double tInto = Timing.Best(() => new SketchOperator(SketchKind.Srht, m, n, 0).Apply(a, d, sketch), reps);
            double tCount = Timing.Best(() => new SketchOperator(SketchKind.CountSketch, m, n, 0).ApplyAugmented(a, d, b), reps);
            double tGauss = (long)m * n * d <= 1L << 34
                ? Timing.Best(() => new SketchOperator(SketchKind.Gaussian, m, n, 0).ApplyAugmented(a, d, b), 1)
                : double.NaN;
            passes.Add(size, tCopy, tSrht, tSrht / tCopy, tInto, tInto / tCopy, tGauss, tCount);
        }
        table.Write(w);
        w.WriteLine("Sketch alone (m = 4d) against one copy of A (read + write):");
        w.WriteLine();
        passes.Write(w);
    }
}
