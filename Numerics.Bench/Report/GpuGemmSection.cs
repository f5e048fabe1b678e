using Numerics.Gpu;
using Numerics.LinearAlgebra;

namespace Numerics.Bench.Report;

/// <summary>GPU GEMM against the CPU backend; on the CPU simulator only a small agreement check runs.</summary>
internal static class GpuGemmSection
{
    public static void Run(TextWriter w, int[] sizes)
    {
        w.WriteLine("## GPU GEMM (device-resident operands, synchronised)");
        using var device = GpuDevice.Create();
        var ops = new GpuLinearAlgebra(device);
        w.WriteLine($"device: {device}");
        if (device.Kind != GpuKind.Cuda)
        {
            sizes = [64];
            w.WriteLine("no CUDA device: agreement check only (the CPU simulator is not timed against the CPU).");
        }
        var cpu = LinearAlgebraBackend.Current;
        var table = new ReportTable("precision", "n", "gpu s", "gpu GF/s", "cpu s", "cpu GF/s", "gpu speed-up", "max |Δ| vs cpu");
        foreach (int n in sizes)
        {
            var rng = new System.Random(n);
            var a = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var b = Enumerable.Range(0, n * n).Select(_ => rng.NextDouble() - 0.5).ToArray();
            var c = new double[n * n];
            double flops = 2.0 * n * n * n;
            int reps = device.Kind == GpuKind.Cuda ? 5 : 1;
            double tc = Timing.Best(() => cpu.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, n, n, n, 1.0, a, n, b, n, 0.0, c, n), reps);

            using var da = DeviceMatrix<double>.Upload(device, n, n, a);
            using var db = DeviceMatrix<double>.Upload(device, n, n, b);
            using var dc = new DeviceMatrix<double>(device, n, n);
            double tg = Timing.Best(() => { ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, da, db, 0.0, dc); device.Synchronize(); }, reps);
            var g = new double[n * n];
            dc.CopyTo(g);
            double diff = g.Zip(c, (x, y) => Math.Abs(x - y)).Max();
            table.Add("fp64", n, tg, flops / tg / 1e9, tc, flops / tc / 1e9, tc / tg, diff);

            var af = Array.ConvertAll(a, x => (float)x);
            var bf = Array.ConvertAll(b, x => (float)x);
            var cf = new float[n * n];
            double tcf = Timing.Best(() => cpu.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, n, n, n, 1f, af, n, bf, n, 0f, cf, n), reps);
            using var fa = DeviceMatrix<float>.Upload(device, n, n, af);
            using var fb = DeviceMatrix<float>.Upload(device, n, n, bf);
            using var fc = new DeviceMatrix<float>(device, n, n);
            double tgf = Timing.Best(() => { ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1f, fa, fb, 0f, fc); device.Synchronize(); }, reps);
            var gf = new float[n * n];
            fc.CopyTo(gf);
            double difff = gf.Zip(cf, (x, y) => (double)Math.Abs(x - y)).Max();
            table.Add("fp32", n, tgf, flops / tgf / 1e9, tcf, flops / tcf / 1e9, tcf / tgf, difff);
        }
        table.Write(w);
    }
}
