namespace Numerics.Optimization;

/// <summary>
/// A symmetric linear map A: ℝⁿ → ℝⁿ seen only through products, on vectors of some storage (host
/// arrays, device buffers): the matrix of <see cref="ConjugateGradient{TVector}"/>, a Hessian
/// through Hessian-vector products, or a preconditioner M⁻¹.
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface ISymmetricOperator<TVector>
{
    /// <summary>n, the length of x and of A·x.</summary>
    int Dimension { get; }

    /// <summary>y ← A·x (y is a caller's buffer of length n, distinct from x; x is not modified).</summary>
    void Apply(TVector x, TVector y);
}
