namespace Numerics.Bilevel;

/// <summary>
/// The a-posteriori bound on ‖z − ∇f(θ)‖ for the inexact hypergradient z = −B(x̃)ᵀq, where
/// ‖x̃ − x̂‖ ≤ ε and ‖A(x̃)q − ∇g(x̃)‖ ≤ δ.
/// </summary>
/// <remarks>
/// <para>
/// Two proven bounds; the oracle uses the smaller. The first splits the error into the adjoint
/// residual and the three places x̃ replaces x̂ (B, A⁻¹, ∇g):
/// <code>
/// ω₁ = (‖B‖/μ)·δ + (L_g‖B‖/μ)·ε + (L_B/μ + L_A‖B‖/μ²)·(‖∇g(x̃)‖·ε + L_g·ε²)
/// </code>
/// using ‖A(x̂)⁻¹ − A(x̃)⁻¹‖ ≤ L_A·ε/μ² and ‖∇g(x̂)‖ ≤ ‖∇g(x̃)‖ + L_g·ε. This is the bound of
/// Ehrhardt–Roberts and MAID's reference code plus the term L_A‖B‖L_g·ε²/μ², which they drop
/// and which is needed whenever the Hessian depends on x.
/// </para>
/// <para>
/// The second starts from the computed adjoint q instead of ‖∇g‖/μ. With q̂ = A(x̂)⁻¹∇g(x̂) and
/// e = q̂ − q, A(x̂)e = (∇g(x̂) − ∇g(x̃)) − (A(x̃)q − ∇g(x̃)) + (A(x̃) − A(x̂))q, so
/// ‖e‖ ≤ E = (δ + (L_g + a_q)·ε)/μ, and z − ∇f = (B(x̂) − B(x̃))ᵀq̂ + B(x̃)ᵀe gives
/// <code>
/// ω₂ = ‖B‖·E + min(b_q·ε + L_B·ε·E, L_B·ε·(‖∇g(x̃)‖ + L_g·ε)/μ)
/// </code>
/// where a_q and b_q are the Lipschitz constants of A(·)q and B(·)ᵀq (<see cref="AdjointLipschitz"/>).
/// With a_q = L_A‖q‖, b_q = L_B‖q‖ it already gains where ‖q‖ ≪ ‖∇g‖/μ (a Hessian much larger
/// than μ on ∇g); a problem that knows its structure gives much smaller a_q, b_q. On smoothed-TV
/// denoising L_A‖B‖‖∇g‖ε/μ² made up almost all of ω₁.
/// </para>
/// </remarks>
public static class HypergradientErrorBound
{
    /// <summary>ω₁ for the given constants and accuracies.</summary>
    /// <param name="constants">μ, ‖B(x̃)‖, L_A, L_B.</param>
    /// <param name="upperSmoothness">L_g.</param>
    /// <param name="upperGradientNorm">‖∇g(x̃)‖.</param>
    /// <param name="epsilon">A bound on ‖x̃ − x̂‖.</param>
    /// <param name="delta">A bound on the adjoint residual ‖A(x̃)q − ∇g(x̃)‖.</param>
    public static double Compute(LowerLevelConstants constants, double upperSmoothness, double upperGradientNorm, double epsilon, double delta)
    {
        double mu = constants.StrongConvexity, b = constants.MixedNorm;
        double propagated = constants.MixedLipschitz / mu + constants.HessianLipschitz * b / (mu * mu);
        return b / mu * delta + upperSmoothness * b / mu * epsilon
            + propagated * (upperGradientNorm * epsilon + upperSmoothness * epsilon * epsilon);
    }

    /// <summary>min(ω₁, ω₂): the tighter of the two bounds, given the adjoint q the estimate used.</summary>
    /// <param name="constants">μ, ‖B(x̃)‖, L_A, L_B.</param>
    /// <param name="upperSmoothness">L_g.</param>
    /// <param name="upperGradientNorm">‖∇g(x̃)‖.</param>
    /// <param name="epsilon">A bound on ‖x̃ − x̂‖.</param>
    /// <param name="delta">A bound on the adjoint residual ‖A(x̃)q − ∇g(x̃)‖.</param>
    /// <param name="adjointNorm">‖q‖.</param>
    /// <param name="alongAdjoint">
    /// Constants of A(·)q and B(·)ᵀq from the problem, or null to use L_A‖q‖ and L_B‖q‖ alone
    /// (a problem's value replaces the generic one only where it is smaller).
    /// </param>
    public static double Compute(LowerLevelConstants constants, double upperSmoothness, double upperGradientNorm, double epsilon, double delta,
        double adjointNorm, AdjointLipschitz? alongAdjoint)
    {
        double first = Compute(constants, upperSmoothness, upperGradientNorm, epsilon, delta);
        double mu = constants.StrongConvexity, b = constants.MixedNorm;
        double hessian = constants.HessianLipschitz * adjointNorm, mixed = constants.MixedLipschitz * adjointNorm;
        if (alongAdjoint is { } along)
        {
            // A negative or NaN value from a problem is no bound: keep the generic one then.
            if (along.Hessian >= 0) hessian = Math.Min(hessian, along.Hessian);
            if (along.Mixed >= 0) mixed = Math.Min(mixed, along.Mixed);
        }
        double adjointError = (delta + (upperSmoothness + hessian) * epsilon) / mu;
        // ‖(B(x̂) − B(x̃))ᵀq̂‖ two ways: through q and e = q̂ − q, or through ‖q̂‖ ≤ ‖∇g(x̂)‖/μ as in ω₁
        // (the second wins at large ε, where L_B·ε·E is quadratic in ε).
        double mixedChange = Math.Min(mixed * epsilon + constants.MixedLipschitz * epsilon * adjointError,
            constants.MixedLipschitz * epsilon * (upperGradientNorm + upperSmoothness * epsilon) / mu);
        double second = b * adjointError + mixedChange;
        // Math.Min propagates NaN, so a broken solve is not hidden by the other bound.
        return Math.Min(first, second);
    }
}
