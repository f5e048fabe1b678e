using System.Diagnostics;
using System.Text.Json;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Proximal;
using Numerics.Random;

namespace Numerics.Bench.Report;

/// <summary>
/// The learned proximal networks of the 1-D Laplacian example (the CI-sized default model, width
/// 32 and four layers, and the official notebook's, width 50 and five layers) at batch 2000: time
/// per training step against a plain forward pass and the prox in the same run, and against
/// PyTorch when the output of <c>Numerics.Bench/compare_lpn.py</c> is given.
/// </summary>
/// <remarks>
/// Every row is the median of repeated runs after a warm-up, as compare_lpn.py measures PyTorch;
/// the training step is the median of the individual steps of one training run (sampling, prox,
/// loss, gradient, Adam and projection), timed between the trainer's progress reports.
/// </remarks>
internal sealed class ProximalSection : IReportSection
{
    /// <summary>The file of compare_lpn.py's JSON lines whose PyTorch timings the dense tables quote.</summary>
    public const string PyTorchVariable = "NUMERICS_LPN_PYTORCH";

    /// <inheritdoc />
    public string Name => "proximal";

    /// <inheritdoc />
    public string Description => "learned proximal network: training step at batch 2000 against a forward pass and the prox (and PyTorch, given compare_lpn.py's output)";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var pytorch = ReadPyTorch(context.Writer);
        RunDense(context, "default", LaplaceDenoisingExample.DefaultArchitecture, pytorch);
        RunDense(context, "notebook", LaplaceDenoisingExample.NotebookArchitecture, pytorch);
        RunConvolutional(context);
    }

    private static void RunDense(ReportContext context, string name, ProximalNetworkArchitecture architecture, Dictionary<(string, string, string, string), double> pytorch)
    {
        var w = context.Writer;
        int batch = context.Smoke ? 200 : 2000, steps = context.Smoke ? 5 : 200, warmup = context.Smoke ? 2 : 20, repetitions = context.Smoke ? 3 : 50;
        w.WriteLine($"## Learned proximal network, {name} model of the 1-D Laplacian example (width {architecture.Width}, {architecture.Layers} layers, β = {architecture.Beta}, α = {architecture.Alpha}; batch {batch}; BLAS {LinearAlgebraBackend.Current.Kind}; {Environment.ProcessorCount} cores)");
        w.WriteLine();
        var network = new LearnedProximalNetwork(architecture, 1);
        var y = new double[batch];
        new CounterRng(2).FillNormal(y);
        var psi = new double[batch];
        var x = new double[batch];
        var v = new double[batch];
        var g = new double[network.ParameterCount];
        var forward = Median(() => network.Potential(y, psi), repetitions);
        var prox = Median(() => network.Prox(y, x), repetitions);
        var hvp = Median(() => network.HessianVectorProduct(y, y, v), repetitions);
        var gradient = Median(() => network.ParameterGradient(y, y, g), repetitions);
        var step = MedianStep(network.Clone(), batch, steps, warmup);
        var table = new ReportTable("operation", "median ms", "min ms", "× forward", "points/s");
        void Row(string label, (double Median, double Min) t) => table.Add(label, t.Median * 1e3, t.Min * 1e3, t.Median / forward.Median, batch / t.Median);
        Row("forward ψ (baseline)", forward);
        Row("prox f = ∇ψ", prox);
        Row("Hessian-vector product", hvp);
        Row("training gradient ∂⟨r, f⟩/∂θ", gradient);
        Row($"training step ({steps} steps, Adam + projection)", step);
        table.Write(w);
        if (pytorch.Count == 0 || batch != 2000)
        {
            if (!context.Smoke)
                w.WriteLine($"No PyTorch comparison: run compare_lpn.py into a file and set {PyTorchVariable} to it (same 2 threads, batch 2000).");
            w.WriteLine();
            return;
        }
        // PyTorch over ours: above 1, ours is faster. The min rows are the least disturbed by other load on a shared machine.
        var comparison = new ReportTable("operation", "statistic", "ours ms", "PyTorch f32 ms", "PyTorch f64 ms", "f32 / ours", "f64 / ours");
        void Compare(string label, string what, (double Median, double Min) t)
        {
            foreach (var (statistic, ours) in new[] { ("median", t.Median * 1e3), ("min", t.Min * 1e3) })
            {
                double f32 = pytorch.GetValueOrDefault((name, what, "float32", statistic), double.NaN);
                double f64 = pytorch.GetValueOrDefault((name, what, "float64", statistic), double.NaN);
                comparison.Add(label, statistic, ours, f32, f64, f32 / ours, f64 / ours);
            }
        }
        Compare("forward ψ", "forward", forward);
        Compare("prox f = ∇ψ", "prox", prox);
        Compare("training step", "step", step);
        comparison.Write(w);
        w.WriteLine();
    }

    /// <summary>The median and the fastest of <paramref name="repetitions"/> runs after two warm-up runs, in seconds.</summary>
    private static (double Median, double Min) Median(Action action, int repetitions)
    {
        action();
        action();
        var times = new double[repetitions];
        for (int r = 0; r < repetitions; r++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[r] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return MedianOf(times);
    }

    private static (double Median, double Min) MedianOf(double[] times)
    {
        Array.Sort(times);
        int h = times.Length / 2;
        return (times.Length % 2 == 1 ? times[h] : 0.5 * (times[h - 1] + times[h]), times[0]);
    }

    /// <summary>The median and fastest of the steps after <paramref name="warmup"/> of one proximal-matching stage (γ = 0.5, lr 1e-4), as compare_lpn.py times PyTorch.</summary>
    private static (double Median, double Min) MedianStep(LearnedProximalNetwork network, int batch, int steps, int warmup)
    {
        var clock = new StepClock(warmup + steps);
        var options = LaplaceDenoisingExample.Options([new TrainingStage(ProximalLoss.ProximalMatching, warmup + steps, 1e-4, 0.5)], batchSize: batch) with { Progress = clock };
        clock.Start = Stopwatch.GetTimestamp();
        ProximalTrainer.Train(network, new LaplaceSamples(), options);
        return MedianOf(clock.Durations[warmup..]);
    }

    /// <summary>Records the time between consecutive progress reports: the trainer reports once per step, synchronously.</summary>
    private sealed class StepClock(int steps) : IProgress<IterationProgress>
    {
        public long Start { get; set; }

        public double[] Durations { get; } = new double[steps];

        public void Report(IterationProgress value)
        {
            long now = Stopwatch.GetTimestamp();
            Durations[value.Iteration - 1] = Stopwatch.GetElapsedTime(Start, now).TotalSeconds;
            Start = now;
        }
    }

    /// <summary>compare_lpn.py's medians and minima keyed by (schedule, what, dtype, "median" or "min"), from the file <see cref="PyTorchVariable"/> names; empty when unset.</summary>
    private static Dictionary<(string, string, string, string), double> ReadPyTorch(TextWriter w)
    {
        var result = new Dictionary<(string, string, string, string), double>();
        if (Environment.GetEnvironmentVariable(PyTorchVariable) is not { Length: > 0 } path) return result;
        foreach (string line in File.ReadLines(path))
        {
            if (!line.StartsWith('{')) continue;
            using var json = JsonDocument.Parse(line);
            var root = json.RootElement;
            string what = root.GetProperty("what").GetString()!;
            if (what == "environment")
                w.WriteLine($"PyTorch {root.GetProperty("torch").GetString()}, {root.GetProperty("threads").GetInt32()} threads ({path}).");
            else if (root.TryGetProperty("median_ms", out var median) && root.GetProperty("batch").GetInt32() == 2000)
            {
                string schedule = root.GetProperty("schedule").GetString()!, dtype = root.GetProperty("dtype").GetString()!;
                result[(schedule, what, dtype, "median")] = median.GetDouble();
                result[(schedule, what, dtype, "min")] = root.GetProperty("min_ms").GetDouble();
            }
        }
        w.WriteLine();
        return result;
    }

    /// <summary>The image example's convolutional network (8×8 patches, 8 channels, two layers) and the padded patch prox of a 64×64 image.</summary>
    private static void RunConvolutional(ReportContext context)
    {
        var w = context.Writer;
        int batch = context.Smoke ? 8 : 64, side = context.Smoke ? 16 : 64;
        var network = new ConvolutionalProximalNetwork(ImageDenoisingExample.Architecture, 1);
        int n = network.InputDimension;
        w.WriteLine($"## Convolutional learned proximal network (8×8, 8 channels, 3×3, 2 layers; batch {batch} patches; {side}×{side} image through padded patches)");
        w.WriteLine();
        var y = new double[n * batch];
        new CounterRng(3).FillUniform(y);
        var psi = new double[batch];
        var x = new double[y.Length];
        var g = new double[network.ParameterCount];
        double forward = Timing.Best(() => network.Potential(y, psi), 10);
        double prox = Timing.Best(() => network.Prox(y, x), 10);
        double hvp = Timing.Best(() => network.HessianVectorProduct(y, y, x), 10);
        double gradient = Timing.Best(() => network.ParameterGradient(y, y, g), 10);
        var patched = new PatchedProximalNetwork(network, side, side);
        var image = new double[side * side];
        new CounterRng(4).FillUniform(image);
        var denoised = new double[image.Length];
        double whole = Timing.Best(() => patched.Prox(image, denoised), 5);
        var table = new ReportTable("operation", "ms", "× forward", "patches/s");
        table.Add("forward ψ (baseline)", forward * 1e3, 1.0, batch / forward);
        table.Add("prox f = ∇ψ", prox * 1e3, prox / forward, batch / prox);
        table.Add("Hessian-vector product", hvp * 1e3, hvp / forward, batch / hvp);
        table.Add("training gradient ∂⟨r, f⟩/∂θ", gradient * 1e3, gradient / forward, batch / gradient);
        table.Add($"image prox, {patched.PatchesPerImage} padded patches", whole * 1e3, whole / forward * batch / patched.PatchesPerImage, patched.PatchesPerImage / whole);
        table.Write(w);
        w.WriteLine("The image row's \"× forward\" is per patch, against the forward pass per patch.");
        w.WriteLine();
    }
}
