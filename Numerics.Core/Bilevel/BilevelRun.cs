using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// The state one bilevel solve shares between its control rules: θ, the oracle with its warm
/// starts, the accuracies, the counters, the step log, the stopping rule and the result.
/// </summary>
/// <typeparam name="TVector">The lower-level vector handle.</typeparam>
internal sealed class BilevelRun<TVector> : IDisposable
{
    private readonly IVectorArithmetic<TVector> _ops;
    private readonly IBilevelProblem<TVector> _problem;
    private readonly BilevelOptions _options;
    private readonly List<BilevelStep> _steps = [];
    private readonly int _maxIterations;

    /// <summary>
    /// The reference estimate at θ₀ is sharpened until ω₀ ≤ ‖z₀‖/10, so that G₀ = ‖z₀‖ − ω₀ lies
    /// within a factor 1.1/0.9 of ‖∇f(θ₀)‖ (a looser reference would make the target depend on ε₀).
    /// </summary>
    private const double ReferenceSharpness = 0.1;

    /// <summary>ε and δ are halved per sharpening step.</summary>
    private const double SharpeningFactor = 0.5;

    public BilevelRun(IVectorArithmetic<TVector> arithmetic, IBilevelProblem<TVector> problem, ReadOnlySpan<double> theta0, BilevelOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        HypergradientOracle<TVector>.ValidateTheta(problem, theta0, nameof(theta0));
        _ops = arithmetic;
        _problem = problem;
        _options = options;
        // Until the relative target is fixed from θ₀, only exact stationarity counts.
        Target = options.Tolerance ?? 0.0;
        _maxIterations = options.MaxIterations ?? BilevelOptions.DefaultMaxIterations;
        Theta = theta0.ToArray();
        Epsilon = options.InitialAccuracy;
        Delta = options.InitialAdjointAccuracy;
        Oracle = new HypergradientOracle<TVector>(arithmetic, problem, theta0, options.Inner, options.CancellationToken);
    }

    public double[] Theta { get; private set; }

    /// <summary>θ before the last accepted step (θ₀ before any).</summary>
    public double[] PreviousTheta { get; private set; } = [];

    /// <summary>The absolute threshold of the stationarity test (see <see cref="BilevelResult{TVector}.StationarityTarget"/>).</summary>
    public double Target { get; private set; }

    public HypergradientOracle<TVector> Oracle { get; }

    public double Epsilon { get; set; }

    public double Delta { get; set; }

    public int Iterations { get; set; }

    public long LowerIterations { get; private set; }

    public long AdjointIterations { get; private set; }

    public int DescentRefinements { get; set; }

    public int BacktrackFailures { get; set; }

    /// <summary>True when ε and δ are both at the floor, so that neither can be tightened.</summary>
    public bool AtAccuracyFloor => Epsilon <= _options.MinAccuracy && Delta <= _options.MinAccuracy;

    /// <summary>ε ← max(factor·ε, floor), δ likewise.</summary>
    public void ScaleAccuracy(double factor)
    {
        Epsilon = Math.Max(Epsilon * factor, _options.MinAccuracy);
        Delta = Math.Max(Delta * factor, _options.MinAccuracy);
    }

    /// <summary>The hypergradient at θ to the current accuracy, counted.</summary>
    public HypergradientEstimate Estimate()
    {
        var estimate = Oracle.Estimate(Theta, Epsilon, Delta);
        LowerIterations += estimate.Lower.Iterations;
        AdjointIterations += estimate.AdjointIterations;
        return estimate;
    }

    /// <summary>θ − step·z into a new array.</summary>
    public double[] TrialPoint(double step, double[] z)
    {
        var trial = new double[Theta.Length];
        for (int i = 0; i < trial.Length; i++) trial[i] = Theta[i] - step * z[i];
        return trial;
    }

    /// <summary>The lower level at a trial θ̂ to the current ε, counted.</summary>
    public LowerLevelSolution Trial(double[] theta)
    {
        // An overflowing step (α or z huge) is a failed trial, not a bad argument: nothing to solve.
        foreach (double t in theta)
            if (!double.IsFinite(t))
                return new LowerLevelSolution(double.PositiveInfinity, double.NaN, double.NaN, 0, SolverStatus.Breakdown, _problem.UpperSmoothness);
        var solution = Oracle.SolveTrial(theta, Epsilon);
        LowerIterations += solution.Iterations;
        return solution;
    }

    /// <summary>
    /// The adjoint-corrected upper bound on f(θ̂) at the last trial (<see cref="HypergradientOracle{TVector}.TrialLossBounds"/>),
    /// counting its Hessian-vector product as one conjugate-gradient iteration.
    /// </summary>
    public double TrialUpperBound(double[] theta, LowerLevelSolution trial)
    {
        AdjointIterations++;
        return Oracle.TrialLossBounds(theta, trial).Upper;
    }

