using System.Diagnostics;
using Numerics.Arithmetic;
using Numerics.Bench.Problems;
using Numerics.Bilevel;
using Numerics.Optimization;

namespace Numerics.Bench.Report;

/// <summary>
/// Bilevel learning: MAID against the fixed-schedule (HOAG) baseline on TV denoising, field-of-experts
/// denoising and multinomial logistic regression, as total lower-level + CG iterations until each
/// reaches the same exact upper loss, with the quality before and after learning (PSNR, validation
/// cross-entropy); and the image operators' throughput as a multiple of a memory pass.
/// </summary>
internal sealed class BilevelSection : IReportSection
{
    private static readonly (int Size, int Count)[] SmokeTv = [(32, 2)], FullTv = [(96, 3)];
    private static readonly (int Size, int Count, int Filters, int FilterSize)[] SmokeFoe = [(32, 1, 4, 5)], FullFoe = [(64, 2, 8, 5)];
    private static readonly (int Train, int Validation)[] SmokeLogistic = [(100, 100)], FullLogistic = [(500, 500)];

    /// <summary>
    /// The inner-iteration budget (FISTA + CG) every run of a problem gets, full sizes (a quarter for
    /// smoke): each run stops at its certified relative stationarity or when the budget is spent.
    /// </summary>
    private const long TvBudget = 80_000, FoeBudget = 120_000, LogisticBudget = 200_000;

    /// <summary>The lower-level accuracy of the exact losses f(θ) the comparison is made on.</summary>
    private const double AccurateAccuracy = 1e-8;

    /// <inheritdoc />
    public string Name => "bilevel";

