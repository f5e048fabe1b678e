using Numerics.Random;

namespace Numerics.Bench.Report;

/// <summary>
/// Foundation section: the counter-based RNG's fills per core (single-threaded) and on all cores,
/// against the scalar loop a .NET user would write with <see cref="System.Random"/> and
/// <see cref="Math.Log(double)"/>/<see cref="Math.SinCos"/>, in the same run.
/// </summary>
internal sealed class RandomSection : IReportSection
{
    /// <summary>Fills shorter than the RNG's parallel threshold run on the calling thread: one core.</summary>
    private const int SingleCoreChunk = 1 << 15;

    /// <inheritdoc />
    public string Name => "random";

    /// <inheritdoc />
    public string Description => "Philox uniform, normal and Rademacher fills per core and on all cores, against System.Random";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        int length = context.Smoke ? 1 << 18 : 1 << 23;
        int reps = context.Smoke ? 3 : 9;
        w.WriteLine($"## Random fills ({length} doubles, best of {reps})");
        var values = new double[length];
        var rng = new CounterRng(1);
        var table = new ReportTable("fill", "1 core M/s", "all cores M/s", "System.Random 1 core M/s", "1 core / System.Random");
        void Row(string name, Action<Span<double>, long> fill, Action<double[]> baseline)
        {
            double one = Timing.Best(() =>
            {
                for (int i = 0; i < length; i += SingleCoreChunk) fill(values.AsSpan(i, Math.Min(SingleCoreChunk, length - i)), i);
            }, reps);
            double all = Timing.Best(() => fill(values, 0), reps);
            double reference = Timing.Best(() => baseline(values), reps);
            table.Add(name, length / one / 1e6, length / all / 1e6, length / reference / 1e6, reference / one);
        }
        Row("uniform", (s, start) => rng.FillUniform(s, start), v =>
        {
            var r = new System.Random(1);
            for (int i = 0; i < v.Length; i++) v[i] = r.NextDouble();
        });
        Row("normal", (s, start) => rng.FillNormal(s, start), v =>
        {
            var r = new System.Random(1);
            for (int i = 0; i + 1 < v.Length; i += 2)
            {
                double radius = Math.Sqrt(-2 * Math.Log(1 - r.NextDouble()));
                var (sin, cos) = Math.SinCos(2 * Math.PI * r.NextDouble());
                v[i] = radius * cos;
                v[i + 1] = radius * sin;
            }
        });
        Row("rademacher", (s, start) => rng.FillRademacher(s, start), v =>
        {
            var r = new System.Random(1);
            for (int i = 0; i < v.Length; i++) v[i] = r.Next(2) == 0 ? -1.0 : 1.0;
        });
        table.Write(w);
        w.WriteLine($"cores: {Environment.ProcessorCount}; target: normal ≥ 300 M samples/s per core.");
        w.WriteLine();
    }
}
