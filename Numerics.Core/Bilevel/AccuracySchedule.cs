namespace Numerics.Bilevel;

/// <summary>The preset accuracy schedules of the fixed-schedule (HOAG-style) baseline: ε_k for outer iteration k = 0, 1, ….</summary>
public enum AccuracySchedule
{
    /// <summary>ε_k = ε₀.</summary>
    Constant,

    /// <summary>ε_k = ε₀·r^k with r = <see cref="FixedScheduleOptions.GeometricFactor"/> (HOAG's default, r = 0.9).</summary>
    Geometric,

    /// <summary>ε_k = ε₀/(k + 1)².</summary>
    Quadratic,

    /// <summary>ε_k = ε₀/(k + 1)³.</summary>
    Cubic,
}
