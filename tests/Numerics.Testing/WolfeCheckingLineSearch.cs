using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Testing;

/// <summary>
/// A line search that runs <see cref="StrongWolfeLineSearch"/> and asserts, on every step it
/// accepts, what the minimiser relies on: the trial point is x + α·d, the trial gradient and value
/// are those of a fresh evaluation there, and both strong-Wolfe conditions hold on them. It also
/// counts accepted steps and the pairs an L-BFGS update test with threshold ε would reject, so a
/// suite can check the solver's counters independently.
/// </summary>
public sealed class WolfeCheckingLineSearch<THost>(VectorBackend<THost> backend, StrongWolfeLineSearch inner, double curvatureThreshold)
    : ILineSearch
{
    /// <summary>Steps accepted so far.</summary>
    public int Accepted { get; private set; }

    /// <summary>Accepted steps whose pair failed sᵀy &gt; ε·‖s‖·‖y‖ (recomputed on the host).</summary>
    public int CurvatureFailures { get; private set; }

    /// <summary>Searches that failed.</summary>
    public int Failures { get; private set; }

    /// <inheritdoc />
    public LineSearchResult Search<TVector>(IDifferentiableObjective<TVector> objective, IVectorArithmetic<TVector> arithmetic,
        TVector x, double value, TVector gradient, TVector direction, double initialStep, TVector trialPoint, TVector trialGradient)
    {
        if (typeof(TVector) != typeof(THost)) throw new InvalidOperationException("The decorator was built for another vector type.");
        var result = inner.Search(objective, arithmetic, x, value, gradient, direction, initialStep, trialPoint, trialGradient);
        if (!result.Satisfied)
        {
            Failures++;
            return result;
        }
        Accepted++;
        var xh = Down(x);
        var dh = Down(direction);
        var g0 = Down(gradient);
        var xt = Down(trialPoint);
        var gt = Down(trialGradient);
        for (int i = 0; i < xh.Length; i++)
        {
            double expected = xh[i] + result.Step * dh[i];
            Assert.True(Math.Abs(xt[i] - expected) <= Tolerances.AxpyRounding * (Math.Abs(xh[i]) + Math.Abs(result.Step * dh[i])),
                $"The trial point is not x + α·d at {i}: {xt[i]:R} vs {expected:R}.");
        }

        // A fresh evaluation at the accepted point must reproduce the value and gradient handed back.
        var check = (TVector)(object)backend.Upload(xt)!;
        var checkGradient = (TVector)(object)backend.Upload(new double[xh.Length])!;
        double fCheck = objective.Evaluate(check, checkGradient);
        Assert.Equal(result.Value, fCheck);
        Assert.Equal(gt, Down(checkGradient));
        arithmetic.Release(check);
        arithmetic.Release(checkGradient);

        // The conditions are checked on the backend's own dots, the numbers the search decided on;
        // the host copies above check that those numbers belong to the vectors handed back.
        double slope0 = arithmetic.Dot(gradient, direction), slope = arithmetic.Dot(trialGradient, direction);
        Assert.Equal(slope, result.Slope);
        Assert.True(slope0 < 0, $"Not a descent direction: ∇fᵀd = {slope0}.");
        Assert.True(result.Value <= value + inner.SufficientDecrease * result.Step * slope0,
            $"Sufficient decrease fails: φ(α) = {result.Value:R}, φ(0) = {value:R}, α = {result.Step:R}, φ′(0) = {slope0:R}.");
        Assert.True(Math.Abs(slope) <= inner.Curvature * Math.Abs(slope0),
            $"Curvature condition fails: |φ′(α)| = {Math.Abs(slope):R} > c₂·|φ′(0)| = {inner.Curvature * Math.Abs(slope0):R}.");

        var s = new double[xh.Length];
        var y = new double[xh.Length];
        for (int i = 0; i < s.Length; i++) { s[i] = xt[i] - xh[i]; y[i] = gt[i] - g0[i]; }
        if (!(Dot(s, y) > curvatureThreshold * Math.Sqrt(Dot(s, s)) * Math.Sqrt(Dot(y, y)))) CurvatureFailures++;
        return result;

        double[] Down(TVector v) => backend.Download((THost)(object)v!);
    }

    private static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++) sum += a[i] * b[i];
        return sum;
    }
}
