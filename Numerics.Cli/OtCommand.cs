using Numerics.Gpu;
using Numerics.Transport;

namespace Numerics.Cli;

/// <summary>
/// <c>numerics ot --cost C.npy --a a.npy --b b.npy --k K --gamma G --out T.npy
/// [--formulation semi-dual|dual] [--method sparse|quadratic|sinkhorn|exact] [--tol T] [--max-iter N]
/// [--device cpu|gpu] [--float32]</c>: optimal transport between the marginals a (rows) and b
/// (columns) under the cost C. Writes the plan densely (float64, m×n) and one JSON line.
/// </summary>
/// <remarks>
/// <c>--k</c> is required by <c>sparse</c> and does not apply to <c>quadratic</c> (which is k = m);
/// <c>--gamma</c> defaults to 1 (the official code's default) and is the entropic ε for
/// <c>sinkhorn</c>. In the summary <c>objective</c> is the regularised primal value of the written plan,
/// <c>dual_objective</c> the dual value at the returned potentials (a lower bound on the optimum; for
/// <c>exact</c> with v taken as minᵢ(cᵢⱼ − uᵢ), so that it is one even for a solve stopped early),
/// <c>upper_bound</c> the primal value of a feasible plan and <c>duality_gap</c> = upper_bound −
/// dual_objective, a certificate; both are null when no feasible plan is available (a k-sparse plan
/// that cannot be rounded without breaking the sparsity), and <c>gap_estimate</c> = objective −
/// dual_objective is then the only, uncertified, indication. Marginal errors are ℓ₁ against the
/// normalised a/Σa and b/Σb; <c>input_mass_rows</c> and <c>input_mass_cols</c> are Σa and Σb as passed.
/// <c>--device gpu</c> solves <c>sparse</c> and <c>quadratic</c> through <see cref="GpuSparseTransport"/>
/// (C and the potentials stored as float with <c>--float32</c>); the other methods run on the CPU.
/// </remarks>
public sealed class OtCommand : ICliCommand
{
    /// <inheritdoc />
    public string Name => "ot";

    /// <inheritdoc />
    public string Summary => "optimal transport with at most k non-zeros per column of the plan (semi-dual or dual), or quadratically regularised";

    /// <summary>The words of <c>--method</c>.</summary>
    public static WordTable<TransportMethod> Methods { get; } = new(("sparse", TransportMethod.Sparse), ("quadratic", TransportMethod.Quadratic),
        ("sinkhorn", TransportMethod.Sinkhorn), ("exact", TransportMethod.Exact));

    /// <summary>The words of <c>--formulation</c>.</summary>
    public static WordTable<TransportFormulation> Formulations { get; } = new(("semi-dual", TransportFormulation.SemiDual), ("dual", TransportFormulation.Dual));

    /// <summary>The words of <c>feasible_plan</c> in the summary.</summary>
    public static WordTable<FeasiblePlanSource> FeasibleSources { get; } = new(("rounded", FeasiblePlanSource.Rounded), ("reconstructed", FeasiblePlanSource.Reconstructed));

    /// <inheritdoc />
    public string Usage =>
        $"numerics ot --cost C.npy --a a.npy --b b.npy --k K --gamma G --out T.npy [--formulation {Formulations.Usage}] "
        + $"[--method {Methods.Usage}] [--tol T] [--max-iter N] [--float32]";

