using Numerics.Bilevel;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>
/// A problem that forwards every member to another one; the tests' wrappers (a user's view of a
/// library problem, a shifted loss, a cancelling problem) override only what they change. It does
/// not carry the library's proven-constants mark, so a wrapped problem counts as a user's.
/// </summary>
internal abstract class ForwardingProblem(IBilevelProblem<double[]> inner) : IBilevelProblem<double[]>
{
    public int ParameterCount => inner.ParameterCount;
    public int LowerDimension => inner.LowerDimension;
    public double UpperSmoothness => inner.UpperSmoothness;
    public virtual bool ConstantsCertified => inner.ConstantsCertified;
    public void StartingPoint(ReadOnlySpan<double> theta, double[] x) => inner.StartingPoint(theta, x);
    public virtual double UpperLoss(double[] x, double[] gradient) => inner.UpperLoss(x, gradient);
    public double LowerObjective(ReadOnlySpan<double> theta, double[] x, double[] gradient) => inner.LowerObjective(theta, x, gradient);
    public void LowerHessianProduct(ReadOnlySpan<double> theta, double[] x, double[] v, double[] result) => inner.LowerHessianProduct(theta, x, v, result);
    public void MixedProductTranspose(ReadOnlySpan<double> theta, double[] x, double[] v, Span<double> result) => inner.MixedProductTranspose(theta, x, v, result);
    public virtual LowerLevelConstants Constants(ReadOnlySpan<double> theta, double[] x) => inner.Constants(theta, x);
}
