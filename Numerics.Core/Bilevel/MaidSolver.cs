using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// MAID, the method of adaptive inexact descent (Salehi, Mukherjee, Roberts, Ehrhardt 2023):
/// hypergradient descent on f(θ) = g(x̂(θ)) in which the lower-level accuracy ε, the adjoint
/// accuracy δ and the step α adapt so that every accepted step certifiably decreases f.
/// </summary>
/// <remarks>
/// <para>
/// Outer iteration k: (1) estimate z_k at (ε, δ) and tighten both by ν until the error bound
/// satisfies ω ≤ (1 − η)‖z_k‖, so that −z_k is a descent direction; (2) choose the direction
/// p_k: the quasi-Newton H_k z_k from certified curvature pairs when it is itself a certified
/// descent direction (ω‖p‖ ≤ (1 − η)z_kᵀp), else z_k (see <see cref="MaidOptions.QuasiNewtonMemory"/>);
/// backtrack α ← ρα over J trials until U(θ_k − αp_k) ≤ Lo(θ_k) − λα·z_kᵀp_k (λα‖z_k‖² along
/// −z_k, the reference method), with U and Lo the certified
/// upper and lower bounds g(x̃) ± (‖∇g(x̃)‖ε + L_gε²/2) of the exact loss, which certifies
/// f(θ_{k+1}) ≤ f(θ_k) − λα·z_kᵀp_k; (3) after a success the next search starts at ρ̄α and ε, δ
/// relax by ν̄; after a failed search ε, δ tighten by ν, z_k is recomputed and the search is
/// retried with J + 1 trials (at most <see cref="MaidOptions.BacktrackAttempts"/> searches, then
/// θ stays and the next iteration starts at the tighter accuracy).
/// </para>
/// <para>
/// Unlike the reference code, the reference bound Lo(θ_k) always comes from the lower-level
/// solution at the current accuracy (recomputed after every tightening), not from the loss of the
/// previous step at an older ε, and all bounds use the accuracies actually reached by the inner
/// solves.
/// </para>
/// </remarks>
/// <typeparam name="TVector">The lower-level vector handle.</typeparam>
public sealed class MaidSolver<TVector> : IBilevelSolver<TVector>
{
    private readonly IVectorArithmetic<TVector> _ops;
    private readonly MaidOptions _options;

