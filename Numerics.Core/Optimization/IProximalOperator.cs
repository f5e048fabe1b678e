namespace Numerics.Optimization;

/// <summary>
/// A closed convex function g seen through its value and its proximal operator
/// prox_{t·g}(v) = argmin_x g(x) + ‖x − v‖²/(2t): the non-smooth part of a composite problem
/// f + g for <see cref="ProximalGradient{TVector}"/>.
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface IProximalOperator<TVector>
{
    /// <summary>result ← prox_{step·g}(v) (result is a caller's buffer distinct from v; v is not modified).</summary>
    /// <param name="v">The point.</param>
    /// <param name="step">t &gt; 0.</param>
    /// <param name="result">The output, same length as v.</param>
    void Apply(TVector v, double step, TVector result);

    /// <summary>g(x) (+∞ outside the domain).</summary>
    double Value(TVector x);
}
