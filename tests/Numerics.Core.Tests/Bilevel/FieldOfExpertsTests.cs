using Numerics.Arithmetic;
using Numerics.Bilevel;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>Field-of-experts denoising (2 filters of 3×3 on real crops, the research note's tiny case): derivatives, constants, hypergradient and MAID.</summary>
public sealed class FieldOfExpertsTests(ITestOutputHelper output)
{
    private static FieldOfExpertsProblem<double[]> Problem(int size, params string[] names)
    {
        var (clean, noisy, shape) = TotalVariationFixture.Stack(size, names);
        return new FieldOfExpertsProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy, filters: 2, filterSize: 3);
    }


    /// <summary>A θ with β and ν of order one, where the potentials' curvature is moderate and central differences are accurate.</summary>
    private static double[] Theta(FieldOfExpertsProblem<double[]> problem)
    {
        var theta = problem.InitialParameters(4);
        for (int f = 0; f < problem.Filters; f++) { theta[f] = -1.0; theta[problem.Filters + f] = -1.5; }
        return theta;
    }

    [Fact]
    public void LowerDerivativesMatchFiniteDifferences()
    {
        using var problem = Problem(10, "camera_crop.npy", "coins_crop.npy");
        DerivativeCheck.Assert(problem, Theta(problem), NormalVectors.Draw(problem.LowerDimension, 3, 0.3), NormalVectors.Draw(problem.LowerDimension, 4));
    }

    [Fact]
    public void ConstantsBoundTheCurvatureAndItsVariation()
    {
        using var problem = Problem(10, "coins_crop.npy");
        int n = problem.LowerDimension;
        // y no longer than x, so both lie in the ball the constants at x cover.
        for (ulong seed = 0; seed < 6; seed++)
            ConstantsCheck.Assert(problem, Theta(problem), NormalVectors.Draw(n, 20 + seed, 0.3), NormalVectors.Draw(n, 40 + seed, 0.2), NormalVectors.Draw(n, 60 + seed));
    }

    [Fact]
    public void HypergradientMatchesFiniteDifferencesAndTheBoundHolds()
    {
        using var problem = Problem(16, "camera_crop.npy");
        var theta = Theta(problem);
        var accurate = TotalVariationFixture.Accurate(problem, theta);
        double h = BilevelTolerances.DifferenceStep;
        foreach (int j in new[] { 0, 3, 4, 9, 21 })
        {
            double[] tp = [.. theta], tm = [.. theta];
            tp[j] += h;
            tm[j] -= h;
            double d = (TotalVariationFixture.Accurate(problem, tp).Lower.UpperLoss - TotalVariationFixture.Accurate(problem, tm).Lower.UpperLoss) / (2 * h);
            Assert.True(Math.Abs(d - accurate.Hypergradient[j]) <= BilevelTolerances.FiniteDifference * accurate.Norm, $"θ{j}: {d} vs {accurate.Hypergradient[j]}");
        }
        foreach (double accuracy in new[] { 1e-1, 1e-3 })
        {
            using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, theta);
            var estimate = oracle.Estimate(theta, accuracy, accuracy);
            Assert.True(DerivativeCheck.Distance(estimate.Hypergradient, accurate.Hypergradient) <= estimate.ErrorBound + accurate.ErrorBound);
        }
    }

    [Fact]
    public void MaidLowersTheLossByTheCertifiedAmount()
    {
        using var problem = Problem(16, "camera_crop.npy", "astronaut_crop.npy");
        var start = problem.InitialParameters(1);
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = 6 }).Solve(problem, start);
        Assert.NotEmpty(result.Steps);
        double before = TotalVariationFixture.Accurate(problem, start, 1e-10).Lower.UpperLoss;
        double after = TotalVariationFixture.Accurate(problem, result.Theta, 1e-10).Lower.UpperLoss;
        output.WriteLine($"loss {before:F6} → {after:F6}, {result.Steps.Count} steps, {result.TotalInnerIterations} inner iterations, {result.Status}");
        Assert.True(after <= before - result.Steps.Sum(s => s.RequiredDecrease));
    }
}
