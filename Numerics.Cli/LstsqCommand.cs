using Numerics.Gpu;
using Numerics.IO;
using Numerics.Sketching;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics lstsq --a A.npy --b b.npy --out x.npy [--method sketch|precondition|qr|svd]
/// [--sketch srht|gaussian|countsketch] [--rows M] [--epsilon E] [--delta D] [--tol T]
/// [--max-iterations K] [--rcond R] [--damp L] [--certificate] [--singular-values] [--float32] [--row-blocks B] [--stream]</c>:
/// tall least squares min ‖A·x − b‖ (plus L²·‖x‖² with <c>--damp</c>). Under several ranks, or with
/// <c>--row-blocks</c> or <c>--stream</c>, the sketch methods run over row blocks (see <see cref="DistributedLstsq"/>).
/// <c>--tol</c> absent means the solver's default rule (1e-14 or the rounding floor).
/// </summary>
public sealed class LstsqCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "lstsq";

    /// <inheritdoc />
    public string Summary => "tall least squares by sketch-and-solve (with an optional rigorous ℓ∞ bound), sketch-and-precondition, QR or SVD";

    /// <summary>The words of <c>--method</c>.</summary>
    public static WordTable<LeastSquaresMethod> Methods { get; } = new(("sketch", LeastSquaresMethod.SketchAndSolve),
        ("precondition", LeastSquaresMethod.SketchAndPrecondition), ("qr", LeastSquaresMethod.Qr), ("svd", LeastSquaresMethod.Svd));

    /// <summary>The words of <c>--sketch</c>.</summary>
    public static WordTable<SketchKind> Sketches { get; } = new(("srht", SketchKind.Srht), ("gaussian", SketchKind.Gaussian), ("countsketch", SketchKind.CountSketch));

    /// <inheritdoc />
    public string Usage =>
        $"numerics lstsq --a A.npy --b b.npy --out x.npy [--method {Methods.Usage}] [--sketch {Sketches.Usage}] "
        + "[--rows M] [--epsilon E] [--delta D] [--tol T] [--max-iterations K] [--rcond R] [--damp L] [--certificate] [--singular-values] [--float32] [--row-blocks B] [--stream]";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        var method = args.Word("method", Methods);
        var kind = args.Word("sketch", Sketches);
        var defaults = new SketchedLeastSquaresOptions();
        int? rows = args.Optional("rows") is null ? null : args.Int("rows", 0, min: 1);
        double epsilon = args.Double("epsilon", defaults.Epsilon, positive: true);
        double delta = args.Double("delta", defaults.Delta, positive: true);
        double? tol = args.Optional("tol") is null ? null : args.Double("tol", 0);
        double? rcond = args.Optional("rcond") is null ? null : args.Double("rcond", 0);
        double damp = args.Double("damp", 0);
        int maxIterations = args.Int("max-iterations", SketchedLeastSquaresOptions.DefaultMaxIterations, min: 0);
        bool certificate = args.Flag("certificate");
        bool singularValues = args.Flag("singular-values");
        bool single = args.Flag("float32");
        int? rowBlocks = args.Optional("row-blocks") is null ? null : args.Int("row-blocks", 1, min: 1);
        bool stream = args.Flag("stream");
        args.Required("a");
        args.Required("b");
        args.Required("out");
        if (tol < 0) throw new CliUsageException($"--tol must be non-negative, got {tol}");
        if (rcond is { } rc && !(rc >= 0 && rc < 1)) throw new CliUsageException($"--rcond must lie in [0, 1), got {rc}");
        if (!(damp >= 0) || !double.IsFinite(damp)) throw new CliUsageException($"--damp must be finite and non-negative, got {damp}");
        if (damp > 0 && certificate) throw new CliUsageException("--certificate is not available with --damp");
        if (single && context.Device != CliDevice.Gpu) throw new CliUsageException("--float32 applies to the GPU sketch (--device gpu)");
        bool sketchRequested = method is LeastSquaresMethod.SketchAndSolve or LeastSquaresMethod.SketchAndPrecondition;
        if (context.Device == CliDevice.Gpu && sketchRequested && kind == SketchKind.CountSketch)
            throw new CliUsageException("--sketch countsketch has no GPU kernel; use --device cpu or --sketch srht|gaussian");
        args.EnsureAllUsed();
        if (rowBlocks is not null || stream || context.Communicator.Size > 1)
        {
            if (!sketchRequested) throw new CliUsageException("--method qr|svd runs on one process over the whole matrix; row blocks and --stream need --method sketch|precondition");
            if (damp > 0 || certificate) throw new CliUsageException("--damp and --certificate are not available over row blocks (--row-blocks, --stream, several ranks)");
            if (context.Device != CliDevice.Cpu || single) throw new CliUsageException("row blocks (--row-blocks, --stream, several ranks) sketch on the CPU: drop --device gpu and --float32");
            return DistributedLstsq.Run(context, new SketchedLeastSquaresOptions
            {
                Method = method, Sketch = kind, Rows = rows, Epsilon = epsilon, Delta = delta, Seed = context.Seed,
                Tolerance = tol, MaxIterations = maxIterations, SingularValues = singularValues, Rcond = rcond,
            }, rowBlocks, stream);
        }

        // A float32 A on the CPU stays float32 (the solver reads it as float, with double sums).
        bool singleInput = context.Device == CliDevice.Cpu && context.DTypeOf("a") == NpyDType.Float32;
        var aSingle = singleInput ? context.LoadSingleMatrix("a") : null;
        var a = singleInput ? null : context.LoadMatrix("a");
        int n = aSingle?.RowCount ?? a!.RowCount, d = aSingle?.ColumnCount ?? a!.ColumnCount;
        var b = context.LoadVector("b");
        if (b.Count != n) throw new CliUsageException($"--b has length {b.Count} but --a has {n} rows");
        if (n < d) throw new CliUsageException($"--a must be tall (rows ≥ columns), got {n}×{d}");
        if (rows is { } m && m < d) throw new CliUsageException($"--rows must be at least the column count {d}, got {m}");

        using var device = context.Device == CliDevice.Gpu && sketchRequested ? GpuDevice.Create() : null;
        var started = context.Elapsed;
        var options = new SketchedLeastSquaresOptions
        {
            Method = method, Sketch = kind, Rows = rows, Epsilon = epsilon, Delta = delta, Seed = context.Seed,
            Tolerance = tol, MaxIterations = maxIterations, Certificate = certificate, SingularValues = singularValues, Rcond = rcond, Damp = damp,
            Backend = device is null ? null : new GpuSketchBackend(device, single),
            Progress = new ImmediateProgress(p => context.Progress(p.Iteration, p.Objective, p.Residual)),
        };
        var result = aSingle is not null
            ? SketchedLeastSquares.Factor(aSingle, options).Solve(b)
            : SketchedLeastSquares.Solve(a!, b, options);
        double seconds = context.Elapsed - started;
        bool sketched = result.Sketch is not null;
        context.Save(result.X);
        context.Summary(new Dictionary<string, object?>
        {
            ["method"] = Methods.WordOf(result.Method),
            ["method_reason"] = result.MethodReason,
            ["sketch"] = sketched ? kind.ToString().ToLowerInvariant() : null,
            ["rows"] = sketched ? result.SketchRows : null,
            ["n"] = n,
            ["d"] = d,
            ["input_dtype"] = singleInput ? "float32" : "float64",
            ["device"] = device?.ToString() ?? "cpu",
            ["seconds"] = seconds,
            ["sketch_seconds"] = sketched ? result.SketchSeconds : null,
            ["residual_norm"] = result.ResidualNorm,
            ["normal_residual_norm"] = result.NormalResidualNorm,
            ["relative_normal_residual"] = result.RelativeNormalResidual,
            ["linf_bound"] = result.LinfBound?.Max(),
            ["certificate_failure_probability"] = result.CertificateFailureProbability,
            ["iterations"] = result.Iterations,
            ["status"] = result.Status.ToString(),
            ["stop_test"] = result.StopTest.ToString(),
            ["rank"] = result.Rank,
            ["rcond"] = result.Rcond,
            ["damp"] = damp,
            ["singular_values"] = result.SingularValues,
            ["preconditioned_condition"] = result.PreconditionedCondition,
        });
        return 0;
    }
}

/// <summary>Reports on the solver's thread, in order (unlike <see cref="Progress{T}"/>, which posts).</summary>
internal sealed class ImmediateProgress(Action<Numerics.Optimization.IterationProgress> report) : IProgress<Numerics.Optimization.IterationProgress>
{
    public void Report(Numerics.Optimization.IterationProgress value) => report(value);
}