    /// <summary>Moves to the trial θ̂ and logs the step with the bounds the acceptance test used.</summary>
    public void Accept(double[] theta, double step, double upperBound, double referenceLowerBound, HypergradientEstimate estimate, double requiredDecrease, bool quasiNewton = false)
    {
        Oracle.AcceptTrial();
        PreviousTheta = Theta;
        Theta = theta;
        _steps.Add(new BilevelStep(Iterations, (double[])theta.Clone(), step, upperBound, referenceLowerBound, requiredDecrease,
            Epsilon, Delta, estimate.Norm, estimate.ErrorBound, LowerIterations, AdjointIterations, quasiNewton));
    }

    /// <summary>The last accepted step (only after one was accepted).</summary>
    public BilevelStep LastStep => _steps[^1];

    /// <summary>True when the estimate certifies stationarity to the target.</summary>
    public bool Stationary(HypergradientEstimate estimate) => estimate.StationarityBound <= Target;

    /// <summary>
    /// Fixes the stationarity target from the first estimate at θ₀: the absolute tolerance when one
    /// was given; otherwise RelativeTolerance·(‖z₀‖ − ω₀), after halving ε and δ at θ₀ until
    /// ω₀ ≤ ‖z₀‖/10 (or the floor, the budget or the token stops it). Returns the estimate at θ₀ to go on with.
    /// </summary>
    public HypergradientEstimate FixTarget(HypergradientEstimate estimate)
    {
        if (_options.Tolerance is not null) return estimate;
        // The sharpening is for the reference only: the solver goes on at the accuracy it had chosen,
        // so that MAID's adaptive ε (and a fixed schedule) are not pushed tighter for the whole run.
        var (epsilon, delta) = (Epsilon, Delta);
        while (double.IsFinite(estimate.StationarityBound) && estimate.ErrorBound > ReferenceSharpness * estimate.Norm && !AtAccuracyFloor && !MustStop)
        {
            ScaleAccuracy(SharpeningFactor);
            estimate = Estimate();
        }
        (Epsilon, Delta) = (epsilon, delta);
        double lower = estimate.Norm - estimate.ErrorBound;
        Target = double.IsFinite(lower) && lower > 0 ? _options.RelativeTolerance * lower : 0.0;
        return estimate;
    }

    /// <summary>
    /// The status to stop with given a hypergradient just recomputed at θ, or null to go on:
    /// non-finite ⇒ Breakdown, certified stationarity ⇒ Converged, then the limits and the token.
    /// </summary>
    public SolverStatus? Check(HypergradientEstimate estimate) =>
        Interrupted(estimate) ?? (Iterations >= _maxIterations ? SolverStatus.MaxIterations : null);

    /// <summary>
    /// Every reason to stop that outranks a stall: Breakdown, Converged, the spent inner budget
    /// (MaxIterations) and the token (Cancelled); null when none applies.
    /// </summary>
    public SolverStatus? Interrupted(HypergradientEstimate estimate)
    {
        if (!double.IsFinite(estimate.StationarityBound) || !double.IsFinite(estimate.Lower.UpperLoss)) return SolverStatus.Breakdown;
        if (Stationary(estimate)) return SolverStatus.Converged;
        if (BudgetSpent) return SolverStatus.MaxIterations;
        if (_options.CancellationToken.IsCancellationRequested) return SolverStatus.Cancelled;
        return null;
    }

    /// <summary>True when the inner-iteration budget is spent or the token fired: refinement loops stop here.</summary>
    public bool MustStop => BudgetSpent || _options.CancellationToken.IsCancellationRequested;

    private bool BudgetSpent => LowerIterations + AdjointIterations >= _options.MaxInnerIterations;

    /// <summary>Sends the outer iteration's progress record: the upper loss and the certified stationarity measure.</summary>
    public void Report(HypergradientEstimate estimate) =>
        _options.Progress?.Report(new IterationProgress(Iterations, estimate.Lower.UpperLoss, estimate.StationarityBound));

    /// <summary>The result, with a caller-owned copy of the lower-level solution.</summary>
    public BilevelResult<TVector> Finish(SolverStatus status, HypergradientEstimate final)
    {
        var x = _ops.Create(_problem.LowerDimension);
        _ops.Copy(Oracle.LowerSolution, x);
        return new BilevelResult<TVector>(Theta, x, final, status, Iterations, LowerIterations, AdjointIterations, DescentRefinements, BacktrackFailures,
            Epsilon, Delta, _steps.ToArray(), _problem.ConstantsCertified, Target, Basis(_problem));
    }

    /// <summary>Proven for the library's problems, Asserted for another that declares its constants certified, else Estimated.</summary>
    internal static CertificateBasis Basis(IBilevelProblem<TVector> problem) =>
        !problem.ConstantsCertified ? CertificateBasis.Estimated
        : problem is IProvenConstants ? CertificateBasis.Proven : CertificateBasis.Asserted;

    public void Dispose() => Oracle.Dispose();
}
