namespace Numerics.Bilevel;

/// <summary>
/// Options of <see cref="MaidSolver{TVector}"/>. Defaults follow MAID's reference code
/// (Salehi, Mukherjee, Roberts, Ehrhardt): its class defaults, except the step shrink, for which
/// the value of every published experiment (0.5) is used.
/// </summary>
public sealed record MaidOptions : BilevelOptions
{
    /// <summary>α₀, the first trial step. Default 0.1.</summary>
    public double InitialStep { get; init; } = 0.1;

    /// <summary>ρ ∈ (0, 1), the backtracking shrink of the step. Default 0.5.</summary>
    public double StepShrink { get; init; } = 0.5;

    /// <summary>ρ̄ ≥ 1: after an accepted step α the next search starts at ρ̄·α. Default 10/9.</summary>
    public double StepGrowth { get; init; } = 10.0 / 9.0;

    /// <summary>ν ∈ (0, 1): ε and δ are multiplied by ν when the descent test or a backtracking search fails. Default 0.5.</summary>
    public double AccuracyShrink { get; init; } = 0.5;

    /// <summary>ν̄ ≥ 1: ε and δ are multiplied by ν̄ after an accepted step (1: they only tighten). Default 1.05.</summary>
    public double AccuracyGrowth { get; init; } = 1.05;

    /// <summary>η ∈ (0, 1): the hypergradient is accepted when ω ≤ (1 − η)‖z‖, which makes −z a descent direction with ∇fᵀz ≥ η‖z‖². Default 1e-4.</summary>
    public double DescentMargin { get; init; } = 1e-4;

    /// <summary>λ ∈ (0, η): the certified decrease asked of a step α is λα‖z‖². Default 1e-8 (η²).</summary>
    public double ArmijoConstant { get; init; } = 1e-8;

    /// <summary>J₀ ≥ 1, the backtracking steps of the first search of an iteration; each retry at tighter accuracy gets one more. Default 10.</summary>
    public int Backtracks { get; init; } = 10;

    /// <summary>Backtracking searches per outer iteration (each after tightening ε and δ) before the iteration gives up with θ unchanged. Default 3.</summary>
    public int BacktrackAttempts { get; init; } = 3;

    /// <summary>
    /// ρ̄_good ≥ 1: the next search starts at ρ̄_good·α instead of ρ̄·α when the accepted step's
    /// certified decrease Lo(θ_k) − U(θ_{k+1}) was at least ½α‖z_k‖², half the linear model's
    /// (for a quadratic loss along −z this holds exactly when α is at most the line's minimiser,
    /// so the step is short). Only the next trial step changes; acceptance is certified as before.
    /// 1 or <see cref="StepGrowth"/> gives the reference code's rule. Default 2 (1/ρ).
    /// </summary>
    public double GoodStepGrowth { get; init; } = 2.0;

    /// <summary>
    /// When the descent test fails with bound ω against ‖z‖, tighten ε and δ at once by the factor
    /// √(0.9·(1 − η)‖z‖/ω) (if below ν, and not below <see cref="MinRefinementFactor"/>; the root
    /// because ω grows up to quadratically in the accuracies, so that the factor never
    /// over-tightens), instead of halving them one estimate at a time: each
    /// estimate restarts FISTA's momentum and CG's Krylov space, so a run of halvings costs more
    /// inner iterations than one solve to the same accuracy. The descent test is applied as before.
    /// False gives the reference code's rule (ν per failed test). Default true.
    /// </summary>
    public bool PredictiveTightening { get; init; } = true;

    /// <summary>
    /// Curvature pairs (s, y) = (θ_{k+1} − θ_k, z_{k+1} − z_k) kept for a limited-memory
    /// quasi-Newton search direction −H·z_k; 0 gives steepest descent −z_k, the reference method.
    /// Default 5. A pair is kept only when its curvature is certified positive
    /// (sᵀy &gt; ‖s‖(ω_k + ω_{k+1})); the direction is used only when it is a certified descent
    /// direction at the current accuracy (ω‖Hz‖ ≤ (1 − η)·zᵀHz), and the step must pass the same
    /// certified sufficient-decrease test, λα·zᵀHz; otherwise the iteration searches along −z_k
    /// (and forgets the pairs when a quasi-Newton search fails). Its trial steps start at 1 and
    /// grow and shrink by the same rules as α.
    /// </summary>
    public int QuasiNewtonMemory { get; init; } = 5;

    /// <summary>The smallest factor one predictive refinement may apply to ε and δ, in (0, 1). Default 1e-3.</summary>
    public double MinRefinementFactor { get; init; } = 1e-3;

    /// <inheritdoc />
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        Positive(InitialStep, nameof(InitialStep), paramName);
        Fraction(StepShrink, nameof(StepShrink), paramName);
        Fraction(AccuracyShrink, nameof(AccuracyShrink), paramName);
        Fraction(DescentMargin, nameof(DescentMargin), paramName);
        Fraction(MinRefinementFactor, nameof(MinRefinementFactor), paramName);
        if (!(StepGrowth >= 1) || !double.IsFinite(StepGrowth))
            throw new ArgumentException($"MaidOptions.StepGrowth must be at least 1 and finite, got {StepGrowth}.", paramName);
        if (!(GoodStepGrowth >= 1) || !double.IsFinite(GoodStepGrowth))
            throw new ArgumentException($"MaidOptions.GoodStepGrowth must be at least 1 and finite, got {GoodStepGrowth}.", paramName);
        if (!(AccuracyGrowth >= 1) || !double.IsFinite(AccuracyGrowth))
            throw new ArgumentException($"MaidOptions.AccuracyGrowth must be at least 1 and finite, got {AccuracyGrowth}.", paramName);
        if (!(ArmijoConstant > 0 && ArmijoConstant < DescentMargin))
            throw new ArgumentException($"MaidOptions.ArmijoConstant must lie in (0, DescentMargin), got {ArmijoConstant}.", paramName);
        if (Backtracks < 1) throw new ArgumentException($"MaidOptions.Backtracks must be at least 1, got {Backtracks}.", paramName);
        if (QuasiNewtonMemory < 0) throw new ArgumentException($"MaidOptions.QuasiNewtonMemory must be at least 0, got {QuasiNewtonMemory}.", paramName);
        if (BacktrackAttempts < 1) throw new ArgumentException($"MaidOptions.BacktrackAttempts must be at least 1, got {BacktrackAttempts}.", paramName);
    }
}
