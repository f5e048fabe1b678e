namespace Numerics.Bilevel;

/// <summary>
/// The a-posteriori bound on ‖z − ∇f(θ)‖ for the inexact hypergradient z = −B(x̃)ᵀq, where
/// ‖x̃ − x̂‖ ≤ ε and ‖A(x̃)q − ∇g(x̃)‖ ≤ δ.
/// </summary>
/// <remarks>
/// Splitting the error into the adjoint residual and the three places x̃ replaces x̂ (B, A⁻¹, ∇g):
/// <code>
/// ω = (‖B‖/μ)·δ + (L_g‖B‖/μ)·ε + (L_B/μ + L_A‖B‖/μ²)·(‖∇g(x̃)‖·ε + L_g·ε²)
/// </code>
/// using ‖A(x̂)⁻¹ − A(x̃)⁻¹‖ ≤ L_A·ε/μ² and ‖∇g(x̂)‖ ≤ ‖∇g(x̃)‖ + L_g·ε. This is the bound of
/// Ehrhardt–Roberts and MAID's reference code plus the term L_A‖B‖L_g·ε²/μ², which they drop
/// and which is needed whenever the Hessian depends on x.
/// </remarks>
public static class HypergradientErrorBound
{
    /// <summary>ω for the given constants and accuracies.</summary>
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
}
