using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// Settings every bilevel solver shares. The stopping test bounds the certified stationarity
/// measure ‖z‖ + ω ≥ ‖∇f(θ)‖ of a hypergradient recomputed at the returned θ: by
/// <see cref="IterativeOptions.Tolerance"/> when it is set (absolute), otherwise by
/// <see cref="RelativeTolerance"/> times a certified lower bound on ‖∇f(θ₀)‖ (the default);
/// <see cref="IterativeOptions.MaxIterations"/> counts outer iterations (default 500, MAID's
/// logistic-regression experiment).
/// </summary>
/// <remarks>
/// Why relative by default: θ is usually a vector of log-parameters, so ∇f carries the units of
/// the upper loss, and an absolute tolerance such as 1e-6 means something different on every
/// problem (scaling the validation data by 10³ scales it by 10⁶). The relative test is scale-free
/// and still proven: the solver fixes G₀ = ‖z₀‖ − ω₀ ≤ ‖∇f(θ₀)‖ from a first estimate sharpened
/// until ω₀ ≤ ‖z₀‖/10 (so ‖∇f(θ₀)‖ ≤ 1.23·G₀), and reports
/// <see cref="SolverStatus.Converged"/> only when ‖z‖ + ω ≤ RelativeTolerance·G₀, which proves
/// ‖∇f(θ)‖ ≤ RelativeTolerance·‖∇f(θ₀)‖. The threshold used is
/// <see cref="BilevelResult{TVector}.StationarityTarget"/>.
/// </remarks>
public abstract record BilevelOptions : IterativeOptions
{
    /// <summary>
    /// The default of <see cref="RelativeTolerance"/>: a 10³-fold certified reduction of the
    /// hypergradient. Inexact function values limit what a certified step can reach (see
    /// docs/bilevel.md, "How small the gradient can be certified"): on the ridge test problem from
    /// θ₀ = −4, where |f′(θ₀)| ≈ 0.05, that limit is about 6e-6, so 1e-4 (target ≈ 4e-6) stalls
    /// and 1e-3 converges.
    /// </summary>
    public const double DefaultRelativeTolerance = 1e-3;

    /// <summary>The outer-iteration limit used when <see cref="IterativeOptions.MaxIterations"/> is null.</summary>
    public const int DefaultMaxIterations = 500;

    /// <summary>
    /// τ ∈ [0, 1): when <see cref="IterativeOptions.Tolerance"/> is null the solver converges once
    /// ‖z‖ + ω ≤ τ·G₀, G₀ ≤ ‖∇f(θ₀)‖ certified at the start. Default <see cref="DefaultRelativeTolerance"/>.
    /// </summary>
    public double RelativeTolerance { get; init; } = DefaultRelativeTolerance;

    /// <summary>ε₀, the first lower-level accuracy (a bound on ‖x̃ − x̂‖). Default 0.1 (MAID's reference code).</summary>
    public double InitialAccuracy { get; init; } = 0.1;

    /// <summary>δ₀, the first adjoint accuracy (a bound on ‖A q − ∇g‖). Default 0.1 (MAID's reference code).</summary>
    public double InitialAdjointAccuracy { get; init; } = 0.1;

    /// <summary>No accuracy is asked for below this (ε and δ alike): a solver that would need to go further stops <see cref="SolverStatus.Stalled"/>. Default 1e-12.</summary>
    public double MinAccuracy { get; init; } = 1e-12;

    /// <summary>Total lower-level plus conjugate-gradient iterations allowed; past it the solver stops <see cref="SolverStatus.MaxIterations"/>. Default 10⁶ (MAID's reference code).</summary>
    public long MaxInnerIterations { get; init; } = 1_000_000;

    /// <summary>Limits of each inner solve. Default: <see cref="InnerSolveOptions"/>' defaults.</summary>
    public InnerSolveOptions Inner { get; init; } = new();

    /// <inheritdoc />
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        Positive(InitialAccuracy, nameof(InitialAccuracy), paramName);
        Positive(InitialAdjointAccuracy, nameof(InitialAdjointAccuracy), paramName);
        Positive(MinAccuracy, nameof(MinAccuracy), paramName);
        if (!(RelativeTolerance is >= 0 and < 1))
            throw new ArgumentException($"{GetType().Name}.RelativeTolerance must lie in [0, 1), got {RelativeTolerance}.", paramName);
        if (MaxInnerIterations < 1) throw new ArgumentException($"{GetType().Name}.MaxInnerIterations must be at least 1, got {MaxInnerIterations}.", paramName);
        ArgumentNullException.ThrowIfNull(Inner, paramName);
        Inner.Validate(paramName);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> unless <paramref name="value"/> is positive and finite.</summary>
    protected void Positive(double value, string name, string paramName)
    {
        if (!(value > 0) || !double.IsFinite(value))
            throw new ArgumentException($"{GetType().Name}.{name} must be positive and finite, got {value}.", paramName);
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> unless <paramref name="value"/> lies in the open interval (0, 1).</summary>
    protected void Fraction(double value, string name, string paramName)
    {
        if (!(value is > 0 and < 1))
            throw new ArgumentException($"{GetType().Name}.{name} must lie in (0, 1), got {value}.", paramName);
    }
}