    /// <inheritdoc />
    public int Run(CliContext context)
    {
        var args = context.Arguments;
        var method = args.Word("method", Methods);
        var formulation = args.Word("formulation", Formulations);
        int? k = args.Optional("k") is null ? null : args.Int("k", 0, min: 1);
        double gamma = args.Double("gamma", new SparseTransportOptions().Gamma, positive: true);
        double? tol = args.Optional("tol") is null ? null : args.Double("tol", 0);
        int? maxIterations = args.Optional("max-iter") is null ? null : args.Int("max-iter", 0, min: 0);
        bool single = args.Flag("float32");
        args.Required("cost");
        args.Required("a");
        args.Required("b");
        args.Required("out");
        if (tol < 0) throw new CliUsageException($"--tol must be non-negative, got {tol}");
        if (method == TransportMethod.Sparse && k is null) throw new CliUsageException("--k is required by --method sparse");
        if (method == TransportMethod.Quadratic && k is not null) throw new CliUsageException("--k does not apply to --method quadratic (it is k = m)");
        if (method is TransportMethod.Exact or TransportMethod.Sinkhorn && k is not null)
            throw new CliUsageException($"--k does not apply to --method {Methods.WordOf(method)}");
        bool onDevice = context.Device == CliDevice.Gpu;
        if (onDevice && method is not (TransportMethod.Sparse or TransportMethod.Quadratic))
            throw new CliUsageException($"--method {Methods.WordOf(method)} runs on the CPU; use --device cpu");
        if (single && !onDevice) throw new CliUsageException("--float32 applies to the GPU evaluation; add --device gpu");
        args.EnsureAllUsed();

        var cost = context.LoadMatrix("cost");
        var a = context.LoadVector("a");
        var b = context.LoadVector("b");
        var problem = TransportProblem.Create(cost, a, b);
        var options = new SparseTransportOptions
        {
            Gamma = gamma, Formulation = formulation, Tolerance = tol, MaxIterations = maxIterations,
            Progress = new ImmediateProgress(p => context.Progress(p.Iteration, p.Objective, p.Residual)),
        };
        var started = context.Elapsed;
        string device = "cpu";
        using var gpu = onDevice ? GpuDevice.Create() : null;
        SparseTransportResult Sparse(int slots)
        {
            if (gpu is null) return SparseTransport.Solve(problem, slots, options);
            device = gpu.ToString();
            return single ? GpuSparseTransport.Solve<float>(gpu, problem, slots, options) : GpuSparseTransport.Solve<double>(gpu, problem, slots, options);
        }
        var summary = method switch
        {
            TransportMethod.Sparse => Summarize(Sparse(k!.Value)),
            TransportMethod.Quadratic => Summarize(Sparse(problem.Rows)),
            TransportMethod.Exact => Summarize(ExactTransport.Solve(a.ToArray(), b.ToArray(), cost, new ExactTransportOptions { Tolerance = tol, MaxIterations = maxIterations }), problem),
            TransportMethod.Sinkhorn => Summarize(SinkhornTransport.Solve(a.ToArray(), b.ToArray(), cost, gamma,
                new SinkhornOptions { Tolerance = tol, MaxIterations = maxIterations }), problem),
            _ => throw new CliUsageException($"--method {Methods.WordOf(method)} is not handled"),
        };
        double seconds = context.Elapsed - started;
        context.Save(summary.Plan.ToDense());
        summary.Fields["method"] = Methods.WordOf(method);
        summary.Fields["rows"] = problem.Rows;
        summary.Fields["cols"] = problem.Columns;
        summary.Fields["gamma"] = gamma;
        summary.Fields["device"] = device;
        summary.Fields["precision"] = single ? "float32" : "float64";
        summary.Fields["seconds"] = seconds;
        context.Summary(summary.Fields);
        return 0;
    }

    /// <summary>The plan and the JSON fields of an exact solve (a basic plan: at most m + n − 1 entries, k does not apply).</summary>
    private static (TransportPlan Plan, Dictionary<string, object?> Fields) Summarize(ExactTransportResult r, TransportProblem problem)
    {
        var plan = r.Plan.ToTransportPlan();
        double lower = LowerBound(r.U, problem);
        return (plan, new Dictionary<string, object?>
        {
            ["objective"] = r.Cost,
            ["cost"] = r.Cost,
            ["dual_objective"] = lower,
            // A converged basic plan is feasible (its marginals within the certificate's tolerance).
            ["upper_bound"] = r.Converged ? r.Cost : null,
            ["duality_gap"] = r.Converged ? r.Cost - lower : null,
            ["gap_estimate"] = r.Cost - lower,
            ["marginal_error_rows"] = problem.RowMarginalError(plan),
            ["marginal_error_cols"] = problem.ColumnMarginalError(plan),
            ["input_mass_rows"] = r.InputMass.Source,
            ["input_mass_cols"] = r.InputMass.Target,
            ["dual_violation"] = r.Certificate.DualViolation,
            ["max_nnz_per_column"] = plan.MaxNonZerosPerColumn(),
            ["nnz"] = plan.EntryCount,
            ["iterations"] = r.Iterations,
            ["status"] = r.Status.ToString(),
            ["converged"] = r.Converged,
        });
    }

