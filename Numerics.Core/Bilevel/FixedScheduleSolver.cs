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
/// Step rule: α = 1/L with L₀ = ‖z₀‖·n (or 1/<see cref="FixedScheduleOptions.InitialStep"/>); a
/// step whose inexact loss g(x̃(θ̂)) does not exceed g(x̃(θ_k)) is accepted and L ← 0.95L, otherwise
/// it is rejected and L ← 2L. Nothing is certified: the loss comparison uses the inexact values,
/// which is why a loose fixed accuracy stalls away from the optimum.
/// </remarks>
/// <typeparam name="TVector">The lower-level vector handle.</typeparam>
public sealed class FixedScheduleSolver<TVector> : IBilevelSolver<TVector>
{
    /// <summary>HOAG's factor on L after an accepted step.</summary>
    private const double LipschitzDecrease = 0.95;

    /// <summary>HOAG's factor on L after a rejected step.</summary>
    private const double LipschitzIncrease = 2.0;

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
        SetAccuracy(run, 0, ratio);
        var estimate = run.FixTarget(run.Estimate());
        double lipschitz = _options.InitialStep is { } s ? 1 / s : Math.Max(estimate.Norm * problem.ParameterCount, double.Epsilon);
        SolverStatus status;
        while (true)
        {
            if (run.Check(estimate) is { } stop) { status = stop; break; }
            run.Iterations++;
            double step = 1 / lipschitz;
            var theta = run.TrialPoint(step, estimate.Hypergradient);
            var trial = run.Trial(theta);
            if (trial.UpperLoss <= estimate.Lower.UpperLoss)
            {
                run.Accept(theta, step, trial.UpperLossUpperBound, estimate.Lower.UpperLossLowerBound, estimate, 0.0);
                lipschitz *= LipschitzDecrease;
            }
            else
            {
                lipschitz *= LipschitzIncrease;
            }
            SetAccuracy(run, run.Iterations, ratio);
            estimate = run.Estimate();
            run.Report(estimate);
        }
        return run.Finish(status, estimate);
    }

    private void SetAccuracy(BilevelRun<TVector> run, int k, double ratio)
    {
        run.Epsilon = _options.AccuracyAt(k);
        run.Delta = Math.Max(run.Epsilon * ratio, _options.MinAccuracy);
    }
}
