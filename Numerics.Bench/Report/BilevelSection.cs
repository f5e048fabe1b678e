using System.Diagnostics;
using Numerics.Arithmetic;
using Numerics.Bench.Problems;
using Numerics.Bilevel;

namespace Numerics.Bench.Report;

/// <summary>
/// Bilevel learning: MAID against the fixed-schedule (HOAG) baseline on TV denoising, field-of-experts
/// denoising and multinomial logistic regression, as total lower-level + CG iterations until each
/// reaches the same exact upper loss, with the quality before and after learning (PSNR, validation
/// cross-entropy); and the image operators' throughput as a multiple of a memory pass.
/// </summary>
internal sealed class BilevelSection : IReportSection
{
    private static readonly (int Size, int Count)[] SmokeTv = [(32, 2)], FullTv = [(96, 3), (256, 2)];
    private static readonly (int Size, int Count, int Filters, int FilterSize)[] SmokeFoe = [(32, 1, 4, 5)], FullFoe = [(64, 2, 8, 5)];
    private static readonly (int Train, int Validation)[] SmokeLogistic = [(100, 100)], FullLogistic = [(500, 500)];

    /// <summary>MAID's outer iterations per problem (full sizes; halved for smoke).</summary>
    private const int TvIterations = 30, FoeIterations = 15, LogisticIterations = 20;

