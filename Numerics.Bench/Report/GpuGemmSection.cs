using Numerics.Gpu;
using Numerics.LinearAlgebra;

namespace Numerics.Bench.Report;

/// <summary>GPU GEMM against the CPU backend; on the CPU simulator only a small agreement check runs.</summary>
internal sealed class GpuGemmSection : IReportSection
{
    private static readonly int[] SmokeSizes = [256], FullSizes = [1024, 2048, 4096];

    /// <inheritdoc />
    public string Name => "gpu-gemm";

    /// <inheritdoc />
    public string Description => "GPU GEMM on device-resident operands against the CPU backend";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine("## GPU GEMM (device-resident operands, synchronised)");
        var device = context.Device;
        var ops = new GpuLinearAlgebra(device);
        var sizes = context.GpuSizes(SmokeSizes, FullSizes, agreementCheck: 64);
        var table = new ReportTable("precision", "n", "gpu s", "gpu GF/s", "cpu s", "cpu GF/s", "gpu speed-up", "max |Δ| vs cpu");
        foreach (int n in sizes)
        {
            RunOne<double>(table, "fp64", n, device, ops);
            RunOne<float>(table, "fp32", n, device, ops);
        }
        table.Write(w);
    }

    private static void RunOne<T>(ReportTable table, string label, int n, GpuDevice device, GpuLinearAlgebra ops)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var (a, b) = GemmSection.Operands<T>(n);
        var c = new T[n * n];
        double flops = 2.0 * n * n * n;
        int reps = device.Kind == GpuKind.Cuda ? 5 : 1;
        double tc = Timing.Best(() => GemmSection.Gemm(LinearAlgebraBackend.Current, n, a, b, c), reps);

        using var da = DeviceMatrix<T>.Upload(device, n, n, a);
        using var db = DeviceMatrix<T>.Upload(device, n, n, b);
        using var dc = new DeviceMatrix<T>(device, n, n);
        double tg = Timing.Best(() => { ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, T.One, da, db, T.Zero, dc); device.Synchronize(); }, reps);
        var g = new T[n * n];
        dc.CopyTo(g);
        if (device.Kind != GpuKind.Cuda) (tg, tc) = (double.NaN, double.NaN);
        table.Add(label, n, tg, flops / tg / 1e9, tc, flops / tc / 1e9, tc / tg, GemmSection.MaxDifference<T>(g, c));
    }
}
