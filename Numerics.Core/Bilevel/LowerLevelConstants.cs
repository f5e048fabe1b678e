namespace Numerics.Bilevel;

/// <summary>
/// The constants of the lower-level objective h(·, θ) that the hypergradient error bound and the
/// lower-level solver need, at one θ.
/// </summary>
/// <param name="StrongConvexity">μ &gt; 0: ∇²ₓₓh ⪰ μI everywhere.</param>
/// <param name="Smoothness">L ≥ μ: ∇²ₓₓh ⪯ LI everywhere (FISTA's step is 1/L).</param>
/// <param name="MixedNorm">‖B(x, θ)‖₂ at the point the constants were asked for, or an upper bound on it.</param>
/// <param name="HessianLipschitz">L_A: ‖A(x) − A(x′)‖₂ ≤ L_A‖x − x′‖ (0 for a quadratic h).</param>
/// <param name="MixedLipschitz">L_B: ‖B(x) − B(x′)‖₂ ≤ L_B‖x − x′‖.</param>
public readonly record struct LowerLevelConstants(double StrongConvexity, double Smoothness, double MixedNorm, double HessianLipschitz, double MixedLipschitz)
{
    /// <summary>True when 0 &lt; μ ≤ L &lt; ∞ and ‖B‖, L_A, L_B are finite and non-negative; false at a θ so extreme that e^θ overflowed, for example.</summary>
    public bool IsUsable => StrongConvexity > 0 && Smoothness >= StrongConvexity && double.IsFinite(Smoothness)
        && MixedNorm >= 0 && double.IsFinite(MixedNorm) && HessianLipschitz >= 0 && double.IsFinite(HessianLipschitz)
        && MixedLipschitz >= 0 && double.IsFinite(MixedLipschitz);
}
