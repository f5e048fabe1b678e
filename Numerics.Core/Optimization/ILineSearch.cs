using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// A line search: given x, f(x), ∇f(x) and a descent direction d (∇f(x)ᵀd &lt; 0), finds a step
/// α &gt; 0 along φ(α) = f(x + α·d) that a minimiser may accept.
/// </summary>
/// <remarks>
/// The interface is not generic; its method is. A minimiser's options record (for example
/// <see cref="LbfgsOptions"/>) holds one instance that serves every vector storage, so the same
/// options can drive a host and a device solve, and a test can pass a decorator that checks what
/// the search accepts.
/// </remarks>
public interface ILineSearch
{
    /// <summary>
    /// Searches along <paramref name="direction"/> from <paramref name="x"/>. On success
    /// (<see cref="LineSearchResult.Satisfied"/>), <paramref name="trialPoint"/> holds x + α·d and
    /// <paramref name="trialGradient"/> holds ∇f there, evaluated at that point; on failure their
    /// contents are unspecified. <paramref name="x"/>, <paramref name="gradient"/> and
    /// <paramref name="direction"/> are not modified.
    /// </summary>
    /// <param name="objective">f.</param>
    /// <param name="arithmetic">The vector operations of <typeparamref name="TVector"/>.</param>
    /// <param name="x">The current point.</param>
    /// <param name="value">f(x).</param>
    /// <param name="gradient">∇f(x).</param>
    /// <param name="direction">d, with ∇f(x)ᵀd &lt; 0.</param>
    /// <param name="initialStep">The first trial step (&gt; 0).</param>
    /// <param name="trialPoint">Workspace of length n; receives the accepted point.</param>
    /// <param name="trialGradient">Workspace of length n; receives the gradient at the accepted point.</param>
    /// <typeparam name="TVector">The vector handle.</typeparam>
    /// <exception cref="ArgumentException">d is not a descent direction, or an input is not finite.</exception>
    LineSearchResult Search<TVector>(IDifferentiableObjective<TVector> objective, IVectorArithmetic<TVector> arithmetic,
        TVector x, double value, TVector gradient, TVector direction, double initialStep, TVector trialPoint, TVector trialGradient);
}
