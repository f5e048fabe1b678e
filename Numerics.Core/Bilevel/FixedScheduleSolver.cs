using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// The fixed-schedule baseline (HOAG, Pedregosa 2016): inexact hypergradient descent whose
/// accuracies ε_k, δ_k follow a preset decreasing schedule, with HOAG's step rule. It shares the
/// oracle, the counters and the result with <see cref="MaidSolver{TVector}"/>, so the two compare
/// on equal terms.
/// </summary>
/// <remarks>
/// <para>
/// Step rule (HOAG's, from its reference implementation): the step is θ̂ = θ_k − z_k/L with
/// L₀ = ‖z₀‖/√n (1 when ‖z₀‖ ≤ 1e-3; or 1/<see cref="FixedScheduleOptions.InitialStep"/>). With
/// s = ‖θ̂ − θ_k‖ and the inexact losses g_k at θ_k and ĝ at θ̂ (the lower level solved to the next
/// accuracy ε_{k+1}):
/// </para>
/// <list type="bullet">
/// <item>ĝ ≤ g_k + C·ε_{k+1} + (C + 1)·ε_k·s − L·s² (C = 1/4): the step is taken and L ← 0.95·L;</item>
/// <item>ĝ ≥ g_k + 0.2·|g_k| (HOAG: ĝ ≥ 1.2·g_k, the same for the positive losses it had): the step is
/// refused, L ← 2·L, and the accuracy is halved on top of the schedule (for good with the geometric
/// and constant schedules, for the next solve only with the quadratic and cubic ones, whose
/// formula HOAG reapplies every iteration);</item>
/// <item>otherwise the step is taken and L is kept.</item>
/// </list>
/// <para>
/// With <see cref="FixedScheduleOptions.ParameterBound"/> the step is projected onto the box, as
/// HOAG's code does (s is then the projected step's length).
/// </para>
/// <para>
/// HOAG applies this test one iteration late, to the step it has already taken, and refuses the
/// next one; here it is applied to the step itself, so a refused step is never taken (the inner
/// work is the same: one lower-level solve per step). Nothing is certified: a step may raise the
/// exact loss by up to 20 %, and a loose fixed accuracy wanders rather than converging. The third
/// branch never changes L, so once the steps are too long to pass the test but too short to raise
/// the loss by 20 %, the run can cycle between two points at any accuracy (on ridge from θ₀ = 6:
/// f = 21.25 ↔ 21.07 against f* = 19.30, still at ε = 1e-12). That is HOAG's rule, kept as it is.
/// </para>
/// </remarks>
/// <typeparam name="TVector">The lower-level vector handle.</typeparam>
public sealed class FixedScheduleSolver<TVector> : IBilevelSolver<TVector>
{
    /// <summary>HOAG's factor on L after a step that passed the sufficient-decrease test.</summary>
    private const double LipschitzDecrease = 0.95;

    /// <summary>HOAG's factor on L after a refused step.</summary>
    private const double LipschitzIncrease = 2.0;

    /// <summary>HOAG's C in the sufficient-decrease test.</summary>
    private const double Slack = 0.25;

    /// <summary>A step is refused when the inexact loss rises by this factor or more.</summary>
    private const double RefusalRatio = 1.2;

    /// <summary>HOAG's factor on the tolerance after a refused step.</summary>
    private const double RefusalTightening = 0.5;

    private readonly IVectorArithmetic<TVector> _ops;
    private readonly FixedScheduleOptions _options;

    /// <summary>A solver on lower-level vectors handled by <paramref name="arithmetic"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public FixedScheduleSolver(IVectorArithmetic<TVector> arithmetic, FixedScheduleOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        options ??= new FixedScheduleOptions();
        options.Validate(nameof(options));
        _ops = arithmetic;
        _options = options;
    }

    /// <inheritdoc />
    public BilevelResult<TVector> Solve(IBilevelProblem<TVector> problem, ReadOnlySpan<double> theta0)
    {
        using var run = new BilevelRun<TVector>(_ops, problem, theta0, _options);
        double ratio = _options.InitialAdjointAccuracy / _options.InitialAccuracy;
        // The product of the refusals' halvings, applied on top of the schedule.
        double tightening = 1.0;
        SetAccuracy(run, 0, ratio, tightening);
        var estimate = run.FixTarget(run.Estimate());
        double lipschitz = _options.InitialStep is { } s ? 1 / s
            : estimate.Norm > InitialStepFloor ? estimate.Norm / Math.Sqrt(problem.ParameterCount) : 1.0;
        SolverStatus status;
        while (true)
        {
            if (run.Check(estimate) is { } stop) { status = stop; break; }
            run.Iterations++;
            double step = 1 / lipschitz, previousAccuracy = run.Epsilon;
            // HOAG recomputes the quadratic and cubic schedules every iteration, which undoes a
            // refusal's halving once the re-estimate at θ_k has used it.
            if (_options.Schedule is AccuracySchedule.Quadratic or AccuracySchedule.Cubic) tightening = 1.0;
            SetAccuracy(run, run.Iterations, ratio, tightening);
            var theta = run.TrialPoint(step, estimate.Hypergradient);
            if (_options.ParameterBound is { } bound)
                for (int i = 0; i < theta.Length; i++) theta[i] = Math.Clamp(theta[i], -bound, bound);
            var trial = run.Trial(theta);
            double increment = Distance(theta, run.Theta), loss = estimate.Lower.UpperLoss;
            if (trial.UpperLoss <= loss + Slack * run.Epsilon + (Slack + 1) * previousAccuracy * increment - lipschitz * increment * increment)
            {
                run.Accept(theta, step, trial.UpperLossUpperBound, estimate.Lower.UpperLossLowerBound, estimate, 0.0);
                lipschitz *= LipschitzDecrease;
            }
            else if (!(trial.UpperLoss < loss + (RefusalRatio - 1) * Math.Abs(loss)))
            {
                // Also a trial that broke down (NaN loss): refused.
                lipschitz *= LipschitzIncrease;
                tightening *= RefusalTightening;
                SetAccuracy(run, run.Iterations, ratio, tightening);
            }
            else
            {
                run.Accept(theta, step, trial.UpperLossUpperBound, estimate.Lower.UpperLossLowerBound, estimate, 0.0);
            }
            estimate = run.Estimate();
            run.Report(estimate);
        }
        return run.Finish(status, estimate);
    }

    /// <summary>‖a − b‖₂ (the step's length; infinite when the step overflowed).</summary>
    private static double Distance(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(sum);
    }

    /// <summary>HOAG's threshold on ‖z₀‖ below which L₀ = 1 (so that a tiny first gradient does not make the step huge).</summary>
    private const double InitialStepFloor = 1e-3;

    private void SetAccuracy(BilevelRun<TVector> run, int k, double ratio, double tightening)
    {
        run.Epsilon = Math.Max(_options.AccuracyAt(k) * tightening, _options.MinAccuracy);
        run.Delta = Math.Max(run.Epsilon * ratio, _options.MinAccuracy);
    }
}
