namespace Numerics.Bilevel;

/// <summary>
/// Lipschitz constants of A(x) = ∇²ₓₓh(x, θ) and B(x) = ∇²ₓθh(x, θ) along one fixed vector q (the
/// adjoint): ‖(A(x′) − A(x))q‖ ≤ <see cref="Hessian"/>·‖x′ − x‖ and
/// ‖(B(x′) − B(x))ᵀq‖ ≤ <see cref="Mixed"/>·‖x′ − x‖ for every x′ in a stated ball around x.
/// </summary>
/// <remarks>
/// L_A‖q‖ and L_B‖q‖ always qualify; a problem that knows the structure of A and B can give much
/// smaller values (<see cref="IAdjointLipschitzBounds{TVector}"/>), which tighten
/// <see cref="HypergradientErrorBound"/>.
/// </remarks>
/// <param name="Hessian">The constant of q ↦ A(·)q.</param>
/// <param name="Mixed">The constant of q ↦ B(·)ᵀq.</param>
public readonly record struct AdjointLipschitz(double Hessian, double Mixed);