    /// <summary>
    /// Σᵢ aᵢuᵢ + Σⱼ bⱼ·minᵢ(cᵢⱼ − uᵢ): the dual value with v replaced by the tightest values that make
    /// (u, v) dual feasible, so a lower bound on the optimum for any u. The solver's own Σaᵢuᵢ + Σⱼbⱼvⱼ
    /// is one only when its dual violation is 0, which a solve stopped by --max-iter does not have.
    /// </summary>
    private static double LowerBound(double[] u, TransportProblem problem)
    {
        var cost = problem.Cost;
        var a = problem.SourceWeights;
        var b = problem.TargetWeights;
        int m = problem.Rows;
        double sum = 0;
        for (int i = 0; i < m; i++) sum += a[i] * u[i];
        for (int j = 0; j < problem.Columns; j++)
        {
            if (b[j] == 0) continue;
            double best = double.PositiveInfinity;
            for (int i = 0; i < m; i++) best = Math.Min(best, cost[i + j * m] - u[i]);
            sum += b[j] * best;
        }
        return sum;
    }

    /// <summary>The plan and the JSON fields of an entropic solve (γ is ε; the plan is dense).</summary>
    /// <exception cref="CliUsageException">The solve broke down (ε too small for the cost's scale: the plan overflowed).</exception>
    private static (TransportPlan Plan, Dictionary<string, object?> Fields) Summarize(SinkhornResult r, TransportProblem problem)
    {
        // Below the rounding of C, (f + g − c)/ε magnifies the potentials' rounding past exp's range:
        // the plan holds ∞ and no file can carry it, so the user is told which parameter to change.
        if (r.Status == Numerics.Optimization.SolverStatus.Breakdown)
            throw new CliUsageException(FormattableString.Invariant(
                $"--gamma {r.Epsilon:R}: Sinkhorn broke down (the plan overflowed), ε is too small for costs spanning {problem.CostRange:G3}; use a larger ε or --method exact"));
        var plan = TransportPlan.FromDense(r.Plan);
        return (plan, new Dictionary<string, object?>
        {
            ["objective"] = r.Objective,
            ["cost"] = r.Cost,
            ["dual_objective"] = r.DualObjective,
            ["upper_bound"] = r.FeasibleObjective,
            ["duality_gap"] = r.DualityGap,
            ["gap_estimate"] = r.GapEstimate,
            ["marginal_error_rows"] = problem.RowMarginalError(plan),
            ["marginal_error_cols"] = problem.ColumnMarginalError(plan),
            ["input_mass_rows"] = r.InputMass.Source,
            ["input_mass_cols"] = r.InputMass.Target,
            ["max_nnz_per_column"] = plan.MaxNonZerosPerColumn(),
            ["nnz"] = plan.EntryCount,
            ["iterations"] = r.Iterations,
            ["status"] = r.Status.ToString(),
            ["converged"] = r.Converged,
        });
    }

    /// <summary>The plan and the JSON fields of a sparse or quadratic solve.</summary>
    private static (TransportPlan Plan, Dictionary<string, object?> Fields) Summarize(SparseTransportResult r) => (r.Plan, new Dictionary<string, object?>
    {
        ["formulation"] = Formulations.WordOf(r.Formulation),
        ["k"] = r.K,
        ["objective"] = r.RegularizedCost,
        ["cost"] = r.Cost,
        ["dual_objective"] = r.DualValue,
        ["upper_bound"] = r.UpperBound,
        ["duality_gap"] = r.DualityGap,
        ["gap_estimate"] = r.GapEstimate,
        ["feasible_plan"] = r.FeasiblePlan is { } f ? FeasibleSources.WordOf(f.Source) : null,
        ["marginal_error_rows"] = r.RowMarginalError,
        ["marginal_error_cols"] = r.ColumnMarginalError,
        ["input_mass_rows"] = r.InputMass.Source,
        ["input_mass_cols"] = r.InputMass.Target,
        ["residual"] = r.Residual,
        ["max_nnz_per_column"] = r.MaxNonZerosPerColumn,
        ["nnz"] = r.Plan.EntryCount,
        ["iterations"] = r.Iterations,
        ["evaluations"] = r.Evaluations,
        ["status"] = r.Status.ToString(),
        ["converged"] = r.Status == Numerics.Optimization.SolverStatus.Converged,
    });
}
