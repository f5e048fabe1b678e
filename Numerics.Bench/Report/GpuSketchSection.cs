using Numerics.Gpu;
using Numerics.Random;
using Numerics.Sketching;

namespace Numerics.Bench.Report;

/// <summary>The SRHT on a device-resident A against the CPU SRHT; on the CPU simulator only a small agreement check runs.</summary>
internal sealed class GpuSketchSection : IReportSection
{
    private static readonly (int Rows, int Columns)[] SmokeSizes = [(4096, 8)], FullSizes = [(131072, 256), (32768, 1024), (1048576, 256)];

    /// <inheritdoc />
    public string Name => "gpu-sketch";

    /// <inheritdoc />
    public string Description => "the SRHT on a device-resident A, fp64 and fp32, against the CPU SRHT";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine("## GPU SRHT (device-resident A, m = 4d, synchronised)");
        var device = context.Device;
        var sizes = context.GpuSizes(SmokeSizes, FullSizes, agreementCheck: (1024, 4));
        var sketch = new GpuSketch(device);
        var table = new ReportTable("n×d", "cpu s", "gpu fp64 s", "gpu fp32 s", "fp64 speed-up", "fp32 speed-up", "max rel |Δ| fp64", "max rel |Δ| fp32");
        foreach (var (n, d) in sizes)
        {
            var values = new double[(long)n * d];
            new CounterRng(1).FillNormal(values);
            var op = new SketchOperator(SketchKind.Srht, 4 * d, n, 0);
            int reps = device.Kind == GpuKind.Cuda ? 5 : 1;
            double[] cpu = [];
            double tc = Timing.Best(() => cpu = op.ApplyAugmented(values, d, []), reps);
            using var a = DeviceMatrix<double>.Upload(device, n, d, values);
            using var af = DeviceMatrix<float>.Upload(device, n, d, Array.ConvertAll(values, v => (float)v));
            double[] g64 = [], g32 = [];
            double t64 = Timing.Best(() => { using var r = sketch.Apply(op, a); g64 = r.Download().ToColumnMajorArray(); }, reps, budgetSeconds: device.Kind == GpuKind.Cuda ? 5 : 0);
            double t32 = Timing.Best(() => { using var r = sketch.Apply(op, af); g32 = Array.ConvertAll(r.Download().ToColumnMajorArray(), v => (double)v); }, reps, budgetSeconds: device.Kind == GpuKind.Cuda ? 5 : 0);
            if (device.Kind == GpuKind.Cuda)
            {
                // Timed again without the download, which is part of the agreement check only.
                t64 = Timing.Best(() => sketch.Apply(op, a).Dispose(), reps);
                t32 = Timing.Best(() => sketch.Apply(op, af).Dispose(), reps);
            }
            else (tc, t64, t32) = (double.NaN, double.NaN, double.NaN);
            table.Add($"{n}×{d}", tc, t64, t32, tc / t64, tc / t32, MaxRelative(cpu, g64), MaxRelative(cpu, g32));
        }
        table.Write(w);
    }

    private static double MaxRelative(double[] expected, double[] actual)
    {
        double scale = 0, worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            scale = Math.Max(scale, Math.Abs(expected[i]));
            worst = Math.Max(worst, Math.Abs(expected[i] - actual[i]));
        }
        return worst / scale;
    }
}
