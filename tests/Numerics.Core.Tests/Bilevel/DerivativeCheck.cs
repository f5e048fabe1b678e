using Numerics.Arithmetic;
using Numerics.Bilevel;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>
/// The derivatives a problem supplies against central differences of its own values at step 1e-6:
/// ∇ₓh and ∇g along a direction, ∇²ₓₓh·v against differences of ∇ₓh, and Bᵀv against differences
/// of ⟨∇ₓh, v⟩ in each θⱼ.
/// </summary>
internal static class DerivativeCheck
{
    /// <summary>
    /// Relative agreement with a central difference at step 1e-6: truncation h²·|third derivative|
    /// and rounding u·|value|/h ≈ 1e-10·|value| stay below 1e-6 of the derivative for the problems'
    /// values and curvatures of order one.
    /// </summary>
    public const double Relative = 1e-6;

    private const double Step = 1e-6;

    public static void Assert(IBilevelProblem<double[]> problem, double[] theta, double[] x, double[] v)
    {
        int n = x.Length;
        var gradient = new double[n];
        var plus = new double[n];
        var minus = new double[n];
        var xp = new double[n];
        var xm = new double[n];
        for (int i = 0; i < n; i++) { xp[i] = x[i] + Step * v[i]; xm[i] = x[i] - Step * v[i]; }

        problem.LowerObjective(theta, x, gradient);
        Directional(problem.LowerObjective(theta, xp, plus), problem.LowerObjective(theta, xm, minus), gradient, v, "∇ₓh");
        var hv = new double[n];
        problem.LowerHessianProduct(theta, x, v, hv);
        var difference = new double[n];
        for (int i = 0; i < n; i++) difference[i] = (plus[i] - minus[i]) / (2 * Step);
        Xunit.Assert.True(Distance(difference, hv) <= Relative * SpanArithmetic.Norm<double>(hv), "∇²ₓₓh·v");

        problem.UpperLoss(x, gradient);
        Directional(problem.UpperLoss(xp, plus), problem.UpperLoss(xm, minus), gradient, v, "∇g");

        var mixed = new double[theta.Length];
        problem.MixedProductTranspose(theta, x, v, mixed);
        for (int j = 0; j < theta.Length; j++)
        {
            double[] tp = [.. theta], tm = [.. theta];
            tp[j] += Step;
            tm[j] -= Step;
            problem.LowerObjective(tp, x, plus);
            problem.LowerObjective(tm, x, minus);
            double d = (SpanArithmetic.Dot<double>(plus, v) - SpanArithmetic.Dot<double>(minus, v)) / (2 * Step);
            Xunit.Assert.True(Math.Abs(d - mixed[j]) <= Relative * Math.Max(Math.Abs(mixed[j]), SpanArithmetic.Norm<double>(mixed)), $"Bᵀv, θ{j}: {d} vs {mixed[j]}");
        }
    }

    public static double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return Math.Sqrt(s);
    }

    private static void Directional(double valuePlus, double valueMinus, double[] gradient, double[] v, string what)
    {
        double d = (valuePlus - valueMinus) / (2 * Step), analytic = SpanArithmetic.Dot<double>(gradient, v);
        Xunit.Assert.True(Math.Abs(d - analytic) <= Relative * Math.Abs(analytic), $"{what}: {d} vs {analytic}");
    }
}
