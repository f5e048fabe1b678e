namespace Numerics.Bilevel;

/// <summary>
/// Options of <see cref="FixedScheduleSolver{TVector}"/>, the HOAG-style baseline (Pedregosa 2016):
/// ε and δ follow a preset schedule, and the step is 1/L with HOAG's rule for L (see
/// <see cref="FixedScheduleSolver{TVector}"/>).
/// </summary>
public sealed record FixedScheduleOptions : BilevelOptions
{
    /// <summary>The schedule of ε_k (δ_k follows it with ratio δ₀/ε₀). Default <see cref="AccuracySchedule.Geometric"/> (HOAG's).</summary>
    public AccuracySchedule Schedule { get; init; } = AccuracySchedule.Geometric;

    /// <summary>r ∈ (0, 1) of the geometric schedule. Default 0.9 (HOAG's).</summary>
    public double GeometricFactor { get; init; } = 0.9;

    /// <summary>The first step 1/L; null (default): HOAG's L₀ = ‖z₀‖/√n (1 when ‖z₀‖ ≤ 1e-3).</summary>
    public double? InitialStep { get; init; }

    /// <summary>
    /// When set to b, every step is projected onto the box [−b, b]ⁿ, as HOAG's reference code does
    /// with b = 6 for its log-regularisation parameters. Default null: no projection (as in MAID),
    /// so a long step can land on a plateau of f far from θ₀ and stop there.
    /// </summary>
    public double? ParameterBound { get; init; }

    /// <summary>ε_k at outer iteration k, floored at <see cref="BilevelOptions.MinAccuracy"/>.</summary>
    public double AccuracyAt(int k)
    {
        double e = Schedule switch
        {
            AccuracySchedule.Constant => InitialAccuracy,
            AccuracySchedule.Geometric => InitialAccuracy * Math.Pow(GeometricFactor, k),
            AccuracySchedule.Quadratic => InitialAccuracy / ((k + 1.0) * (k + 1.0)),
            _ => InitialAccuracy / Math.Pow(k + 1.0, 3),
        };
        return Math.Max(e, MinAccuracy);
    }

    /// <inheritdoc />
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!Enum.IsDefined(Schedule)) throw new ArgumentException($"FixedScheduleOptions.Schedule {Schedule} is not a schedule.", paramName);
        Fraction(GeometricFactor, nameof(GeometricFactor), paramName);
        if (InitialStep is { } s) Positive(s, nameof(InitialStep), paramName);
        if (ParameterBound is { } b) Positive(b, nameof(ParameterBound), paramName);
    }
}
