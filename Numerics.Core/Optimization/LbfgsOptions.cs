namespace Numerics.Optimization;

/// <summary>
/// Options of <see cref="Lbfgs{TVector}.Minimize"/>. <see cref="IterativeOptions.Tolerance"/> bounds
/// the gradient in the norm <see cref="GradientNorm"/>: the solve converges when ‖∇f(x)‖ ≤ Tolerance,
/// default 1e-5 on the largest component (SciPy L-BFGS-B's gtol). <see cref="IterativeOptions.MaxIterations"/> defaults to 15000 (SciPy's
/// maxiter).
/// </summary>
public sealed record LbfgsOptions : IterativeOptions
{
    /// <summary>The default gradient tolerance, SciPy L-BFGS-B's gtol.</summary>
    public const double DefaultTolerance = 1e-5;

    /// <summary>The default iteration limit, SciPy L-BFGS-B's maxiter.</summary>
    public const int DefaultMaxIterations = 15000;

    /// <summary>
    /// The norm of ∇f that <see cref="IterativeOptions.Tolerance"/> bounds and
    /// the result's Residual reports; default <see cref="VectorNorm.Infinity"/>
    /// (SciPy's projected-gradient test). <see cref="VectorNorm.One"/> suits gradients that are a
    /// total, such as the marginal violation of a transport dual, whose ∞-norm shrinks with the problem
    /// size (entries of order 1/n) while its 1-norm, the mass misplaced, does not.
    /// </summary>
    public VectorNorm GradientNorm { get; init; } = VectorNorm.Infinity;

    /// <summary>
    /// The number of correction pairs (s, y) kept, h; default 10 (SciPy's maxcor). Memory is 2·h
    /// vectors of length n and each iteration costs about 4·h·n flops on top of one evaluation.
    /// </summary>
    public int History { get; init; } = 10;

    /// <summary>
    /// ε of the update test: a pair with sᵀy ≤ ε·‖s‖₂·‖y‖₂ is not stored (and is counted in
    /// <see cref="LbfgsResult{TVector}.SkippedUpdates"/>), which keeps the inverse-Hessian
    /// approximation positive definite. Default 2.2e-16 (machine epsilon, the scale of SciPy's
    /// test): a strong-Wolfe step gives sᵀy ≥ (1 − c₂)·|∇fᵀs| &gt; 0, so only rounding or a custom
    /// line search makes a pair fail. Must lie in [0, 1).
    /// </summary>
    public double CurvatureThreshold { get; init; } = 2.220446049250313e-16;

    /// <summary>The line search; null: <see cref="StrongWolfeLineSearch"/> with its defaults (c₁ = 1e-4, c₂ = 0.9, 20 evaluations).</summary>
    public ILineSearch? LineSearch { get; init; }

    /// <summary>
    /// Consecutive iterations whose decrease of f is at rounding level, |f_k − f_{k+1}| ≤
    /// <see cref="StallDecrease"/>·max(|f_k|, |f_{k+1}|), after which the solve stops as
    /// <see cref="SolverStatus.Stalled"/>; default 5. f can then no longer tell better points from
    /// worse, so the line search only wanders.
    /// </summary>
    public int StallWindow { get; init; } = 5;

    /// <summary>The relative decrease of f counted as rounding level by the stall rule; default 1e-15 (about 4.5 units of round-off).</summary>
    public double StallDecrease { get; init; } = 1e-15;

    /// <summary>
    /// Checks the shared fields and History ≥ 1, CurvatureThreshold ∈ [0, 1), StallWindow ≥ 1 and
    /// StallDecrease ≥ 0 finite; a violation throws <see cref="ArgumentException"/> naming
    /// <paramref name="paramName"/>.
    /// </summary>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (History < 1) throw new ArgumentException($"LbfgsOptions.History must be at least 1, got {History}.", paramName);
        if (!Enum.IsDefined(GradientNorm)) throw new ArgumentException($"LbfgsOptions.GradientNorm {GradientNorm} is not defined.", paramName);
        if (!(CurvatureThreshold >= 0) || !(CurvatureThreshold < 1))
            throw new ArgumentException($"LbfgsOptions.CurvatureThreshold must lie in [0, 1), got {CurvatureThreshold}.", paramName);
        if (StallWindow < 1) throw new ArgumentException($"LbfgsOptions.StallWindow must be at least 1, got {StallWindow}.", paramName);
        if (!(StallDecrease >= 0) || !double.IsFinite(StallDecrease))
            throw new ArgumentException($"LbfgsOptions.StallDecrease must be non-negative and finite, got {StallDecrease}.", paramName);
    }
}