    /// <summary>
    /// The baseline gets up to this many times MAID's outer iterations (full; 3 for smoke, where a
    /// geometric schedule run 10× as long drives ε to the 1e-12 floor and dominates the section's time).
    /// </summary>
    private const int BaselineFactor = 10, SmokeBaselineFactor = 3;

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
        int scale = context.Smoke ? 2 : 1, factor = context.Smoke ? SmokeBaselineFactor : BaselineFactor;
        w.WriteLine("## Bilevel learning: MAID against the fixed schedule (host, double)");
        w.WriteLine();
        var table = new ReportTable("problem", "baseline", "common f", "MAID inner", "baseline inner", "MAID / baseline", "MAID / baseline at 90% of the decrease",
            "reference-rule MAID / baseline", "MAID run", "baseline run", "quality: start → MAID, baseline");
        var operators = new ReportTable("images", "D + Dᵀ (s)", "memory pass (s)", "multiple of a pass", "7×7 K + Kᵀ (s)", "multiple of a pass");
        string source = "";
        foreach (var (size, count) in context.Sizes(SmokeTv, FullTv))
        {
            var (clean, noisy, shape, from) = BilevelProblems.Denoising(size, count);
            source = from;
            using var problem = BilevelProblems.TotalVariation(clean, noisy, shape);
            Compare(table, $"TV {count}×{size}²", problem, [-5.0, -5.0], TvIterations / scale, factor, [AccuracySchedule.Geometric, AccuracySchedule.Quadratic], Psnr(clean), NoisyPsnr(clean, noisy));
            var (differences, pass, correlation) = OperatorTimes(shape, noisy);
            operators.Add($"{count}×{size}²", differences, pass, differences / pass, correlation, correlation / pass);
        }
        foreach (var (size, count, filters, filterSize) in context.Sizes(SmokeFoe, FullFoe))
        {
            var (clean, noisy, shape, _) = BilevelProblems.Denoising(size, count);
            var (problem, theta0) = BilevelProblems.FieldOfExperts(clean, noisy, shape, filters, filterSize);
            using (problem)
                Compare(table, $"FoE {count}×{size}², {filters} × {filterSize}²", problem, theta0, FoeIterations / scale, factor, [AccuracySchedule.Geometric], Psnr(clean), NoisyPsnr(clean, noisy));
        }
        string logisticSource = "";
        foreach (var (train, validation) in context.Sizes(SmokeLogistic, FullLogistic))
        {
            var (problem, theta0, from) = BilevelProblems.Logistic(train, validation);
            logisticSource = from;
            Compare(table, $"logistic {train}+{validation}, 64 weights", problem, theta0, LogisticIterations / scale, factor, [AccuracySchedule.Geometric], (f, _) => $"{f:F4}", "");
        }
        w.WriteLine($"Images: {source}, noise σ = {BilevelProblems.NoiseLevel}; TV from θ₀ = (−5, −5), FoE from the reference script's start; logistic: {logisticSource}, θ₀ = −3. "
            + $"MAID runs {TvIterations / scale} (TV), {FoeIterations / scale} (FoE), {LogisticIterations / scale} (logistic) outer iterations with its defaults, and again with the reference code's "
            + "control rules (ν-halving on a failed descent test, ρ̄ = 10/9 after every step); each fixed schedule (HOAG, ε₀ = δ₀ = 0.1, HOAG's step rule) up to "
            + $"{factor}× as many; all from the same θ₀ and ε₀. "
            + $"\"common f\" is the larger of MAID's and the baseline's final exact losses f(θ) = g(x̂(θ)) (lower level solved to ‖x̃ − x̂‖ ≤ {AccurateAccuracy:0e0}), so both runs reach it; "
            + "\"inner\" counts FISTA + CG iterations (including the shared sharpening at θ₀ that fixes the relative stopping target) up to the first accepted step whose exact loss is at most that "
            + "(a scan of the steps in order). The 90% column compares the same counts at f(θ₀) − 0.9·(f(θ₀) − common f); the reference-rule column is the same ratio for the "
            + "reference-rule MAID run against the baseline, at the larger of their two final losses (given as \"ratio @ f\"). "
            + "A run is \"status, outer iterations, seconds\". Quality: PSNR (dB) of the noisy images and of x̂ at θ₀, MAID's θ and the baseline's θ; for logistic, the validation cross-entropy at the same points.");
        w.WriteLine();
        table.Write(w);
        w.WriteLine("Image operators: D + Dᵀ (forward differences and adjoint) and a 7×7 valid correlation with its adjoint, against copying the same input and output bytes once:");
        w.WriteLine();
        operators.Write(w);
    }

    private static string NoisyPsnr(double[] clean, double[] noisy) => $"noisy {DenoisingImages.PeakSignalToNoiseRatio(clean, noisy):F2}; ";

    /// <summary>The PSNR (dB) of a lower-level solution against the clean images.</summary>
    private static Func<double, double[], string> Psnr(double[] clean) => (_, x) => $"{DenoisingImages.PeakSignalToNoiseRatio(clean, x):F2}";

    /// <summary>Runs MAID and each baseline schedule from θ₀ and adds one row per baseline.</summary>
    /// <param name="quality">The quality of (f(θ), x̂(θ)) as a table cell.</param>
    /// <param name="prefix">Written before the qualities (the noisy PSNR), or empty.</param>
    private static void Compare(ReportTable table, string label, IBilevelProblem<double[]> problem, double[] theta0, int iterations, int factor, AccuracySchedule[] schedules,
        Func<double, double[], string> quality, string prefix)
    {
        var ops = HostVectorArithmetic.Instance;
        var (maid, maidSeconds) = Timed(() => new MaidSolver<double[]>(ops, new MaidOptions { MaxIterations = iterations }).Solve(problem, theta0));
        var (reference, _) = Timed(() => new MaidSolver<double[]>(ops, new MaidOptions
        {
            MaxIterations = iterations, PredictiveTightening = false, GoodStepGrowth = 1.0,
        }).Solve(problem, theta0));
        var start = Accurate(problem, theta0);
        var maidEnd = Accurate(problem, maid.Theta);
        double referenceLoss = Accurate(problem, reference.Theta).Loss;
        foreach (var schedule in schedules)
        {
            var options = new FixedScheduleOptions { Schedule = schedule, MaxIterations = factor * iterations };
            var (baseline, seconds) = Timed(() => new FixedScheduleSolver<double[]>(ops, options).Solve(problem, theta0));
            var baselineEnd = Accurate(problem, baseline.Theta);
            double common = Math.Max(maidEnd.Loss, baselineEnd.Loss);
            double early = start.Loss - 0.9 * (start.Loss - common);
            long maidInner = InnerAt(problem, maid, common, start.Loss), baselineInner = InnerAt(problem, baseline, common, start.Loss);
            long maidEarly = InnerAt(problem, maid, early, start.Loss), baselineEarly = InnerAt(problem, baseline, early, start.Loss);
            double referenceCommon = Math.Max(referenceLoss, baselineEnd.Loss);
            long referenceInner = InnerAt(problem, reference, referenceCommon, start.Loss), referenceBaseline = InnerAt(problem, baseline, referenceCommon, start.Loss);
            table.Add(label, schedule.ToString().ToLowerInvariant(), common, maidInner, baselineInner, Ratio(maidInner, baselineInner), Ratio(maidEarly, baselineEarly),
                $"{Ratio(referenceInner, referenceBaseline):F3} @ {referenceCommon:G4}",
                $"{maid.Status}, {maid.Iterations}, {maidSeconds:F1} s", $"{baseline.Status}, {baseline.Iterations}, {seconds:F1} s",
                $"{prefix}{quality(start.Loss, start.X)} → {quality(maidEnd.Loss, maidEnd.X)}, {quality(baselineEnd.Loss, baselineEnd.X)}");
            // The section takes minutes: say where it is.
            Console.Error.WriteLine($"bilevel: {label}, {schedule}: MAID {maidInner} vs {baselineInner} inner iterations at f = {common:G6}; "
                + $"{maidEarly} vs {baselineEarly} at f = {early:G6}; reference rules {referenceInner} vs {referenceBaseline} at f = {referenceCommon:G6}");
        }
    }

    private static double Ratio(long a, long b) => b == 0 ? double.NaN : (double)a / b;

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
        double loss = oracle.SolveLower(theta, AccurateAccuracy).UpperLoss;
        return (loss, (double[])oracle.LowerSolution.Clone());
    }

    /// <summary>
    /// Inner iterations (cumulative, as logged) at the first accepted step whose exact loss is at
    /// most <paramref name="target"/>, scanning the steps in order with one oracle warm-started from
    /// step to step (the baseline's exact losses need not fall monotonically, so no bisection);
    /// 0 when θ₀ already meets it, long.MaxValue when no step does.
    /// </summary>
    private static long InnerAt(IBilevelProblem<double[]> problem, BilevelResult<double[]> run, double target, double startLoss)
    {
        if (startLoss <= target) return 0;
        var steps = run.Steps;
        if (steps.Count == 0) return long.MaxValue;
        using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, steps[0].Theta, new InnerSolveOptions { LowerMaxIterations = 100_000 });
        // The run's own final loss came from a cold solve; the warm scan may differ from it in the ninth digit.
        double slack = 1e-7 * Math.Abs(target);
        foreach (var step in steps)
            if (oracle.SolveLower(step.Theta, AccurateAccuracy).UpperLoss <= target + slack)
                return step.LowerIterations + step.AdjointIterations;
        return long.MaxValue;
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
