using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>
/// A problem's certified constants at x against what they bound: the Rayleigh quotient of the
/// Hessian lies in [μ, L], ‖Bᵀv‖ ≤ ‖B‖‖v‖, and for a second point y (inside the region the constants
/// cover) ‖(A(x) − A(y))v‖ ≤ L_A‖x − y‖‖v‖ and ‖(B(x) − B(y))ᵀv‖ ≤ L_B‖x − y‖‖v‖; and, for a
/// problem that gives constants along a vector, the same differences against a_v‖x − y‖ and b_v‖x − y‖.
/// </summary>
internal static class ConstantsCheck
{
    /// <summary>Relative slack for ‖Bᵀv‖ ≤ ‖B‖‖v‖ when ‖B‖ is computed exactly: rounding of the two sides' sums.</summary>
    private const double Rounding = 1e-12;

    public static void Assert(IBilevelProblem<double[]> problem, double[] theta, double[] x, double[] y, double[] v)
    {
        int n = x.Length, p = problem.ParameterCount;
        var constants = problem.Constants(theta, x);
        var ax = new double[n];
        var ay = new double[n];
        problem.LowerHessianProduct(theta, x, v, ax);
        problem.LowerHessianProduct(theta, y, v, ay);
        double vNorm = SpanArithmetic.Norm<double>(v), distance = DerivativeCheck.Distance(x, y);
        Xunit.Assert.InRange(SpanArithmetic.Dot<double>(v, ax) / (vNorm * vNorm), constants.StrongConvexity, constants.Smoothness);
        Xunit.Assert.True(DerivativeCheck.Distance(ax, ay) <= constants.HessianLipschitz * distance * vNorm, "L_A");
        var bx = new double[p];
        var by = new double[p];
        problem.MixedProductTranspose(theta, x, v, bx);
        problem.MixedProductTranspose(theta, y, v, by);
        Xunit.Assert.True(SpanArithmetic.Norm<double>(bx) <= constants.MixedNorm * vNorm * (1 + Rounding), "‖B‖");
        Xunit.Assert.True(DerivativeCheck.Distance(bx, by) <= constants.MixedLipschitz * distance * vNorm, "L_B");
        if (problem is IAdjointLipschitzBounds<double[]> directional)
        {
            // The constants along v, at x, for the same pair: within the ball that just holds y, and everywhere.
            foreach (double radius in new[] { distance, double.PositiveInfinity })
            {
                var along = directional.AdjointLipschitz(theta, x, v, radius);
                Xunit.Assert.True(DerivativeCheck.Distance(ax, ay) <= along.Hessian * distance, $"a_v (radius {radius}): {DerivativeCheck.Distance(ax, ay)} > {along.Hessian * distance}");
                Xunit.Assert.True(DerivativeCheck.Distance(bx, by) <= along.Mixed * distance, $"b_v (radius {radius}): {DerivativeCheck.Distance(bx, by)} > {along.Mixed * distance}");
            }
        }
    }
}
