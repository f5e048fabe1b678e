using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>A = ∇²ₓₓh(x, θ) at fixed (x, θ), as the operator of the adjoint conjugate-gradient solve.</summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
internal sealed class LowerLevelHessian<TVector>(IBilevelProblem<TVector> problem, double[] theta, TVector x) : ISymmetricOperator<TVector>
{
    public int Dimension => problem.LowerDimension;

    public void Apply(TVector v, TVector result) => problem.LowerHessianProduct(theta, x, v, result);
}
