using MathNet.Numerics.LinearAlgebra;
using Numerics.Gpu;
using Numerics.LinearAlgebra;
using Numerics.Random;
using Numerics.Spectral;

namespace Numerics.Bench.Report;

/// <summary>
/// Soft spectral clip by Newton–Schulz against the SVD route (dgesdd + U·f(Σ)·Vᵀ) in the same run,
/// the iteration's GEMM share, and the GPU iteration against the CPU.
/// </summary>
internal sealed class SpectralSection : IReportSection
{
    private static readonly (int Rows, int Columns)[] SmokeSizes = [(64, 160)], FullSizes = [(768, 3072), (1024, 1024)];
    private static readonly int[] GpuSmokeSizes = [48], GpuFullSizes = [1024, 2048, 4096];

    /// <inheritdoc />
    public string Name => "spectral";

    /// <inheritdoc />
    public string Description => "soft spectral clip by Newton–Schulz against the SVD route, then the GPU iteration against the CPU";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        var sizes = context.Sizes(SmokeSizes, FullSizes);
        w.WriteLine("## Spectral soft clip (Gaussian X, c = σ_max/3 so α ≈ 10; errors against the fp64 SVD oracle)");
        w.WriteLine();
        var table = new ReportTable("m×n", "method", "precision", "steps", "seconds", "speed-up vs SVD", "rel. error", "GF/s", "GEMM share");
        foreach (var (m, n) in sizes)
        {
            var values = new double[(long)m * n];
            new CounterRng(7).FillNormal(values);
            var x = Matrix<double>.Build.Dense(m, n, values);
            double c = Lapack.Svd(x, SvdVectors.None).S[0] / 3;
            var oracle = SpectralClip.Reference(SpectralMode.Soft, x, c).Value;
            double Error(Matrix<double> y) => (y - oracle).FrobeniusNorm() / oracle.FrobeniusNorm();
            string size = $"{m}×{n}";
            int k = Math.Min(m, n), big = Math.Max(m, n);

            SpectralClipResult<double> svd = null!;
            double tSvd = Timing.Best(() => svd = SpectralClip.Apply(SpectralMode.Soft, x, c, new() { Method = SpectralMethod.Svd }), 2);
            table.Add(size, "SVD (dgesdd) baseline", "fp64", 0, tSvd, 1.0, Error(svd.Value), double.NaN, double.NaN);

            var xf = x.Map(v => (float)v);
            foreach (var schedule in new[] { SoftClipSchedule.Adaptive, SoftClipSchedule.Coupled })
            {
                var ns = new SpectralClipOptions { NewtonSchulz = new() { SoftSchedule = schedule } };
                SpectralClipResult<double> r64 = null!;
                double t64 = Timing.Best(() => r64 = SpectralClip.Apply(SpectralMode.Soft, x, c, ns), 3);
                double flops64 = Flops(k, big, r64.Steps);
                double gemm64 = GemmRate<double>(k);
                table.Add(size, $"Newton–Schulz {schedule}", "fp64", r64.Steps, t64, tSvd / t64, Error(r64.Value), flops64 / t64 / 1e9, flops64 / t64 / 1e9 / gemm64);
                SpectralClipResult<float> r32 = null!;
                double t32 = Timing.Best(() => r32 = SpectralClip.Apply(SpectralMode.Soft, xf, c, ns), 3);
                double flops32 = Flops(k, big, r32.Steps);
                double gemm32 = GemmRate<float>(k);
                table.Add(size, $"Newton–Schulz {schedule}", "fp32", r32.Steps, t32, tSvd / t32, Error(r32.Value.Map(v => (double)v)), flops32 / t32 / 1e9, flops32 / t32 / 1e9 / gemm32);
            }
        }
        table.Write(w);
        w.WriteLine("GF/s counts 4k²n for the Gram and output products plus 6k³ per step; GEMM share = that rate over the backend's k×k GEMM rate measured in the same run.");
        w.WriteLine();
        Gpu(context);
    }

    /// <summary>On a GPU, steps predicted from α avoid a host synchronisation per step.</summary>
    private static readonly NewtonSchulzOptions Predicted = new() { StepRule = StepRule.Predicted };

    private static double Flops(int k, int n, int steps) => 4.0 * k * k * n + 6.0 * k * k * (double)k * steps;

    /// <summary>The backend's GF/s on a k×k×k GEMM, measured now.</summary>
    private static double GemmRate<T>(int k) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var (a, b) = GemmSection.Operands<T>(k);
        var cc = new T[(long)k * k];
        double t = Timing.Best(() => GemmSection.Gemm(LinearAlgebraBackend.Current, k, a, b, cc), 3);
        return 2.0 * k * k * k / t / 1e9;
    }

    private static void Gpu(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine("## GPU soft clip (device-resident X, adaptive schedule, steps predicted from α)");
        var device = context.Device;
        var sizes = context.GpuSizes(GpuSmokeSizes, GpuFullSizes, agreementCheck: 48);
        var clip = new GpuSpectralClip(device);
        var table = new ReportTable("n", "cpu fp64 s", "gpu fp64 s", "gpu fp32 s", "fp64 speed-up", "fp32 speed-up", "rel |Δ| fp64", "rel |Δ| fp32");
        foreach (int n in sizes)
        {
            var values = new double[(long)n * n];
            new CounterRng(8).FillNormal(values);
            var x = Matrix<double>.Build.Dense(n, n, values);
            double c = 3 * Math.Sqrt(n);   // σ_max ≈ 2√n: α ≈ 1.4
            bool timed = device.Kind == GpuKind.Cuda;
            SpectralClipResult<double> cpu = null!;
            double tc = Timing.Best(() => cpu = SpectralClip.Apply(SpectralMode.Soft, x, c), timed ? 2 : 1);
            using var dx = DeviceMatrix<double>.Upload(device, x);
            using var fx = DeviceMatrix<float>.Upload(device, n, n, Array.ConvertAll(values, v => (float)v));
            Matrix<double> g64 = null!, g32 = null!;
            double t64 = Timing.Best(() => { var r = clip.Apply(SpectralMode.Soft, dx, c, Predicted); device.Synchronize(); g64 = r.Value.Download(); r.Value.Dispose(); }, timed ? 3 : 1, timed ? 5 : 0);
            double t32 = Timing.Best(() => { var r = clip.Apply(SpectralMode.Soft, fx, c, Predicted); device.Synchronize(); g32 = r.Value.Download().Map(v => (double)v); r.Value.Dispose(); }, timed ? 3 : 1, timed ? 5 : 0);
            double norm = cpu.Value.FrobeniusNorm();
            if (!timed) (tc, t64, t32) = (double.NaN, double.NaN, double.NaN);
            table.Add(n, tc, t64, t32, tc / t64, tc / t32, (g64 - cpu.Value).FrobeniusNorm() / norm, (g32 - cpu.Value).FrobeniusNorm() / norm);
        }
        table.Write(w);
    }
}
