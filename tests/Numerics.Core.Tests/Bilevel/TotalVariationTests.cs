using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Optimization;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>Smoothed-TV denoising: derivatives against finite differences, certified constants, the error bound, and MAID on real crops.</summary>
public sealed class TotalVariationTests(ITestOutputHelper output)
{
    /// <summary>θ = (log weight, log smoothing) near where the learned values of σ = 0.1 lie.</summary>
    private static readonly double[] Theta = [-3.0, -3.0];


    [Fact]
    public void LowerDerivativesMatchFiniteDifferences()
    {
        using var problem = TotalVariationFixture.Problem(12, "camera_crop.npy", "coins_crop.npy");
        DerivativeCheck.Assert(problem, Theta, NormalVectors.Draw(problem.LowerDimension, 3), NormalVectors.Draw(problem.LowerDimension, 4));
    }

    [Fact]
    public void ConstantsBoundTheCurvatureAndItsVariation()
    {
        using var problem = TotalVariationFixture.Problem(10, "camera_crop.npy");
        int n = problem.LowerDimension;
        // Differences at the scale of ν make ψ″ vary most.
        for (ulong seed = 0; seed < 6; seed++)
            ConstantsCheck.Assert(problem, Theta, NormalVectors.Draw(n, 20 + seed, 0.05), NormalVectors.Draw(n, 40 + seed, 0.05), NormalVectors.Draw(n, 60 + seed));
    }

    [Fact]
    public void HypergradientMatchesFiniteDifferencesOfTheAccuratelySolvedLoss()
    {
        using var problem = TotalVariationFixture.Problem(16, "camera_crop.npy");
        var accurate = TotalVariationFixture.Accurate(problem, Theta);
        for (int p = 0; p < 2; p++)
        {
            double h = BilevelTolerances.DifferenceStep;
            double[] tp = [.. Theta], tm = [.. Theta];
            tp[p] += h;
            tm[p] -= h;
            double difference = (TotalVariationFixture.Accurate(problem, tp).Lower.UpperLoss - TotalVariationFixture.Accurate(problem, tm).Lower.UpperLoss) / (2 * h);
            Assert.True(Math.Abs(difference - accurate.Hypergradient[p]) <= BilevelTolerances.FiniteDifference * accurate.Norm,
                $"θ{p}: {difference} vs {accurate.Hypergradient[p]}");
        }
    }

