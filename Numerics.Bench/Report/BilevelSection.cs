using Numerics.Arithmetic;
using Numerics.Bench.Problems;
using Numerics.Bilevel;

namespace Numerics.Bench.Report;

/// <summary>
/// Bilevel learning on TV denoising: MAID against the fixed-schedule (HOAG) baseline, as total
/// lower-level + CG iterations to reach the upper loss MAID reaches, the PSNR before and after
/// learning, and the image operators' throughput as a multiple of a memory pass over the same data.
/// </summary>
internal sealed class BilevelSection : IReportSection
{
    private static readonly (int Size, int Count)[] Smoke = [(32, 2)], Full = [(96, 3), (256, 2)];

    /// <summary>MAID's outer iterations; the baseline gets several times as many to reach MAID's loss.</summary>
    private const int MaidIterations = 30, BaselineFactor = 10;

    /// <inheritdoc />
    public string Name => "bilevel";

    /// <inheritdoc />
    public string Description => "MAID against the fixed-schedule baseline on TV denoising (inner iterations to the same loss, PSNR), image operators against a memory pass";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine("## Bilevel learning: TV denoising (host, double)");
        w.WriteLine();
        var table = new ReportTable("images", "method", "status", "seconds", "inner iterations", "vs MAID", "f reached", "PSNR noisy", "PSNR learned", "θ");
        var operators = new ReportTable("images", "D + Dᵀ (s)", "memory pass (s)", "multiple of a pass", "7×7 K + Kᵀ (s)", "multiple of a pass");
        string source = "";
        foreach (var (size, count) in context.Sizes(Smoke, Full))
        {
            var (clean, noisy, shape, from) = BilevelProblems.Denoising(size, count);
            source = from;
            using var problem = BilevelProblems.TotalVariation(clean, noisy, shape);
            double[] theta0 = [-5.0, -5.0];
            string label = $"{count}×{size}²";
            double psnrNoisy = DenoisingImages.PeakSignalToNoiseRatio(clean, noisy);

            BilevelResult<double[]> maid = null!;
            double tMaid = Timing.Best(() => maid = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = MaidIterations }).Solve(problem, theta0), 1);
            double target = AccurateLoss(problem, maid.Theta);
            table.Add(label, "MAID", maid.Status, tMaid, maid.TotalInnerIterations, 1.0, target, psnrNoisy,
                DenoisingImages.PeakSignalToNoiseRatio(clean, maid.LowerSolution), Theta(maid.Theta));

            foreach (var schedule in new[] { AccuracySchedule.Geometric, AccuracySchedule.Quadratic })
            {
                BilevelResult<double[]> run = null!;
                var options = new FixedScheduleOptions { Schedule = schedule, MaxIterations = BaselineFactor * MaidIterations };
                double t = Timing.Best(() => run = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, options).Solve(problem, theta0), 1);
                var (reached, loss) = FirstStepAtLoss(problem, run.Steps, target);
                long inner = reached is null ? run.TotalInnerIterations : reached.LowerIterations + reached.AdjointIterations;
                string ratio = reached is null ? $"> {(double)inner / maid.TotalInnerIterations:F2} (not reached)" : $"{(double)inner / maid.TotalInnerIterations:F2}";
                table.Add(label, $"fixed, {schedule.ToString().ToLowerInvariant()}", run.Status, t, inner, ratio, loss, psnrNoisy,
                    DenoisingImages.PeakSignalToNoiseRatio(clean, run.LowerSolution), Theta(run.Theta));
            }
            var (differences, pass, correlation) = OperatorTimes(shape, noisy);
            operators.Add(label, differences, pass, differences / pass, correlation, correlation / pass);
        }
        w.WriteLine($"Images: {source}; noise σ = {BilevelProblems.NoiseLevel}, θ₀ = (−5, −5); MAID {MaidIterations} iterations with its defaults; the fixed schedules (ε₀ = 0.1) get up to {BaselineFactor}× as many to reach the loss f(θ) of MAID's final θ. f is evaluated by a lower-level solve to ‖x̃ − x̂‖ ≤ {AccurateAccuracy:0e0}; \"inner iterations\" = lower-level FISTA + CG iterations until the first accepted step at that loss (found by bisection over the accepted steps, whose loss the baseline only lets fall).");
        w.WriteLine();
        table.Write(w);
        w.WriteLine("Image operators: D + Dᵀ (forward differences and adjoint) and a 7×7 valid correlation with its adjoint, against copying the same input and output bytes once:");
        w.WriteLine();
        operators.Write(w);
    }

    /// <summary>The lower-level accuracy of the loss comparison.</summary>
    private const double AccurateAccuracy = 1e-8;

    /// <summary>f(θ) = g(x̂(θ)) to within ‖∇g‖·1e-8, from a fresh lower-level solve.</summary>
    private static double AccurateLoss(IBilevelProblem<double[]> problem, double[] theta)
    {
        using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, theta, new InnerSolveOptions { LowerMaxIterations = 100_000 });
        return oracle.SolveLower(theta, AccurateAccuracy).UpperLoss;
    }

    /// <summary>The first step whose θ has f(θ) ≤ target, by bisection over the steps, with its loss (the last step's when none).</summary>
    private static (BilevelStep? Step, double Loss) FirstStepAtLoss(IBilevelProblem<double[]> problem, IReadOnlyList<BilevelStep> steps, double target)
    {
        if (steps.Count == 0) return (null, double.NaN);
        double last = AccurateLoss(problem, steps[^1].Theta);
        if (last > target) return (null, last);
        int lo = 0, hi = steps.Count - 1;
        double loss = last;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            double f = AccurateLoss(problem, steps[mid].Theta);
            if (f <= target) { hi = mid; loss = f; } else lo = mid + 1;
        }
        return (steps[hi], hi == steps.Count - 1 ? last : loss);
    }

    private static string Theta(double[] theta) => $"({theta[0]:F2}, {theta[1]:F2})";

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
