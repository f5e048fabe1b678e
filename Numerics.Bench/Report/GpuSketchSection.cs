using Numerics.Gpu;
using Numerics.Random;
using Numerics.Sketching;

namespace Numerics.Bench.Report;

/// <summary>The SRHT on a device-resident A against the CPU SRHT; on the CPU simulator only a small agreement check runs.</summary>
internal static class GpuSketchSection
{
    public static void Run(TextWriter w, IEnumerable<(int Rows, int Columns)> sizes)
    {
        w.WriteLine("## GPU SRHT (device-resident A, m = 4d, synchronised)");
        using var device = GpuDevice.Create();
        w.WriteLine($"device: {device}");
        if (device.Kind != GpuKind.Cuda)
        {
            sizes = [(1024, 4)];
            w.WriteLine("no CUDA device: agreement check only (the CPU simulator is not timed against the CPU).");
        }
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

    /// <summary>The GPU sketch backend for the solver rows of the sketch section, when a CUDA device exists.</summary>
    public static ISketchBackend? Backend()
    {
        if (GpuDevice.ListCudaDevices().Count == 0) return null;
        return new GpuSketchBackend(GpuDevice.Create(GpuKind.Cuda));
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
