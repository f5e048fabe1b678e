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
        var table = new ReportTable("m×n", "method", "precision", "tolerance", "result by", "status", "steps", "seconds", "speed-up vs SVD", "rel. error");
        foreach (var (m, n) in sizes)
        {
            var values = new double[(long)m * n];
            new CounterRng(7).FillNormal(values);
            var x = Matrix<double>.Build.Dense(m, n, values);
            var xf = x.Map(v => (float)v);
            double c = Lapack.Svd(x, SvdVectors.None).S[0] / 3;
            var oracle = SpectralClip.Reference(SpectralMode.Soft, x, c).Value;
            double Error<T>(Matrix<T> y) where T : struct, IEquatable<T>, IFormattable =>
                (y.Map(v => Convert.ToDouble(v)) - oracle).FrobeniusNorm() / oracle.FrobeniusNorm();
            string size = $"{m}×{n}";

            SpectralClipResult<double> svd = null!;
            double tSvd = Timing.Best(() => svd = SpectralClip.Apply(SpectralMode.Soft, x, c, new() { Method = SpectralMethod.Svd }), 2);
            table.Add(size, "SVD (dgesdd) baseline", "fp64", "exact", "svd", svd.Status, 0, tSvd, 1.0, Error(svd.Value));
            foreach (var (label, options, tolerance64, tolerance32) in Variants)
            {
                var o64 = options with { NewtonSchulz = options.NewtonSchulz with { Tolerance = tolerance64 } };
                SpectralClipResult<double> r64 = null!;
                double t64 = Timing.Best(() => r64 = SpectralClip.Apply(SpectralMode.Soft, x, c, o64), 3);
                table.Add(size, label, "fp64", tolerance64?.ToString("0e0") ?? "1e-12", Word(r64.Method), r64.Status, r64.Steps, t64, tSvd / t64, Error(r64.Value));
                var o32 = options with { NewtonSchulz = options.NewtonSchulz with { Tolerance = tolerance32 } };
                SpectralClipResult<float> r32 = null!;
                double t32 = Timing.Best(() => r32 = SpectralClip.Apply(SpectralMode.Soft, xf, c, o32), 3);
                table.Add(size, label, "fp32", tolerance32?.ToString("0e0") ?? "1e-5", Word(r32.Method), r32.Status, r32.Steps, t32, tSvd / t32, Error(r32.Value));
            }
        }
        table.Write(w);
        w.WriteLine("Eigen: syrk + syevd of the k×k Gram matrix, in double. Newton–Schulz alone reports Stalled where the tolerance lies below its rounding floor u·α·k;");
        w.WriteLine("with the default fallback that case goes to the eigen path as soon as α is known.");
        w.WriteLine();
        Gpu(context);
    }

    /// <summary>What the table compares with the SVD: the exact eigen path, Newton–Schulz alone (at the default and at a certifiable tolerance), and the default with fallback.</summary>
    private static readonly (string Label, SpectralClipOptions Options, double? Tolerance64, double? Tolerance32)[] Variants =
    [
        ("eigen (syrk + syevd)", new() { Method = SpectralMethod.Eigen }, null, null),
        ("Newton–Schulz adaptive, no fallback", new() { Fallback = false }, null, null),
        ("Newton–Schulz adaptive, no fallback", new() { Fallback = false }, 1e-10, 1e-3),
        ("Newton–Schulz coupled, no fallback", new() { Fallback = false, NewtonSchulz = new() { SoftSchedule = SoftClipSchedule.Coupled } }, 1e-10, 1e-3),
        ("default (Newton–Schulz, fallback)", new(), null, null),
    ];

    private static string Word(SpectralMethod method) => method switch
    {
        SpectralMethod.NewtonSchulz => "newton-schulz",
        SpectralMethod.Eigen => "eigen",
        _ => "svd",
    };

    /// <summary>On a GPU, steps predicted from α avoid a host synchronisation per step.</summary>
    private static readonly NewtonSchulzOptions Predicted = new() { StepRule = StepRule.Predicted };

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
