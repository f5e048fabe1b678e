using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Optimization;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>Degenerate and extreme inputs: the solvers answer with a status, never an exception or a wrong "Converged".</summary>
public sealed class ExtremeInputTests
{
    private static readonly RidgeFixture Fixture = new();

    [Fact]
    public void SinglePixelImagesHaveNoTotalVariationAndConvergeAtOnce()
    {
        // One pixel: D = 0, so h does not depend on θ, B = 0 and ∇f = 0 exactly.
        using var problem = new TotalVariationDenoisingProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, new ImageShape(2, 1, 1), [0.5, 0.25], [0.6, 0.2]);
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance).Solve(problem, [-5.0, -5.0]);
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(0.0, result.Final.Norm);
        Assert.Equal([0.6, 0.2], result.LowerSolution);
    }

    [Fact]
    public void OverflowingWeightsBreakDownInsteadOfThrowing()
    {
        // e^710 overflows: the constants are unusable and the run reports Breakdown.
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance).Solve(Fixture.Problem, [710.0]);
        Assert.Equal(SolverStatus.Breakdown, result.Status);
    }

    [Fact]
    public void AnOversizedFirstStepIsNeverAcceptedUncertified()
    {
        // α₀ = 1e6 in log λ: every trial overflows e^θ or overshoots. MAID keeps α after a failed
        // iteration (the reference rule: failures are blamed on accuracy), so it tightens to the
        // floor and stops Stalled with θ unchanged, rather than accepting an uncertified step.
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { InitialStep = 1e6, MaxIterations = 20 }).Solve(Fixture.Problem, [-4.0]);
        Assert.Empty(result.Steps);
        Assert.Equal(-4.0, result.Theta[0]);
        Assert.Equal(SolverStatus.Stalled, result.Status);
        Assert.True(result.BacktrackFailures > 0);
    }

    [Fact]
    public void BadlyScaledRidgeDataGiveTheSameLambda()
    {
        // Scaling X and y by s leaves x̂(λ s²) unchanged: the learned θ shifts by exactly 2 log s.
        const double s = 1e60;
        var scaled = new RidgeProblem(Fixture.X * s, Fixture.Y * s, Fixture.Xv, Fixture.Yv);
        var options = new MaidOptions { MaxIterations = 150, Tolerance = 1e-4 };
        var reference = new MaidSolver<double[]>(HostVectorArithmetic.Instance, options).Solve(Fixture.Problem, [0.0]);
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, options).Solve(scaled, [2 * Math.Log(s)]);
        Assert.Equal(SolverStatus.Converged, reference.Status);
        Assert.Equal(SolverStatus.Converged, result.Status);
        // Both are within |f′| ≤ 1e-4 of θ*; f″ ≈ 2.2 there, so each θ is within ≈ 5e-5 of its optimum.
        Assert.True(Math.Abs(result.Theta[0] - 2 * Math.Log(s) - reference.Theta[0]) <= 2e-4);
    }

    [Fact]
    public void OneFeatureRidgeWithMoreFeaturesThanRowsIsHandled()
    {
        // d > m: XᵀX is singular, so μ = λ alone; the closed form still exists for λ > 0.
        var x = Matrix<double>.Build.Dense(2, 5, (i, j) => i + j + 1.0);
        var y = Vector<double>.Build.Dense([1.0, -1.0]);
        var problem = new RidgeProblem(x, y, x, y);
        var constants = problem.Constants([0.0], new double[5]);
        Assert.True(constants.StrongConvexity is >= 1.0 and <= 1.0 + 1e-9);
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = 30 }).Solve(problem, [0.0]);
        Assert.NotEqual(SolverStatus.Breakdown, result.Status);
        // Against the closed form (X_v = X, y_v = y): the loss fell by the certified amount, and the
        // final certificate bounds the exact f′.
        double Loss(double theta)
        {
            var r = x * Solve(theta) - y;
            return 0.5 * (r * r);
        }
        Vector<double> Solve(double theta) => (x.TransposeThisAndMultiply(x) + Math.Exp(theta) * Matrix<double>.Build.DenseIdentity(5)).Solve(x.TransposeThisAndMultiply(y));
        double exactGradient = (Loss(result.Theta[0] + BilevelTolerances.DifferenceStep) - Loss(result.Theta[0] - BilevelTolerances.DifferenceStep)) / (2 * BilevelTolerances.DifferenceStep);
        Assert.NotEmpty(result.Steps);
        Assert.True(Loss(result.Theta[0]) <= Loss(0.0) - result.Steps.Sum(s => s.RequiredDecrease));
        Assert.True(Math.Abs(exactGradient) <= result.Final.StationarityBound * (1 + BilevelTolerances.FiniteDifference), $"|f′| {exactGradient} vs ‖z‖ + ω {result.Final.StationarityBound}");
    }
}
