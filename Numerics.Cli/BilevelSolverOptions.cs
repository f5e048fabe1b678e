using Numerics.Bilevel;

namespace Numerics.Cli;

/// <summary>The solver options every <c>numerics bilevel</c> subcommand shares, and the summary fields of its result.</summary>
public sealed class BilevelSolverOptions
{
    /// <summary>The bilevel methods.</summary>
    public enum Method
    {
        /// <summary><see cref="MaidSolver{TVector}"/>.</summary>
        Maid,
        /// <summary><see cref="FixedScheduleSolver{TVector}"/>.</summary>
        Fixed,
    }

    /// <summary>The words of <c>--method</c>.</summary>
    public static WordTable<Method> Methods { get; } = new(("maid", Method.Maid), ("fixed", Method.Fixed));

    /// <summary>The words of <c>--schedule</c> (the fixed method's).</summary>
    public static WordTable<AccuracySchedule> Schedules { get; } = new(("geometric", AccuracySchedule.Geometric), ("constant", AccuracySchedule.Constant),
        ("quadratic", AccuracySchedule.Quadratic), ("cubic", AccuracySchedule.Cubic));

    /// <summary>The options' usage text.</summary>
    public static string Usage =>
        $"[--method {Methods.Usage}] [--schedule {Schedules.Usage}] [--max-iterations K] [--tol T | --rtol R] [--epsilon0 E] [--delta0 D] [--step0 A] [--quasi-newton M]";

    private readonly Method _method;
    private readonly BilevelOptions _options;

    /// <summary>Reads the options from the command line (where the solve runs is the subcommand's choice).</summary>
    public BilevelSolverOptions(CliContext context)
    {
        var progress = new ImmediateProgress(p => context.Progress(p.Iteration, p.Objective, p.Residual));
        var args = context.Arguments;
        _method = args.Word("method", Methods);
        var schedule = args.Word("schedule", Schedules);
        int maxIterations = args.Int("max-iterations", BilevelOptions.DefaultMaxIterations, min: 1);
        // --tol: absolute bound on ‖z‖ + ω; otherwise --rtol times the certified ‖∇f(θ₀)‖ (the library's default).
        double? tol = args.Optional("tol") is null ? null : args.Double("tol", 0, positive: true);
        // 0 is allowed, as in the library: the run then goes on until its iteration limit or its floor.
        double rtol = args.Double("rtol", BilevelOptions.DefaultRelativeTolerance);
        if (rtol < 0) throw new CliUsageException($"--rtol must not be negative, got {rtol}");
        if (tol is not null && args.Optional("rtol") is not null) throw new CliUsageException("--tol and --rtol exclude each other");
        if (rtol >= 1) throw new CliUsageException($"--rtol must be below 1, got {rtol}");
        double epsilon = args.Double("epsilon0", 0.1, positive: true);
        double delta = args.Double("delta0", epsilon, positive: true);
        double? step = args.Optional("step0") is null ? null : args.Double("step0", 0, positive: true);
        if (_method == Method.Maid && args.Optional("schedule") is not null) throw new CliUsageException("--schedule applies to --method fixed");
        int memory = args.Int("quasi-newton", new MaidOptions().QuasiNewtonMemory, min: 0);
        if (_method == Method.Fixed && args.Optional("quasi-newton") is not null) throw new CliUsageException("--quasi-newton applies to --method maid");
        _options = _method == Method.Maid
            ? new MaidOptions { MaxIterations = maxIterations, Tolerance = tol, RelativeTolerance = rtol, InitialAccuracy = epsilon, InitialAdjointAccuracy = delta, InitialStep = step ?? new MaidOptions().InitialStep, QuasiNewtonMemory = memory, Progress = progress }
            : new FixedScheduleOptions { MaxIterations = maxIterations, Tolerance = tol, RelativeTolerance = rtol, InitialAccuracy = epsilon, InitialAdjointAccuracy = delta, InitialStep = step, Schedule = schedule, Progress = progress };
    }

    /// <summary>Runs the selected solver on lower-level vectors handled by <paramref name="arithmetic"/>.</summary>
    public BilevelResult<TVector> Solve<TVector>(Numerics.Arithmetic.IVectorArithmetic<TVector> arithmetic, IBilevelProblem<TVector> problem, double[] theta0)
    {
        IBilevelSolver<TVector> solver = _options is MaidOptions maid
            ? new MaidSolver<TVector>(arithmetic, maid)
            : new FixedScheduleSolver<TVector>(arithmetic, (FixedScheduleOptions)_options);
        return solver.Solve(problem, theta0);
    }

    /// <summary>The summary fields every subcommand prints.</summary>
    public Dictionary<string, object?> Fields<TVector>(BilevelResult<TVector> result, double seconds) => new()
    {
        ["method"] = Methods.WordOf(_method),
        ["theta"] = result.Theta,
        ["upper_loss"] = result.UpperLoss,
        ["hypergradient_norm"] = result.Final.Norm,
        ["hypergradient_error_bound"] = result.Final.ErrorBound,
        ["stationarity_target"] = result.StationarityTarget,
        ["iterations"] = result.Iterations,
        ["accepted_steps"] = result.Steps.Count,
        ["lower_iterations_total"] = result.LowerIterations,
        ["cg_iterations_total"] = result.AdjointIterations,
        ["epsilon"] = result.Epsilon,
        ["delta"] = result.Delta,
        ["status"] = result.Status.ToString(),
        ["certified"] = result.Certified,
        ["certificate"] = result.Certificate.ToString().ToLowerInvariant(),
        ["seconds"] = seconds,
        ["device"] = "cpu",
    };
}
