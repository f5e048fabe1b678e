using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// f̃(u) = f(γ·u)/γ for a transport dual f of regulariser weight γ: the potentials measured in units
/// of γ. ∇f̃(u) = ∇f(γ·u), still the marginal violation, so the tolerance keeps its meaning.
/// </summary>
/// <remarks>
/// The plan depends on the potentials through (α − c)/γ, so f's curvature is about 1/γ and the
/// potentials move on the scale of γ·(the marginals). L-BFGS's first step has unit length; on f it
/// would overshoot by 1/γ when γ is small and crawl when γ (with C) is large, and at γ = 1e-150 its
/// line search cannot shrink the step enough. In units of γ the curvature is of order one for every γ.
/// </remarks>
internal sealed class GammaScaledObjective<TVector> : IDifferentiableObjective<TVector>
{
    private readonly IDifferentiableObjective<TVector> _inner;
    private readonly IVectorArithmetic<TVector> _ops;
    private readonly double _gamma;
    private readonly TVector _x;

    /// <summary>The scaled view of <paramref name="inner"/>; owns one vector of its dimension until <see cref="Release"/>.</summary>
    public GammaScaledObjective(IDifferentiableObjective<TVector> inner, IVectorArithmetic<TVector> ops, double gamma)
    {
        _inner = inner;
        _ops = ops;
        _gamma = gamma;
        _x = ops.Create(inner.Dimension);
    }

    /// <inheritdoc />
    public int Dimension => _inner.Dimension;

    /// <inheritdoc />
    public double Evaluate(TVector u, TVector gradient)
    {
        _ops.Copy(u, _x);
        _ops.Scale(_gamma, _x);
        return _inner.Evaluate(_x, gradient) / _gamma;
    }

    /// <summary>Frees the work vector.</summary>
    public void Release() => _ops.Release(_x);
}