    /// <summary>A solver on lower-level vectors handled by <paramref name="arithmetic"/>.</summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    public MaidSolver(IVectorArithmetic<TVector> arithmetic, MaidOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        options ??= new MaidOptions();
        options.Validate(nameof(options));
        _ops = arithmetic;
        _options = options;
    }

    /// <inheritdoc />
    public BilevelResult<TVector> Solve(IBilevelProblem<TVector> problem, ReadOnlySpan<double> theta0)
    {
        using var run = new BilevelRun<TVector>(_ops, problem, theta0, _options);
        double alpha = _options.InitialStep, quasiNewtonAlpha = 1.0;
        var history = _options.QuasiNewtonMemory > 0 ? new LbfgsHistory<double[]>(HostVectorArithmetic.Instance, _options.QuasiNewtonMemory) : null;
        var estimate = run.FixTarget(DescentEstimate(run));
        SolverStatus status;
        while (true)
        {
            if (run.Check(estimate) is { } stop) { status = stop; break; }
            if (!HasDescent(estimate)) { status = SolverStatus.Stalled; break; }
            run.Iterations++;
            double? accepted = null;
            bool quasiNewton = false, vanished = false;
            double[] direction = estimate.Hypergradient;
            double slope = 0;
            for (int attempt = 0; attempt < _options.BacktrackAttempts && accepted is null; attempt++)
            {
                if (attempt > 0)
                {
                    run.BacktrackFailures++;
                    if (run.AtAccuracyFloor) break;
                    run.ScaleAccuracy(_options.AccuracyShrink);
                    estimate = DescentEstimate(run);
                    if (run.Stationary(estimate) || !HasDescent(estimate) || run.MustStop) break;
                }
                (direction, slope) = SearchDirection(history, estimate);
                quasiNewton = !ReferenceEquals(direction, estimate.Hypergradient);
                accepted = Backtrack(run, estimate, direction, slope, quasiNewton ? quasiNewtonAlpha : alpha, _options.Backtracks + attempt, out vanished);
                if (accepted is null && quasiNewton)
                {
                    // The curvature pairs led nowhere certifiable: forget them, and search along −z.
                    history!.Clear();
                    quasiNewton = false;
                    quasiNewtonAlpha = 1.0;
                    (direction, slope) = (estimate.Hypergradient, estimate.Norm * estimate.Norm);
                    accepted = Backtrack(run, estimate, direction, slope, alpha, _options.Backtracks + attempt, out vanished);
                }
                // A step below θ's resolution stays there at any accuracy: tightening cannot help.
                if (vanished) break;
            }
            if (accepted is null && (run.AtAccuracyFloor || vanished))
            {
                // The budget, the token or a breakdown that ended the searches outranks the stall.
                status = run.Interrupted(estimate) ?? SolverStatus.Stalled;
                break;
            }
            if (accepted is { } step)
            {
                var last = run.LastStep;
                // A certified decrease of at least half the linear model's α·zᵀp says the step is
                // short of the line's minimiser (for a quadratic, exactly when α ≤ α*): grow faster.
                double growth = last.ReferenceLowerBound - last.UpperLossUpperBound >= GoodDecrease * step * slope
                    ? Math.Max(_options.StepGrowth, _options.GoodStepGrowth) : _options.StepGrowth;
                // Capped so that a huge ρ̄ cannot make α infinite (ρ·∞ would never come back).
                if (quasiNewton) quasiNewtonAlpha = Math.Min(growth * step, double.MaxValue);
                else alpha = Math.Min(growth * step, double.MaxValue);
                var previous = estimate;
                var previousTheta = run.PreviousTheta;
                run.ScaleAccuracy(_options.AccuracyGrowth);
                estimate = DescentEstimate(run);
                if (history is not null) Remember(history, previousTheta, run.Theta, previous, estimate);
            }
            run.Report(estimate);
        }
        return run.Finish(status, estimate);
    }

    /// <summary>
    /// Stores the pair s = θ_{k+1} − θ_k, y = z_{k+1} − z_k when its curvature is certified positive:
    /// |sᵀ(y − (∇f_{k+1} − ∇f_k))| ≤ ‖s‖(ω_k + ω_{k+1}), so sᵀy above that proves sᵀ(∇f_{k+1} − ∇f_k) &gt; 0.
    /// </summary>
    private static void Remember(LbfgsHistory<double[]> history, double[] from, double[] to, HypergradientEstimate before, HypergradientEstimate after)
    {
        var s = new double[to.Length];
        var y = new double[to.Length];
        for (int i = 0; i < s.Length; i++) { s[i] = to[i] - from[i]; y[i] = after.Hypergradient[i] - before.Hypergradient[i]; }
        double sy = SpanArithmetic.Dot<double>(s, y);
        double noise = SpanArithmetic.Norm<double>(s) * (before.ErrorBound + after.ErrorBound);
        if (double.IsFinite(sy) && sy > noise) history.Push(ref s, ref y, sy);
    }

    /// <summary>
    /// The search direction p (θ moves to θ − αp) and its slope zᵀp: the quasi-Newton p = H·z when
    /// history is kept and −p is a certified descent direction at this accuracy, ω‖p‖ ≤ (1 − η)zᵀp
    /// (then ∇fᵀp ≥ zᵀp − ω‖p‖ ≥ η·zᵀp); otherwise z itself.
    /// </summary>
    private (double[] Direction, double Slope) SearchDirection(LbfgsHistory<double[]>? history, HypergradientEstimate estimate)
    {
        var z = estimate.Hypergradient;
        if (history is null || history.Count == 0) return (z, estimate.Norm * estimate.Norm);
        var p = new double[z.Length];
        history.Direction(z, p);
        for (int i = 0; i < p.Length; i++) p[i] = -p[i];
        double slope = SpanArithmetic.Dot<double>(z, p), norm = SpanArithmetic.Norm<double>(p);
        return double.IsFinite(slope) && estimate.ErrorBound * norm <= (1 - _options.DescentMargin) * slope ? (p, slope) : (z, estimate.Norm * estimate.Norm);
    }

    /// <summary>ω ≤ (1 − η)‖z‖: −z is a certified descent direction.</summary>
    private bool HasDescent(HypergradientEstimate estimate) => estimate.ErrorBound <= (1 - _options.DescentMargin) * estimate.Norm;

    /// <summary>Estimates z at the run's accuracy, tightening ε and δ until the descent test passes (or the run must stop).</summary>
    private HypergradientEstimate DescentEstimate(BilevelRun<TVector> run)
    {
        while (true)
        {
            var estimate = run.Estimate();
            if (HasDescent(estimate) || run.Stationary(estimate) || !double.IsFinite(estimate.StationarityBound)
                || run.AtAccuracyFloor || run.MustStop)
                return estimate;
            run.DescentRefinements++;
            run.ScaleAccuracy(RefinementFactor(estimate));
        }
    }

    /// <summary>
    /// The factor on ε and δ after a failed descent test: ν, or, with
    /// <see cref="MaidOptions.PredictiveTightening"/>, the smaller factor √(0.9·(1 − η)‖z‖/ω)
    /// (never below <see cref="MaidOptions.MinRefinementFactor"/>). ω grows between linearly and
    /// quadratically in (ε, δ), so the factor that passes lies between the ratio and its square
    /// root: the root never over-tightens (which would be costly, since ε relaxes only by ν̄ per
    /// step) and reaches the needed accuracy in a few refinements where halving takes many. The
    /// test itself is still applied to the new estimate, so a short prediction costs another
    /// refinement, never the certificate.
    /// </summary>
    private double RefinementFactor(HypergradientEstimate estimate)
    {
        double factor = _options.AccuracyShrink;
        if (!_options.PredictiveTightening) return factor;
        double predicted = Math.Sqrt(PredictionMargin * (1 - _options.DescentMargin) * estimate.Norm / estimate.ErrorBound);
        // NaN (ω = 0 or ∞) keeps ν; a tiny ‖z‖ asks for at most the floor factor per refinement.
        return predicted < factor ? Math.Max(predicted, _options.MinRefinementFactor) : factor;
    }

    /// <summary>The fraction of the linear model's decrease α‖z‖² above which <see cref="MaidOptions.GoodStepGrowth"/> applies.</summary>
    private const double GoodDecrease = 0.5;

    /// <summary>Aim a little below the descent threshold, so that the small nonlinearity of ω in (ε, δ) rarely costs a second refinement.</summary>
    private const double PredictionMargin = 0.9;

    /// <summary>Up to <paramref name="trials"/> steps θ − αp, θ − ραp, …; the accepted step (θ moved and logged) or null.</summary>
    /// <param name="run">The run (θ_k, counters, log).</param>
    /// <param name="estimate">z_k and the loss bounds at θ_k.</param>
    /// <param name="direction">p.</param>
    /// <param name="slope">zᵀp: the certified decrease asked of step α is λα·zᵀp.</param>
    /// <param name="alpha">The first trial step.</param>
    /// <param name="trials">Trials before the search fails.</param>
    /// <param name="vanished">
    /// Set when the search failed because θ − αp rounded to θ itself: every later (shorter) trial
    /// would too, and a loss bound compared with itself must not pass for a decrease.
    /// </param>
    private double? Backtrack(BilevelRun<TVector> run, HypergradientEstimate estimate, double[] direction, double slope, double alpha, int trials, out bool vanished)
    {
        double reference = estimate.LossBounds.Lower;
        double step = alpha;
        vanished = false;
        for (int j = 0; j < trials; j++, step *= _options.StepShrink)
        {
            var theta = run.TrialPoint(step, direction);
            if (theta.AsSpan().SequenceEqual(run.Theta)) { vanished = true; return null; }
            var trial = run.Trial(theta);
            double required = _options.ArmijoConstant * step * slope;
            // The first-order bound is free; the adjoint-corrected one costs a Hessian product, so
            // it is asked for only when the first fails (and the trial did not break down).
            double upper = trial.UpperLossUpperBound;
            if (!(upper <= reference - required) && trial.Status != SolverStatus.Breakdown && double.IsFinite(trial.Accuracy))
                upper = Math.Min(upper, run.TrialUpperBound(theta, trial));
            if (upper <= reference - required)
            {
                run.Accept(theta, step, upper, reference, estimate, required, !ReferenceEquals(direction, estimate.Hypergradient));
                return step;
            }
            if (run.MustStop) break;
        }
        return null;
    }
}