    /// <inheritdoc />
    public string Description => "MAID against the fixed-schedule baseline on TV, field-of-experts and logistic problems (inner iterations to the same loss, quality), image operators against a memory pass";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        int scale = context.Smoke ? 4 : 1;
        w.WriteLine("## Bilevel learning: MAID against the fixed schedule (host, double)");
        w.WriteLine();
        var runs = new ReportTable("problem", "run", "status", "outer", "inner (FISTA + CG)", "seconds", "final f", "quality");
        var levels = new ReportTable(["problem", "share of f₀ − f_best, or MAID's end", "f", .. RunNames, "MAID / best HOAG", "MAID (steepest descent) / best HOAG"]);
        var operators = new ReportTable("images", "D + Dᵀ (s)", "memory pass (s)", "multiple of a pass", "7×7 K + Kᵀ (s)", "multiple of a pass");
        string source = "";
        foreach (var (size, count) in context.Sizes(SmokeTv, FullTv))
        {
            var (clean, noisy, shape, from) = BilevelProblems.Denoising(size, count);
            source = from;
            using var problem = BilevelProblems.TotalVariation(clean, noisy, shape);
            Compare(runs, levels, $"TV {count}×{size}²", problem, [-5.0, -5.0], TvBudget / scale, [AccuracySchedule.Geometric, AccuracySchedule.Quadratic], Psnr(clean), NoisyPsnr(clean, noisy));
            var (differences, pass, correlation) = OperatorTimes(shape, noisy);
            operators.Add($"{count}×{size}²", differences, pass, differences / pass, correlation, correlation / pass);
        }
        foreach (var (size, count, filters, filterSize) in context.Sizes(SmokeFoe, FullFoe))
        {
            var (clean, noisy, shape, _) = BilevelProblems.Denoising(size, count);
            var (problem, theta0) = BilevelProblems.FieldOfExperts(clean, noisy, shape, filters, filterSize);
            using (problem)
                Compare(runs, levels, $"FoE {count}×{size}², {filters} × {filterSize}²", problem, theta0, FoeBudget / scale, [AccuracySchedule.Geometric], Psnr(clean), NoisyPsnr(clean, noisy));
        }
        string logisticSource = "";
        foreach (var (train, validation) in context.Sizes(SmokeLogistic, FullLogistic))
        {
            var (problem, theta0, from) = BilevelProblems.Logistic(train, validation);
            logisticSource = from;
            Compare(runs, levels, $"logistic {train}+{validation}, 64 weights", problem, theta0, LogisticBudget / scale, [AccuracySchedule.Geometric], (f, _) => $"{f:F4}", "");
        }
        w.WriteLine($"Images: {source}, noise σ = {BilevelProblems.NoiseLevel}; TV from θ₀ = (−5, −5), FoE from the reference script's start; logistic: {logisticSource}, θ₀ = −3. "
            + $"Every run starts from the same θ₀ and ε₀ = δ₀ = 0.1 and stops at its certified relative stationarity (10⁻³ of the first hypergradient) or when it has spent the same budget of "
            + $"{TvBudget / scale} (TV), {FoeBudget / scale} (FoE), {LogisticBudget / scale} (logistic) inner iterations; HOAG is the fixed schedules with HOAG's step rule. "
            + "MAID runs with its defaults (quasi-Newton direction, QuasiNewtonMemory = 5), with steepest descent (QuasiNewtonMemory = 0, the reference method's direction), "
            + "and with steepest descent under the reference code's control rules (ν-halving on a failed descent test, ρ̄ = 10/9 after every step). "
            + $"f is the exact upper loss g(x̂(θ)) (lower level solved to ‖x̃ − x̂‖ ≤ {AccurateAccuracy:0e0}) at each accepted step; f_best is the lowest any run reached. "
            + "\"inner\" counts FISTA + CG iterations, including the sharpening at θ₀ that fixes the relative target; a level's cell is the count at the first accepted step whose exact loss reaches it "
            + "(\"never\" when the run ends first). Quality: PSNR (dB) of the noisy images, of x̂ at θ₀ and at each run's θ; for logistic, the validation cross-entropy.");
        w.WriteLine();
        runs.Write(w);
        w.WriteLine("Inner iterations each run spent to reach a share of the best decrease found, f ≤ f₀ − share·(f₀ − f_best), and the exact loss at MAID's last step:");
        w.WriteLine();
        levels.Write(w);
        w.WriteLine("Image operators: D + Dᵀ (forward differences and adjoint) and a 7×7 valid correlation with its adjoint, against copying the same input and output bytes once:");
        w.WriteLine();
        operators.Write(w);
    }

    /// <summary>Outer iterations are not what limits a run here: the inner budget is.</summary>
    private const int Unlimited = 1_000_000;

    /// <summary>The runs of each comparison, in table order.</summary>
    private static readonly string[] RunNames = ["MAID", "MAID (steepest descent)", "MAID (reference rules)", "HOAG geometric", "HOAG quadratic"];

    /// <summary>The shares of the best decrease the cost is read at.</summary>
    private static readonly double[] Shares = [0.9, 0.99, 0.999, 0.9999];

    private static string NoisyPsnr(double[] clean, double[] noisy) => $"noisy {DenoisingImages.PeakSignalToNoiseRatio(clean, noisy):F2}; ";

    /// <summary>The PSNR (dB) of a lower-level solution against the clean images.</summary>
    private static Func<double, double[], string> Psnr(double[] clean) => (_, x) => $"{DenoisingImages.PeakSignalToNoiseRatio(clean, x):F2}";

    /// <summary>Runs MAID (three ways) and each baseline schedule from θ₀, then reads off each run's cost to reach shares of the best decrease.</summary>
    /// <param name="quality">The quality of (f(θ), x̂(θ)) as a table cell.</param>
    /// <param name="prefix">Written before the qualities (the noisy PSNR), or empty.</param>
    private static void Compare(ReportTable runs, ReportTable levels, string label, IBilevelProblem<double[]> problem, double[] theta0, long budget, AccuracySchedule[] schedules,
        Func<double, double[], string> quality, string prefix)
    {
        var ops = HostVectorArithmetic.Instance;
        var solvers = new Dictionary<string, IBilevelSolver<double[]>>
        {
            ["MAID"] = new MaidSolver<double[]>(ops, new MaidOptions { MaxIterations = Unlimited, MaxInnerIterations = budget }),
            ["MAID (steepest descent)"] = new MaidSolver<double[]>(ops, new MaidOptions { MaxIterations = Unlimited, MaxInnerIterations = budget, QuasiNewtonMemory = 0 }),
            ["MAID (reference rules)"] = new MaidSolver<double[]>(ops, new MaidOptions
            {
                MaxIterations = Unlimited, MaxInnerIterations = budget, QuasiNewtonMemory = 0, PredictiveTightening = false, GoodStepGrowth = 1.0,
            }),
        };
        foreach (var schedule in schedules)
            solvers[$"HOAG {schedule.ToString().ToLowerInvariant()}"] = new FixedScheduleSolver<double[]>(ops,
                new FixedScheduleOptions { Schedule = schedule, MaxIterations = Unlimited, MaxInnerIterations = budget });
        var start = Accurate(problem, theta0);
        var paths = new Dictionary<string, List<(long Inner, double Loss)>>();
        var spent = new Dictionary<string, long>();
        foreach (var (name, solver) in solvers)
        {
            var (result, seconds) = Timed(() => solver.Solve(problem, theta0));
            var path = ExactPath(problem, result);
            paths[name] = path;
            spent[name] = result.TotalInnerIterations;
            var end = Accurate(problem, result.Theta);
            runs.Add(label, name, result.Status.ToString(), result.Iterations, result.TotalInnerIterations, seconds, end.Loss,
                $"{prefix}{quality(start.Loss, start.X)} → {quality(end.Loss, end.X)}");
        }
        if (!double.IsFinite(start.Loss))
        {
            Console.Error.WriteLine($"bilevel: {label}: f(θ₀) could not be solved to {AccurateAccuracy:0e0}; no levels");
            return;
        }
        // NaN (an unconverged exact solve) is skipped: Min would return it.
        double best = paths.Values.SelectMany(p => p).Select(p => p.Loss).Where(double.IsFinite).Append(start.Loss).Min();
        // The shares, then the exact loss at MAID's last step (the "same loss" of the issue's
        // comparison: where MAID stopped, certified or not).
        var rows = Shares.Select(share => ($"{share:G4}", start.Loss - share * (start.Loss - best))).ToList();
        if (paths["MAID"] is { Count: > 0 } maidPath && double.IsFinite(maidPath[^1].Loss))
            rows.Add(("MAID's end", maidPath[^1].Loss));
        foreach (var (row, target) in rows)
        {
            var cells = new List<object> { label, row, target };
            var cost = RunNames.ToDictionary(n => n, n => paths.TryGetValue(n, out var p) ? CostTo(p, target, start.Loss) : (long?)null);
            foreach (var name in RunNames)
                cells.Add(paths.ContainsKey(name) ? cost[name] is { } c ? c.ToString() : "never" : "—");
            long? baseline = cost.Where(kv => kv.Key.StartsWith("HOAG") && kv.Value is not null).Select(kv => kv.Value).Min();
            // When no baseline got there, each would have needed more than it spent.
            long baselinesSpent = spent.Where(kv => kv.Key.StartsWith("HOAG")).Select(kv => kv.Value).Min();
            cells.Add(Ratio(cost["MAID"], baseline, baselinesSpent));
            cells.Add(Ratio(cost["MAID (steepest descent)"], baseline, baselinesSpent));
            levels.Add(cells.ToArray());
            // The section takes minutes: say where it is.
            Console.Error.WriteLine($"bilevel: {label}, {row} (f = {target:G7}): "
                + string.Join(", ", RunNames.Where(paths.ContainsKey).Select(n => $"{n} {(cost[n] is { } c ? c.ToString() : "never")}")));
        }
    }

    /// <summary>
    /// MAID's count over the best baseline's as a cell: "—" when MAID never reached the level;
    /// when no baseline did, "&lt; r" with r = MAID's count over the least any baseline spent in all.
    /// </summary>
    private static string Ratio(long? maid, long? baseline, long baselinesSpent) =>
        maid is not { } m ? "—" : baseline is not { } b ? $"< {(double)m / baselinesSpent:F3}" : b == 0 ? "—" : $"{(double)m / b:F3}";

    private static (BilevelResult<double[]> Result, double Seconds) Timed(Func<BilevelResult<double[]>> solve)
    {
        long t = Stopwatch.GetTimestamp();
        var result = solve();
        return (result, Stopwatch.GetElapsedTime(t).TotalSeconds);
    }

    /// <summary>f(θ) = g(x̂(θ)) to within ‖∇g‖·1e-8 and the solution, from a fresh lower-level solve.</summary>
    private static (double Loss, double[] X) Accurate(IBilevelProblem<double[]> problem, double[] theta)
    {
        using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, theta, new InnerSolveOptions { LowerMaxIterations = 100_000 });
        return (Exact(oracle, theta), (double[])oracle.LowerSolution.Clone());
    }

    /// <summary>
    /// The exact loss after each accepted step, with the cumulative inner iterations as logged, in
    /// order, from one oracle warm-started from step to step.
    /// </summary>
    private static List<(long Inner, double Loss)> ExactPath(IBilevelProblem<double[]> problem, BilevelResult<double[]> run)
    {
        var path = new List<(long, double)>();
        if (run.Steps.Count == 0) return path;
        using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, run.Steps[0].Theta, new InnerSolveOptions { LowerMaxIterations = 100_000 });
        foreach (var step in run.Steps)
            path.Add((step.LowerIterations + step.AdjointIterations, Exact(oracle, step.Theta)));
        return path;
    }

    /// <summary>The loss of a lower-level solve to <see cref="AccurateAccuracy"/>; NaN (never counted as reaching a level) when the solve did not get there.</summary>
    private static double Exact(HypergradientOracle<double[]> oracle, double[] theta)
    {
        var solution = oracle.SolveLower(theta, AccurateAccuracy);
        return solution.Status == SolverStatus.Converged ? solution.UpperLoss : double.NaN;
    }

    /// <summary>
    /// Inner iterations at the first step whose exact loss is at most <paramref name="target"/>
    /// (the baseline's exact losses need not fall monotonically, so a scan in order); 0 when θ₀
    /// already meets it, null when no step does.
    /// </summary>
    private static long? CostTo(List<(long Inner, double Loss)> path, double target, double startLoss)
    {
        if (startLoss <= target) return 0;
        // The warm path and the cold solves agree to about the accuracy of the exact losses.
        double slack = 1e-9 * Math.Abs(target);
        foreach (var (inner, loss) in path)
            if (loss <= target + slack) return inner;
        return null;
    }

    /// <summary>Seconds of D then Dᵀ on the stack, of copying the same 3P doubles once, and of one 7×7 K then Kᵀ.</summary>
    private static (double Differences, double Pass, double Correlation) OperatorTimes(ImageShape shape, double[] images)
    {
        var ops = HostImageOperators.Instance;
        var d = new double[2 * shape.Pixels];
        var back = new double[shape.Pixels];
        var copy = new double[3 * shape.Pixels];
        var source = new double[3 * shape.Pixels];
        double t = Timing.Best(() => { ops.Differences(shape, images, d); ops.DifferencesAdjoint(shape, d, back); }, 5);
        double pass = Timing.Best(() => source.AsSpan().CopyTo(copy), 5);
        var filter = new double[49];
        new Numerics.Random.CounterRng(2).FillNormal(filter);
        var response = new double[HostImageOperators.ResponseShape(shape, filter, 7).Pixels];
        double correlation = Timing.Best(() => { ops.Correlate(shape, filter, 7, images, response); ops.CorrelateAdjoint(shape, filter, 7, response, back); }, 5);
        return (t, pass, correlation);
    }
}
