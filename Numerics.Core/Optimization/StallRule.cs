namespace Numerics.Optimization;

/// <summary>
/// When a decreasing residual counts as stalled: it is below <see cref="Below"/> (near the
/// rounding floor, where it can no longer fall reliably) and has not decreased for
/// <see cref="Window"/> consecutive checks.
/// </summary>
/// <param name="Below">Residuals at or above this never stall.</param>
/// <param name="Window">Consecutive non-decreasing checks that make a stall (≥ 1).</param>
public sealed record StallRule(double Below, int Window)
{
    /// <summary>Never stalls.</summary>
    public static StallRule None { get; } = new(0, int.MaxValue);
}
