using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Optimization;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>The inexact hypergradient oracle on ridge regression against the closed form.</summary>
public sealed class RidgeHypergradientTests(ITestOutputHelper output)
{
    private static readonly RidgeFixture Fixture = new();

    private static HypergradientOracle<double[]> Oracle(double theta, InnerSolveOptions? inner = null) =>
        new(HostVectorArithmetic.Instance, Fixture.Problem, [theta], inner);

    [Fact]
    public void ClosedFormHypergradientMatchesCentralDifferences()
    {
        foreach (double theta in new[] { -3.0, 0.0, 2.5 })
        {
            double h = BilevelTolerances.DifferenceStep;
            double difference = (Fixture.Loss(theta + h) - Fixture.Loss(theta - h)) / (2 * h);
            double exact = Fixture.Hypergradient(theta);
            Assert.True(Math.Abs(difference - exact) <= BilevelTolerances.FiniteDifference * Math.Abs(exact), $"theta {theta}: {difference} vs {exact}");
        }
    }

    [Fact]
    public void TightEstimateMatchesClosedFormAndDifferences()
    {
        foreach (double theta in new[] { -3.0, 0.0, 2.5 })
        {
            using var oracle = Oracle(theta);
            var estimate = oracle.Estimate([theta], 1e-12, 1e-12);
            double exact = Fixture.Hypergradient(theta);
            double h = BilevelTolerances.DifferenceStep;
            double difference = (Fixture.Loss(theta + h) - Fixture.Loss(theta - h)) / (2 * h);
            Assert.Equal(SolverStatus.Converged, estimate.Lower.Status);
            Assert.True(Math.Abs(estimate.Hypergradient[0] - exact) <= estimate.ErrorBound + BilevelTolerances.BoundRounding * Math.Abs(exact));
            Assert.True(Math.Abs(estimate.Hypergradient[0] - difference) <= BilevelTolerances.FiniteDifference * Math.Abs(exact), $"{estimate.Hypergradient[0]} vs {difference}");
        }
    }

    [Fact]
    public void ErrorBoundAndLossBoundsHoldOnAnAccuracyGrid()
    {
        double[] accuracies = [1, 1e-1, 1e-2, 1e-3, 1e-5, 1e-7];
        double worst = double.PositiveInfinity, loosest = 0;
        foreach (double theta in new[] { -2.0, 1.0 })
        {
            double exact = Fixture.Hypergradient(theta), loss = Fixture.Loss(theta);
            var xHat = Fixture.Solution(theta);
            foreach (double epsilon in accuracies)
            foreach (double delta in accuracies)
            {
                using var oracle = Oracle(theta);
                var estimate = oracle.Estimate([theta], epsilon, delta);
                double error = Math.Abs(estimate.Hypergradient[0] - exact);
                double xError = (MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(oracle.LowerSolution) - xHat).L2Norm();
                Assert.True(xError <= estimate.Lower.Accuracy * (1 + BilevelTolerances.ExactLossRounding), $"‖x̃ − x̂‖ {xError} > ε {estimate.Lower.Accuracy}");
                Assert.True(estimate.Lower.Accuracy <= epsilon && estimate.AdjointResidual <= delta);
                Assert.True(error <= estimate.ErrorBound + BilevelTolerances.ExactLossRounding * Math.Abs(exact), $"θ {theta}, ε {epsilon}, δ {delta}: error {error} > ω {estimate.ErrorBound}");
                Assert.True(estimate.Lower.UpperLossLowerBound <= loss * (1 + BilevelTolerances.ExactLossRounding));
                Assert.True(estimate.Lower.UpperLossUpperBound >= loss * (1 - BilevelTolerances.ExactLossRounding));
                // The adjoint-corrected bounds, against the closed form, and at least as tight.
                Assert.True(estimate.LossBounds.Lower <= loss * (1 + BilevelTolerances.ExactLossRounding), $"θ {theta}, ε {epsilon}, δ {delta}: Lo {estimate.LossBounds.Lower} > f {loss}");
                Assert.True(estimate.LossBounds.Upper >= loss * (1 - BilevelTolerances.ExactLossRounding), $"θ {theta}, ε {epsilon}, δ {delta}: U {estimate.LossBounds.Upper} < f {loss}");
                Assert.True(estimate.LossBounds.Lower >= estimate.Lower.UpperLossLowerBound && estimate.LossBounds.Upper <= estimate.Lower.UpperLossUpperBound);
                // A trial at θ + 0.5 from this solution, bounded with this adjoint.
                double next = theta + 0.5;
                var trial = oracle.SolveTrial([next], epsilon);
                var bounds = oracle.TrialLossBounds([next], trial);
                double nextLoss = Fixture.Loss(next);
                Assert.True(bounds.Lower <= nextLoss * (1 + BilevelTolerances.ExactLossRounding) && bounds.Upper >= nextLoss * (1 - BilevelTolerances.ExactLossRounding),
                    $"θ̂ {next}, ε {epsilon}: [{bounds.Lower}, {bounds.Upper}] misses f {nextLoss}");
                if (error > 0)
                {
                    worst = Math.Min(worst, estimate.ErrorBound / error);
                    loosest = Math.Max(loosest, estimate.ErrorBound / error);
                }
            }
        }
        output.WriteLine($"bound / true error: from {worst:G3} to {loosest:G3}");
    }

