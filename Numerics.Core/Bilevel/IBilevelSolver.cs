namespace Numerics.Bilevel;

/// <summary>A bilevel solver: MAID or the fixed-schedule baseline, interchangeable behind this interface.</summary>
/// <typeparam name="TVector">The lower-level vector handle.</typeparam>
public interface IBilevelSolver<TVector>
{
    /// <summary>Minimises f(θ) = g(x̂(θ)) from <paramref name="theta0"/> (not modified).</summary>
    /// <exception cref="ArgumentException">theta0 has the wrong length or holds NaN/∞.</exception>
    BilevelResult<TVector> Solve(IBilevelProblem<TVector> problem, ReadOnlySpan<double> theta0);
}
