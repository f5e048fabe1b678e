namespace Numerics.Bilevel;

/// <summary>
/// Optional for an <see cref="IBilevelProblem{TVector}"/>: Lipschitz constants of the Hessian and
/// the mixed derivatives along a given vector, tighter than the operator-norm constants
/// L_A‖q‖ and L_B‖q‖ of <see cref="LowerLevelConstants"/>.
/// </summary>
/// <remarks>
/// The hypergradient oracle asks for them at the adjoint q it has just computed, within the
/// certified distance ε from x̃ to x̂, and uses them in
/// the second bound of <see cref="HypergradientErrorBound"/>;
/// they must be proven bounds over the same region as the problem's L_A and L_B.
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface IAdjointLipschitzBounds<TVector>
{
    /// <summary>
    /// Constants a, b with ‖(A(x′) − A(x))q‖ ≤ a‖x′ − x‖ and ‖(B(x′) − B(x))ᵀq‖ ≤ b‖x′ − x‖ for every
    /// x′ within <paramref name="radius"/> of <paramref name="x"/> (and inside the region the
    /// problem's constants cover); +∞ asks for constants valid everywhere.
    /// </summary>
    AdjointLipschitz AdjointLipschitz(ReadOnlySpan<double> theta, TVector x, TVector q, double radius);
}
