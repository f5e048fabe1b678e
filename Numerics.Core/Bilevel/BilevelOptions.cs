using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// Settings every bilevel solver shares. <see cref="IterativeOptions.Tolerance"/> bounds the
/// certified stationarity measure ‖z‖ + ω ≥ ‖∇f(θ)‖ of a hypergradient recomputed at the returned
/// θ (absolute; default 1e-6); <see cref="IterativeOptions.MaxIterations"/> counts outer
/// iterations (default 500, MAID's logistic-regression experiment).
/// </summary>
public abstract record BilevelOptions : IterativeOptions
{
    /// <summary>The tolerance used when <see cref="IterativeOptions.Tolerance"/> is null.</summary>
    public const double DefaultTolerance = 1e-6;

    /// <summary>The outer-iteration limit used when <see cref="IterativeOptions.MaxIterations"/> is null.</summary>
    public const int DefaultMaxIterations = 500;

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
