namespace Numerics.Bilevel;

/// <summary>
/// Certified bounds Lower ≤ f(θ) = g(x̂(θ)) ≤ Upper on the exact upper loss at one θ, from an
/// inexact lower-level solution (and, when one is at hand, an adjoint).
/// </summary>
/// <remarks>
/// <para>
/// First order (no adjoint): |f(θ) − g(x̃)| ≤ ‖∇g(x̃)‖ε + L_gε²/2, from L_g-smoothness of g and
/// ‖x̂ − x̃‖ ≤ ε.
/// </para>
/// <para>
/// Adjoint-corrected: with r = ∇ₓh(x̃), e = x̂ − x̃ and Ā = ∫₀¹A(x̃ + te)dt, 0 = ∇ₓh(x̂) = r + Āe.
/// For any q with s = A(x̃)q − ∇g(x̃), ∇g(x̃)ᵀe = qᵀĀe + qᵀ(A(x̃) − Ā)e − sᵀe = −qᵀr + qᵀ(A(x̃) − Ā)e − sᵀe,
/// and ‖(A(x̃) − Ā)q‖ ≤ a_q‖e‖/2 with a_q the Lipschitz constant of x ↦ A(x)q on the ball of
/// radius ε around x̃. So
/// <code>
/// |f(θ) − (g(x̃) − qᵀr)| ≤ ‖s‖·ε + (a_q + L_g)·ε²/2,
/// </code>
/// second order in the accuracies where the first-order bound is first order (q = 0 gives back
/// the first-order bound). The oracle intersects the two.
/// </para>
/// <para>
/// Because this width can fall far below the first-order one (to 1e-20 and less at tight
/// accuracies), it also carries an allowance for the rounding of the two computed sums,
/// g(x̃) over d terms and qᵀr: 4·d·u·(|g(x̃)| + ‖q‖‖r‖), u the unit round-off of double (worst-case
/// summation bounds, about γ_d each). Without it two nearly equal trial losses could certify a
/// decrease that is only rounding. The first-order bounds carry the allowance for g(x̃) alone
/// (<see cref="LowerLevelSolution.Rounding"/>), so the intersection never drops it.
/// </para>
/// </remarks>
/// <param name="Lower">A certified lower bound on f(θ).</param>
/// <param name="Upper">A certified upper bound on f(θ).</param>
public readonly record struct UpperLossBounds(double Lower, double Upper)
{
    /// <summary>
    /// The first-order bounds intersected with the adjoint-corrected ones (those are skipped when
    /// any of their inputs is not finite).
    /// </summary>
    /// <param name="solution">The lower-level solution: g(x̃), ‖∇g(x̃)‖, ε and L_g.</param>
    /// <param name="adjointDotResidual">qᵀ∇ₓh(x̃).</param>
    /// <param name="adjointResidual">‖A(x̃)q − ∇g(x̃)‖, recomputed at q.</param>
    /// <param name="hessianAlongAdjoint">a_q: ‖(A(x′) − A(x̃))q‖ ≤ a_q‖x′ − x̃‖ for ‖x′ − x̃‖ ≤ ε.</param>
    /// <param name="dimension">d, the number of terms of the sums (for the rounding allowance).</param>
    /// <param name="adjointTimesResidualNorm">‖q‖·‖r‖ (for the rounding allowance).</param>
    public static UpperLossBounds Corrected(LowerLevelSolution solution, double adjointDotResidual, double adjointResidual, double hessianAlongAdjoint,
        int dimension, double adjointTimesResidualNorm)
    {
        double lower = solution.UpperLossLowerBound, upper = solution.UpperLossUpperBound;
        double epsilon = solution.Accuracy;
        double centre = solution.UpperLoss - adjointDotResidual;
        double rounding = LowerLevelSolution.SumRounding(Math.Abs(solution.UpperLoss) + adjointTimesResidualNorm, dimension);
        double width = adjointResidual * epsilon + 0.5 * (hessianAlongAdjoint + solution.UpperSmoothness) * epsilon * epsilon + rounding;
        if (double.IsFinite(centre) && double.IsFinite(width) && width >= 0)
        {
            lower = Math.Max(lower, centre - width);
            upper = Math.Min(upper, centre + width);
        }
        return new UpperLossBounds(lower, upper);
    }
}
