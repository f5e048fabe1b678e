namespace Numerics.Bilevel;

/// <summary>
/// A bilevel learning problem: choose parameters θ ∈ ℝⁿ to minimise f(θ) = g(x̂(θ)), where
/// x̂(θ) = argmin_x h(x, θ) over x ∈ ℝᵈ, on lower-level vectors of some storage (host arrays,
/// device buffers). The solvers see the problem only through this interface.
/// </summary>
/// <remarks>
/// <para>
/// h(·, θ) must be μ-strongly convex and L-smooth in x, and twice differentiable; g must be
/// L_g-smooth. The implicit function theorem then gives ∇f(θ) = −Bᵀ A⁻¹ ∇g(x̂) with
/// A = ∇²ₓₓh(x̂, θ) and B = ∇²ₓθh(x̂, θ) (d × n).
/// </para>
/// <para>
/// <see cref="Constants"/> supplies μ, L, ‖B‖ and the Lipschitz constants of A and B in x; the
/// hypergradient error bound and the inexact loss bounds are only as trustworthy as these, which
/// is what <see cref="ConstantsCertified"/> declares. A training set of N examples is one problem
/// whose x stacks the N lower-level solutions (h is then block separable).
/// </para>
/// </remarks>
/// <typeparam name="TVector">The lower-level vector handle.</typeparam>
public interface IBilevelProblem<TVector>
{
    /// <summary>n, the number of parameters θ.</summary>
    int ParameterCount { get; }

    /// <summary>d, the length of the lower-level variable x.</summary>
    int LowerDimension { get; }

    /// <summary>L_g: ‖∇g(x) − ∇g(x′)‖ ≤ L_g‖x − x′‖ for all x, x′.</summary>
    double UpperSmoothness { get; }

    /// <summary>True when <see cref="Constants"/> and <see cref="UpperSmoothness"/> are proven bounds (not estimates), so that the error bound and the loss bounds certify.</summary>
    bool ConstantsCertified { get; }

    /// <summary>Writes the cold starting point of the lower-level solve for θ into <paramref name="x"/>.</summary>
    void StartingPoint(ReadOnlySpan<double> theta, TVector x);

    /// <summary>Returns g(x) and writes ∇g(x) into <paramref name="gradient"/>.</summary>
    double UpperLoss(TVector x, TVector gradient);

    /// <summary>Returns h(x, θ) and writes ∇ₓh(x, θ) into <paramref name="gradient"/>.</summary>
    double LowerObjective(ReadOnlySpan<double> theta, TVector x, TVector gradient);

    /// <summary>result ← ∇²ₓₓh(x, θ)·v.</summary>
    void LowerHessianProduct(ReadOnlySpan<double> theta, TVector x, TVector v, TVector result);

    /// <summary>result ← Bᵀv with B = ∇²ₓθh(x, θ) (result has length n).</summary>
    void MixedProductTranspose(ReadOnlySpan<double> theta, TVector x, TVector v, Span<double> result);

    /// <summary>The constants of h at θ, with ‖B‖ evaluated (or bounded) at x.</summary>
    LowerLevelConstants Constants(ReadOnlySpan<double> theta, TVector x);
}
