using MathNet.Numerics.LinearAlgebra;
using Numerics.Gpu;
using Numerics.Spectral;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics clip --in X.npy --c C --out Y.npy [--mode soft|hard|polar] [--method newton-schulz|eigen|svd]
/// [--schedule adaptive|coupled] [--polar converged|polar-express|muon] [--steps K] [--tol T]
/// [--float32]</c>: a function of the singular values of a matrix.
/// </summary>
public sealed class ClipCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "clip";

    /// <inheritdoc />
    public string Summary => "spectral soft/hard clipping or the polar factor of a matrix, by Newton–Schulz, eigendecomposition or SVD";

    /// <summary>The words of <c>--mode</c>.</summary>
    public static WordTable<SpectralMode> Modes { get; } = new(("soft", SpectralMode.Soft), ("hard", SpectralMode.Hard), ("polar", SpectralMode.Polar));

    /// <summary>The words of <c>--method</c>.</summary>
    public static WordTable<SpectralMethod> Methods { get; } = new(("newton-schulz", SpectralMethod.NewtonSchulz), ("eigen", SpectralMethod.Eigen), ("svd", SpectralMethod.Svd));

    /// <summary>The words of <c>--schedule</c> (soft clipping).</summary>
    public static WordTable<SoftClipSchedule> Schedules { get; } = new(("adaptive", SoftClipSchedule.Adaptive), ("coupled", SoftClipSchedule.Coupled));

    /// <summary>The words of <c>--polar</c> (the polar factor's schedule).</summary>
    public static WordTable<PolarSchedule> PolarSchedules { get; } =
        new(("converged", PolarSchedule.Converged), ("polar-express", PolarSchedule.PolarExpress), ("muon", PolarSchedule.Muon));

    /// <inheritdoc />
    public string Usage =>
        $"numerics clip --in X.npy --c C --out Y.npy [--mode {Modes.Usage}] [--method {Methods.Usage}] "
        + $"[--schedule {Schedules.Usage}] [--polar {PolarSchedules.Usage}] [--steps K] [--tol T] [--float32]";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        var mode = args.Word("mode", Modes);
        var method = args.Word("method", Methods);
        var schedule = args.Word("schedule", Schedules);
        var polar = args.Word("polar", PolarSchedules);
        double c = mode == SpectralMode.Polar ? args.Double("c", 1.0, positive: true) : ParseC(args);
        int? steps = args.Optional("steps") is null ? null : args.Int("steps", 0, min: 0);
        double? tol = args.Optional("tol") is null ? null : args.Double("tol", 0, positive: true);
        bool single = args.Flag("float32");
        args.Required("in");
        args.Required("out");
        if (method != SpectralMethod.NewtonSchulz && context.Device == CliDevice.Gpu) throw new CliUsageException($"--method {Methods.WordOf(method)} runs on the CPU; use --device cpu");
        args.EnsureAllUsed();

        // --float32 keeps a float32 file float32 from the file to the solver; otherwise float64.
        var xs = single ? context.LoadSingleMatrix("in") : null;
        var x = xs is null ? context.LoadMatrix("in") : null;
        int rows = xs?.RowCount ?? x!.RowCount, cols = xs?.ColumnCount ?? x!.ColumnCount;
        var ns = new NewtonSchulzOptions { SoftSchedule = schedule, PolarSchedule = polar, Steps = steps, Tolerance = tol };
        var started = context.Elapsed;
        Matrix<double>? y = null;
        int stepsTaken = 0;
        double residual = 0, maxOut = 0;
        string status = "";
        var methodUsed = method;
        string device = "cpu";
        if (context.Device == CliDevice.Gpu)
        {
            using var gpu = GpuDevice.Create();
            device = gpu.ToString();
            (y, stepsTaken, residual, status, maxOut) = xs is not null ? OnDevice(gpu, mode, xs, c, ns) : OnDevice(gpu, mode, x!, c, ns);
        }
        if (context.Device != CliDevice.Gpu || status != "Converged")
        {
            // On the CPU, or when the device iteration could not be certified: the host path with its exact fallback.
            var hostMethod = method;
            if (context.Device == CliDevice.Gpu) (hostMethod, device) = (SpectralMethod.Eigen, device + "; eigen fallback on the cpu");
            var options = new SpectralClipOptions { Method = hostMethod, NewtonSchulz = ns };
            if (xs is not null)
            {
                var r = SpectralClip.Apply(mode, xs, c, options);
                (y, stepsTaken, residual, status, maxOut, methodUsed) = (r.Value.Map(v => (double)v), r.Steps, r.Residual, r.Status.ToString(), r.MaxSingularValueBound, r.Method);
            }
            else
            {
                var r = SpectralClip.Apply(mode, x!, c, options);
                (y, stepsTaken, residual, status, maxOut, methodUsed) = (r.Value, r.Steps, r.Residual, r.Status.ToString(), r.MaxSingularValueBound, r.Method);
            }
        }
        double seconds = context.Elapsed - started;
        context.Save(y!);
        context.Summary(new Dictionary<string, object?>
        {
            ["mode"] = Modes.WordOf(mode),
            ["method"] = Methods.WordOf(method),
            ["method_used"] = Methods.WordOf(methodUsed),
            ["c"] = mode == SpectralMode.Polar ? null : c,
            ["rows"] = rows,
            ["cols"] = cols,
            ["precision"] = single ? "float32" : "float64",
            ["device"] = device,
            ["steps"] = stepsTaken,
            ["seconds"] = seconds,
            ["max_singular_value_bound"] = maxOut,
            ["residual"] = residual,
            ["status"] = status,
            ["converged"] = status == "Converged",
        });
        return 0;
    }

    private static double ParseC(CliArguments args)
    {
        string s = args.Required("c");
        if (!double.TryParse(s, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double c) || !double.IsFinite(c))
            throw new CliUsageException($"--c must be a finite number, got '{s}'");
        if (c <= 0) throw new CliUsageException($"--c must be positive, got {s}");
        return c;
    }

    private static (Matrix<double>, int, double, string, double) OnDevice<T>(GpuDevice gpu, SpectralMode mode, Matrix<T> x, double c, NewtonSchulzOptions ns)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        using var dx = DeviceMatrix<T>.Upload(gpu, x);
        var r = new GpuSpectralClip(gpu).Apply(mode, dx, c, ns);
        using var value = r.Value;
        var host = value.Download();
        var y = host is Matrix<double> d ? d : ((Matrix<float>)(object)host).Map(v => (double)v);
        return (y, r.Steps, r.Residual, r.Status.ToString(), r.MaxSingularValueBound);
    }
}
