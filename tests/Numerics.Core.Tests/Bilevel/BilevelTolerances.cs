namespace Numerics.Core.Tests.Bilevel;

/// <summary>The tolerances of the bilevel tests, each with where it comes from.</summary>
internal static class BilevelTolerances
{
    /// <summary>Unit round-off of double, 2⁻⁵³.</summary>
    public const double U = 1.1102230246251565e-16;

    /// <summary>
    /// Central difference step in log-parameters: truncation h²·|f‴|/6 and rounding u·|f|/h balance
    /// near h = (3u)^(1/3) ≈ 1e-5 for |f|, |f‴| of order one.
    /// </summary>
    public const double DifferenceStep = 1e-5;

    /// <summary>
    /// Relative agreement of a hypergradient with central differences at <see cref="DifferenceStep"/>:
    /// truncation ≈ h²/6·|f‴|/|f′| ≈ 2e-11 and rounding ≈ u·|f|/(h·|f′|) ≈ 1e-11·|f|/|f′|; 1e-6 (the
    /// research note's figure) leaves room for |f|/|f′| up to 1e4 and for a lower level solved to 1e-12.
    /// </summary>
    public const double FiniteDifference = 1e-6;

    /// <summary>
    /// Slack for comparing certified bounds with exact values computed in floating point: the exact
    /// side carries a Cholesky solve's rounding, far below 1e-9 relative for the κ ≤ 1e4 systems used.
    /// </summary>
    public const double BoundRounding = 1e-9;

    /// <summary>
    /// Relative slack for the exact ridge values of <see cref="RidgeFixture"/> (f, x̂, f′) in floating
    /// point: a Cholesky solve of a κ ≤ 1e4 system and a short sum give about κ·u ≈ 1e-12 relative;
    /// far below the Armijo decreases and the bounds' widths it is compared with.
    /// </summary>
    public const double ExactLossRounding = 1e-11;
}
