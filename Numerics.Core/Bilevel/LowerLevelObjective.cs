using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>h(·, θ) at a fixed θ, as the objective the shared minimisers see.</summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
internal sealed class LowerLevelObjective<TVector>(IBilevelProblem<TVector> problem, double[] theta) : IDifferentiableObjective<TVector>
{
    public int Dimension => problem.LowerDimension;

    public double Evaluate(TVector x, TVector gradient) => problem.LowerObjective(theta, x, gradient);
}
