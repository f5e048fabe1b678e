using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>f/s and ∇f/s for a power of two s (<see cref="ProblemScale"/>): the same minimisers, finite dots.</summary>
internal sealed class ScaledObjective<TVector>(IDifferentiableObjective<TVector> inner, IVectorArithmetic<TVector> ops, double scale)
    : IDifferentiableObjective<TVector>
{
    /// <inheritdoc />
    public int Dimension => inner.Dimension;

    /// <inheritdoc />
    public double Evaluate(TVector x, TVector gradient)
    {
        double f = inner.Evaluate(x, gradient);
        ops.Scale(1 / scale, gradient);
        return f / scale;
    }
}
