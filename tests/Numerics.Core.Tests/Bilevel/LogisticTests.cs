using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.IO;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>Multinomial logistic regression with one weight per feature: derivatives, constants, hypergradient and MAID on real digits.</summary>
public sealed class LogisticTests(ITestOutputHelper output)
{
    /// <summary>The lower-level accuracy of the reference losses on digits.</summary>
    private const double Accuracy = 1e-9;


    /// <summary>A random problem: m samples of p Gaussian features, labels from a random linear model.</summary>
    private static MultinomialLogisticProblem Random(int m, int p, int classes, ulong seed)
    {
        var a = Matrix<double>.Build.Dense(m, p, NormalVectors.Draw(m * p, seed));
        var av = Matrix<double>.Build.Dense(m, p, NormalVectors.Draw(m * p, seed + 1));
        var w = Matrix<double>.Build.Dense(p, classes, NormalVectors.Draw(p * classes, seed + 2));
        int[] Labels(Matrix<double> x) => [.. (x * w).EnumerateRows().Select(r => r.MaximumIndex())];
        return new MultinomialLogisticProblem(a, Labels(a), av, Labels(av), classes);
    }

    private static (Matrix<double> Features, int[] Labels) Digits(int from, int count)
    {
        var images = Npy.Read(TotalVariationFixture.DataPath("digits_images.npy")).ToDoubleArray();
        var labels = Npy.Read(TotalVariationFixture.DataPath("digits_labels.npy")).ToDoubleArray();
        var features = Matrix<double>.Build.Dense(count, 64, (i, j) => images[(from + i) * 64 + j] / 16.0);
        return (features, [.. labels.Skip(from).Take(count).Select(l => (int)l)]);
    }

    [Fact]
    public void LowerDerivativesMatchFiniteDifferences()
    {
        var problem = Random(30, 5, 3, 1);
        DerivativeCheck.Assert(problem, NormalVectors.Draw(5, 9, 0.5), NormalVectors.Draw(problem.LowerDimension, 3), NormalVectors.Draw(problem.LowerDimension, 4));
    }

    [Fact]
    public void ConstantsBoundTheCurvatureAndItsVariation()
    {
        var problem = Random(40, 4, 3, 5);
        int n = problem.LowerDimension;
        for (ulong seed = 0; seed < 8; seed++)
            ConstantsCheck.Assert(problem, [-2.0, -1.0, 0.0, 1.0], NormalVectors.Draw(n, 10 + seed), NormalVectors.Draw(n, 30 + seed), NormalVectors.Draw(n, 50 + seed));
    }

    [Fact]
    public void HypergradientMatchesFiniteDifferencesAndTheBoundHolds()
    {
        var problem = Random(40, 4, 3, 7);
        double[] theta = [-1.0, -0.5, 0.0, -2.0];
        var accurate = TotalVariationFixture.Accurate(problem, theta);
        for (int j = 0; j < theta.Length; j++)
        {
            double h = BilevelTolerances.DifferenceStep;
            double[] tp = [.. theta], tm = [.. theta];
            tp[j] += h;
            tm[j] -= h;
            double d = (TotalVariationFixture.Accurate(problem, tp).Lower.UpperLoss - TotalVariationFixture.Accurate(problem, tm).Lower.UpperLoss) / (2 * h);
            Assert.True(Math.Abs(d - accurate.Hypergradient[j]) <= BilevelTolerances.FiniteDifference * accurate.Norm, $"θ{j}: {d} vs {accurate.Hypergradient[j]}");
        }
        foreach (double accuracy in new[] { 1e-1, 1e-3, 1e-5 })
        {
            using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, theta);
            var estimate = oracle.Estimate(theta, accuracy, accuracy);
            Assert.True(DerivativeCheck.Distance(estimate.Hypergradient, accurate.Hypergradient) <= estimate.ErrorBound + accurate.ErrorBound);
        }
    }

    [Fact]
    public void MaidLowersTheValidationLossOnDigitsByTheCertifiedAmount()
    {
        var (a, y) = Digits(0, 100);
        var (av, yv) = Digits(100, 100);
        var problem = new MultinomialLogisticProblem(a, y, av, yv, 10);
        var start = Enumerable.Repeat(-3.0, 64).ToArray();
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = 5 }).Solve(problem, start);
        Assert.NotEmpty(result.Steps);
        // f to within ‖∇g‖·1e-9 ≈ 1e-10, far below the certified decrease; 1e-12 lies under this problem's rounding floor of ∇h.
        double before = TotalVariationFixture.Accurate(problem, start, Accuracy).Lower.UpperLoss;
        double after = TotalVariationFixture.Accurate(problem, result.Theta, Accuracy).Lower.UpperLoss;
        output.WriteLine($"validation cross-entropy {before:F5} → {after:F5}, {result.Steps.Count} steps, {result.TotalInnerIterations} inner iterations, {result.Status}");
        Assert.True(after <= before - result.Steps.Sum(s => s.RequiredDecrease));
    }

    [Fact]
    public void BadInputIsRejected()
    {
        var a = Matrix<double>.Build.Dense(3, 2, 1.0);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => new MultinomialLogisticProblem(a, [0, 1, 3], a, [0, 1, 2], 3)).ParamName);
        Assert.Equal("validationLabels", Assert.Throws<ArgumentException>(() => new MultinomialLogisticProblem(a, [0, 1, 2], a, [0, 1], 3)).ParamName);
        Assert.Equal("classes", Assert.Throws<ArgumentOutOfRangeException>(() => new MultinomialLogisticProblem(a, [0, 0, 0], a, [0, 0, 0], 1)).ParamName);
        var nan = a.Clone();
        nan[1, 1] = double.NaN;
        Assert.Equal("features", Assert.Throws<ArgumentException>(() => new MultinomialLogisticProblem(nan, [0, 1, 2], a, [0, 1, 2], 3)).ParamName);
        Assert.Equal("validationFeatures", Assert.Throws<ArgumentException>(() => new MultinomialLogisticProblem(a, [0, 1, 2], Matrix<double>.Build.Dense(3, 3), [0, 1, 2], 3)).ParamName);
    }
}
