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
/// satisfies ω ≤ (1 − η)‖z_k‖, so that −z_k is a descent direction; (2) backtrack
/// α ← ρα over J trials until U(θ_k − αz_k) ≤ Lo(θ_k) − λα‖z_k‖², with U and Lo the certified
/// upper and lower bounds g(x̃) ± (‖∇g(x̃)‖ε + L_gε²/2) of the exact loss, which certifies
/// f(θ_{k+1}) ≤ f(θ_k) − λα‖z_k‖²; (3) after a success the next search starts at ρ̄α and ε, δ
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
        double alpha = _options.InitialStep;
        var estimate = run.FixTarget(DescentEstimate(run));
        SolverStatus status;
        while (true)
        {
            if (run.Check(estimate) is { } stop) { status = stop; break; }
            if (!HasDescent(estimate)) { status = SolverStatus.Stalled; break; }
            run.Iterations++;
            double? accepted = null;
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
                accepted = Backtrack(run, estimate, alpha, _options.Backtracks + attempt);
            }
            if (accepted is null && run.AtAccuracyFloor)
            {
                // The budget, the token or a breakdown that ended the searches outranks the stall.
                status = run.Interrupted(estimate) ?? SolverStatus.Stalled;
                break;
            }
            if (accepted is { } step)
            {
                // Capped so that a huge ρ̄ cannot make α infinite (ρ·∞ would never come back).
                alpha = Math.Min(_options.StepGrowth * step, double.MaxValue);
                run.ScaleAccuracy(_options.AccuracyGrowth);
                estimate = DescentEstimate(run);
            }
            run.Report(estimate);
        }
        return run.Finish(status, estimate);
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
            run.ScaleAccuracy(_options.AccuracyShrink);
        }
    }

    /// <summary>Up to <paramref name="trials"/> steps α, ρα, ρ²α, …; the accepted step (θ moved and logged) or null.</summary>
    private double? Backtrack(BilevelRun<TVector> run, HypergradientEstimate estimate, double alpha, int trials)
    {
        double reference = estimate.Lower.UpperLossLowerBound;
        double zz = estimate.Norm * estimate.Norm;
        double step = alpha;
        for (int j = 0; j < trials; j++, step *= _options.StepShrink)
        {
            var theta = run.TrialPoint(step, estimate.Hypergradient);
            var trial = run.Trial(theta);
            double required = _options.ArmijoConstant * step * zz;
            if (trial.UpperLossUpperBound <= reference - required)
            {
                run.Accept(theta, step, trial, estimate, required);
                return step;
            }
            if (run.MustStop) break;
        }
        return null;
    }
}
