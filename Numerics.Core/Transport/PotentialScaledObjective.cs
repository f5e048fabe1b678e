using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// f̃(u) = f(σ·u)/σ for a transport dual f: the potentials measured in a unit σ. ∇f̃(u) = ∇f(σ·u),
/// still the marginal violation, so the tolerance keeps its meaning.
/// </summary>
/// <remarks>
/// <para>
/// L-BFGS's first step moves the variables by one unit, and its line search can then grow a step by
/// about 4²⁰ or shrink it by 10²⁰ within its evaluation limit. In raw potentials the right move is
/// set by the problem's scales: where γ dominates the spread of C the dual is smooth with curvature
/// about 1/γ and moves on the scale of γ; where the spread dominates the dual is nearly piecewise
/// linear with kinks on the scale of the cost differences. σ ≈ max(γ, max C − min C) covers both, and
/// scales with (C, γ), so a problem and the same problem with C and γ multiplied by 1e±150 take the
/// same steps.
/// </para>
/// </remarks>
internal sealed class PotentialScaledObjective<TVector> : IDifferentiableObjective<TVector>
{
    private readonly IDifferentiableObjective<TVector> _inner;
    private readonly IVectorArithmetic<TVector> _ops;
    private readonly double _unit;
    private readonly TVector _x;

    /// <summary>The scaled view of <paramref name="inner"/>; owns one vector of its dimension until <see cref="Release"/>.</summary>
    public PotentialScaledObjective(IDifferentiableObjective<TVector> inner, IVectorArithmetic<TVector> ops, double unit)
    {
        _inner = inner;
        _ops = ops;
        _unit = unit;
        _x = ops.Create(inner.Dimension);
    }

    /// <summary>
    /// σ, the power of two at or just below max(γ, max C − min C): a power of two so that x → x/σ → σ·(x/σ)
    /// is exact, and a warm start at a solution is that solution to the bit (at least 2⁻¹⁰⁰⁰, so 1/σ is finite).
    /// </summary>
    public static double UnitFor(TransportProblem problem, double gamma) => UnitFor(problem.CostRange, gamma);

    /// <summary>σ for a cost whose max − min is <paramref name="costRange"/> (+∞ when it overflows): what a column-split solve knows of C.</summary>
    public static double UnitFor(double costRange, double gamma) =>
        Math.ScaleB(1.0, Math.Max(-1000, Math.ILogB(Math.Max(gamma, Math.Min(costRange, double.MaxValue)))));

    /// <inheritdoc />
    public int Dimension => _inner.Dimension;

    /// <inheritdoc />
    public double Evaluate(TVector u, TVector gradient)
    {
        _ops.Copy(u, _x);
        _ops.Scale(_unit, _x);
        return _inner.Evaluate(_x, gradient) / _unit;
    }

    /// <summary>Frees the work vector.</summary>
    public void Release() => _ops.Release(_x);
}