    [Fact]
    public void ErrorBoundBoundsTheTrueError()
    {
        using var problem = TotalVariationFixture.Problem(16, "coins_crop.npy");
        var accurate = TotalVariationFixture.Accurate(problem, Theta);
        foreach (double accuracy in new[] { 1.0, 1e-1, 1e-2, 1e-4 })
        {
            using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, Theta);
            var estimate = oracle.Estimate(Theta, accuracy, accuracy);
            double error = DerivativeCheck.Distance(estimate.Hypergradient, accurate.Hypergradient);
            // The accurate reference is itself within its own bound of ∇f.
            Assert.True(error <= estimate.ErrorBound + accurate.ErrorBound, $"ε = δ = {accuracy}: error {error} > ω {estimate.ErrorBound}");
            output.WriteLine($"ε = δ = {accuracy}: error {error:E2}, bound {estimate.ErrorBound:E2}");
        }
    }

    [Fact]
    public void ErrorBoundHoldsOnRandomCasesAndIsFarTighterThanTheOperatorNormBound()
    {
        // Random cases: noise seeds, crops and θ from the reference start (−5, −5) to the learned region.
        var cases = new (string Image, ulong Seed, double[] Theta)[]
        {
            ("camera_crop.npy", 1, [-3.0, -3.0]), ("coins_crop.npy", 2, [-4.0, -3.5]),
            ("astronaut_crop.npy", 3, [-2.5, -4.0]), ("camera_crop.npy", 4, [-5.0, -5.0]),
        };
        double oldLo = double.PositiveInfinity, oldHi = 0, newLo = double.PositiveInfinity, newHi = 0, worstGain = double.PositiveInfinity;
        foreach (var (image, seed, theta) in cases)
        {
            var (clean, noisy, shape) = TotalVariationFixture.Stack(16, seed, image);
            using var problem = new TotalVariationDenoisingProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy);
            var accurate = TotalVariationFixture.Accurate(problem, theta);
            foreach (double accuracy in new[] { 1e-1, 1e-2, 1e-3, 1e-4 })
            {
                using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, theta);
                var estimate = oracle.Estimate(theta, accuracy, accuracy);
                double error = DerivativeCheck.Distance(estimate.Hypergradient, accurate.Hypergradient);
                // The reference is itself within its own (1e-12-scale) bound of ∇f.
                Assert.True(error <= estimate.ErrorBound + accurate.ErrorBound, $"{image}, seed {seed}, ε = δ = {accuracy}: error {error} > ω {estimate.ErrorBound}");
                // The operator-norm bound ω₁ at the same point, for the slack before the adjoint-based bound.
                double operatorNorm = HypergradientErrorBound.Compute(problem.Constants(theta, oracle.LowerSolution), problem.UpperSmoothness,
                    estimate.Lower.UpperGradientNorm, estimate.Lower.Accuracy, estimate.AdjointResidual);
                Assert.True(error <= operatorNorm + accurate.ErrorBound);
                worstGain = Math.Min(worstGain, operatorNorm / estimate.ErrorBound);
                if (error > 100 * accurate.ErrorBound)
                {
                    (oldLo, oldHi) = (Math.Min(oldLo, operatorNorm / error), Math.Max(oldHi, operatorNorm / error));
                    (newLo, newHi) = (Math.Min(newLo, estimate.ErrorBound / error), Math.Max(newHi, estimate.ErrorBound / error));
                }
            }
        }
        output.WriteLine($"bound / true error: operator-norm bound {oldLo:F0}–{oldHi:F0}, adjoint-based bound {newLo:F1}–{newHi:F1}; smallest gain {worstGain:F1}×");
        Assert.True(worstGain >= MinimumGain, $"the adjoint-based bound gained only {worstGain:F2}×");
    }

    [Fact]
    public void AdjointCorrectedLossBoundsHoldAtTheEstimateAndAtATrialPoint()
    {
        var cases = new (string Image, ulong Seed, double[] Theta)[]
        {
            ("camera_crop.npy", 1, [-3.0, -3.0]), ("coins_crop.npy", 2, [-4.0, -3.5]), ("astronaut_crop.npy", 3, [-2.5, -4.0]),
        };
        double narrowest = double.PositiveInfinity;
        foreach (var (image, seed, theta) in cases)
        {
            var (clean, noisy, shape) = TotalVariationFixture.Stack(16, seed, image);
            using var problem = new TotalVariationDenoisingProblem<double[]>(HostVectorArithmetic.Instance, HostImageOperators.Instance, shape, clean, noisy);
            double[] next = [theta[0] + 0.2, theta[1] - 0.1];
            var exact = TotalVariationFixture.Accurate(problem, theta).Lower;
            var exactNext = TotalVariationFixture.Accurate(problem, next).Lower;
            foreach (double accuracy in new[] { 1e-1, 1e-2, 1e-3, 1e-4, 1e-6 })
            {
                using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, theta);
                var estimate = oracle.Estimate(theta, accuracy, accuracy);
                // The references are within their own (1e-12-scale) first-order bounds of f.
                Assert.True(estimate.LossBounds.Lower <= exact.UpperLossUpperBound && estimate.LossBounds.Upper >= exact.UpperLossLowerBound,
                    $"{image}, ε = δ = {accuracy}: [{estimate.LossBounds.Lower}, {estimate.LossBounds.Upper}] misses f = {exact.UpperLoss}");
                var trial = oracle.SolveTrial(next, accuracy);
                var bounds = oracle.TrialLossBounds(next, trial);
                Assert.True(bounds.Lower <= exactNext.UpperLossUpperBound && bounds.Upper >= exactNext.UpperLossLowerBound,
                    $"{image}, trial at ε = {accuracy}: [{bounds.Lower}, {bounds.Upper}] misses f = {exactNext.UpperLoss}");
                double firstOrder = estimate.Lower.UpperLossUpperBound - estimate.Lower.UpperLossLowerBound;
                narrowest = Math.Min(narrowest, firstOrder / (estimate.LossBounds.Upper - estimate.LossBounds.Lower));
                output.WriteLine($"{image}, ε = δ = {accuracy}: width first order {firstOrder:E2}, corrected {estimate.LossBounds.Upper - estimate.LossBounds.Lower:E2}; "
                    + $"trial {trial.UpperLossUpperBound - trial.UpperLossLowerBound:E2} → {bounds.Upper - bounds.Lower:E2}");
            }
        }
        Assert.True(narrowest >= 1, "the intersection is never wider than the first-order bounds");
    }

    /// <summary>
    /// The least factor by which the adjoint-based bound must beat the operator-norm one on these cases
    /// (measured: see the test output); a regression in the directional constants shows up here.
    /// </summary>
    private const double MinimumGain = 3.0;

    [Fact]
    public void AdjointConstantsBoundChangesConcentratedOnOnePixel()
    {
        // The directional constants' worst cases: x − y on one pixel (‖s‖∞ largest) at the scale of ν,
        // with v a spike there (‖Dv‖∞ largest) or spread out.
        using var problem = TotalVariationFixture.Problem(10, "camera_crop.npy");
        int n = problem.LowerDimension;
        var x = NormalVectors.Draw(n, 5, 0.05);
        foreach (int pixel in new[] { 0, 44, 99 })
        foreach (double change in new[] { 0.01, 0.03, 0.2 })
        {
            var y = (double[])x.Clone();
            y[pixel] += change;
            var spike = new double[n];
            spike[pixel] = 1;
            ConstantsCheck.Assert(problem, Theta, x, y, spike);
            ConstantsCheck.Assert(problem, Theta, x, y, NormalVectors.Draw(n, 6));
        }
    }

    [Fact]
    public void MaidLearnsParametersThatImproveTheDenoising()
    {
        using var problem = TotalVariationFixture.Problem(20, "camera_crop.npy", "astronaut_crop.npy");
        var (clean, noisy, _) = TotalVariationFixture.Stack(20, "camera_crop.npy", "astronaut_crop.npy");
        double[] start = [-5.0, -5.0];
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = 25 }).Solve(problem, start);
        Assert.NotEmpty(result.Steps);
        double before = TotalVariationFixture.Accurate(problem, start).Lower.UpperLoss;
        double after = TotalVariationFixture.Accurate(problem, result.Theta).Lower.UpperLoss;
        double certified = result.Steps.Sum(s => s.RequiredDecrease);
        Assert.True(after <= before - certified, $"{after} vs {before}");
        double psnrNoisy = DenoisingImages.PeakSignalToNoiseRatio(clean, noisy);
        double psnrDenoised = DenoisingImages.PeakSignalToNoiseRatio(clean, result.LowerSolution);
        output.WriteLine($"θ = ({result.Theta[0]:F3}, {result.Theta[1]:F3}) {result.Status}, PSNR {psnrNoisy:F2} → {psnrDenoised:F2} dB, {result.TotalInnerIterations} inner iterations");
        Assert.True(psnrDenoised > psnrNoisy + 1);
    }

    [Fact]
    public void DenoisingProblemsRejectBadInput()
    {
        var ops = HostVectorArithmetic.Instance;
        var images = HostImageOperators.Instance;
        var shape = new ImageShape(1, 4, 4);
        var good = new double[16];
        var bad = new double[16];
        bad[5] = double.NaN;
        Assert.Equal("noisy", Assert.Throws<ArgumentException>(() => new TotalVariationDenoisingProblem<double[]>(ops, images, shape, good, bad)).ParamName);
        Assert.Equal("clean", Assert.Throws<ArgumentException>(() => new TotalVariationDenoisingProblem<double[]>(ops, images, shape, new double[15], good)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentOutOfRangeException>(() => new TotalVariationDenoisingProblem<double[]>(ops, images, new ImageShape(1, 0, 4), good, good)).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => DenoisingImages.AddNoise(good, -1, 0)).ParamName);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => DenoisingImages.Crop(good, shape, 2, 2, 3, 3)).ParamName);
        Assert.Equal("filterSize", Assert.Throws<ArgumentException>(() => new FieldOfExpertsProblem<double[]>(ops, images, shape, good, good, 2, 5)).ParamName);
        Assert.Equal("filters", Assert.Throws<ArgumentOutOfRangeException>(() => new FieldOfExpertsProblem<double[]>(ops, images, shape, good, good, 0, 3)).ParamName);
        Assert.Equal("noisy", Assert.Throws<ArgumentException>(() => new FieldOfExpertsProblem<double[]>(ops, images, shape, good, bad, 2, 3)).ParamName);
    }
}