    [Fact]
    public void TruncatedInnerSolvesAreReportedAndStillBounded()
    {
        const double theta = -2.0;
        using var oracle = Oracle(theta, new InnerSolveOptions { LowerMaxIterations = 2, AdjointMaxIterations = 1 });
        var estimate = oracle.Estimate([theta], 1e-10, 1e-10);
        Assert.Equal(SolverStatus.MaxIterations, estimate.Lower.Status);
        Assert.Equal(SolverStatus.MaxIterations, estimate.AdjointStatus);
        Assert.True(estimate.Lower.Accuracy > 1e-10 && estimate.AdjointResidual > 1e-10);
        double error = Math.Abs(estimate.Hypergradient[0] - Fixture.Hypergradient(theta));
        Assert.True(error <= estimate.ErrorBound);
    }

    [Fact]
    public void ZeroUpperGradientGivesZeroAdjointAtOnce()
    {
        var zeros = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(Fixture.X.RowCount);
        var problem = new RidgeProblem(Fixture.X, zeros, Fixture.Xv, zeros);
        using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, [0.0]);
        var estimate = oracle.Estimate([0.0], 1e-3, 1e-3);
        Assert.Equal(0.0, estimate.Hypergradient[0]);
        Assert.Equal(0, estimate.AdjointIterations);
        Assert.Equal(0, estimate.Lower.Iterations);
        Assert.Equal(0.0, estimate.ErrorBound);
    }

    [Fact]
    public void BadInputIsRejectedNamingTheParameter()
    {
        var f = Fixture;
        Assert.Equal("theta", Assert.Throws<ArgumentException>(() => Oracle(double.NaN)).ParamName);
        Assert.Equal("theta", Assert.Throws<ArgumentException>(() => new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, f.Problem, [0.0, 1.0])).ParamName);
        using var oracle = Oracle(0.0);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => oracle.Estimate([0.0], 0, 1)).ParamName);
        Assert.Equal("delta", Assert.Throws<ArgumentOutOfRangeException>(() => oracle.Estimate([0.0], 1, double.NaN)).ParamName);
        Assert.Equal("inner", Assert.Throws<ArgumentException>(() => Oracle(0.0, new InnerSolveOptions { LowerMaxIterations = 0 })).ParamName);
        var bad = f.Y.Clone();
        bad[3] = double.PositiveInfinity;
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => new RidgeProblem(f.X, bad, f.Xv, f.Yv)).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => new RidgeProblem(f.X, f.Yv.SubVector(0, 5), f.Xv, f.Yv)).ParamName);
        Assert.Equal("validationFeatures", Assert.Throws<ArgumentException>(() => new RidgeProblem(f.X, f.Y, f.Xv.SubMatrix(0, 5, 0, 3), f.Yv)).ParamName);
    }
}
