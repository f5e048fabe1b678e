using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Optimization;
using Numerics.Testing;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>MAID and the fixed-schedule baseline on ridge regression, checked against the closed form.</summary>
public sealed class MaidRidgeTests(ITestOutputHelper output)
{
    private static readonly RidgeFixture Fixture = new();
    private static readonly double OptimalTheta = Fixture.OptimalTheta();

    /// <summary>θ₀ far from θ* (λ = e⁻⁴ against λ* ≈ e^θ*), so that the runs have work to do.</summary>
    private const double Start = -4.0;

    private static BilevelResult<double[]> Maid(MaidOptions? options = null, double start = Start) =>
        new MaidSolver<double[]>(HostVectorArithmetic.Instance, options).Solve(Fixture.Problem, [start]);

    [Fact]
    public void ConvergesToTheExactOptimalLambda()
    {
        // A step is certified only when its decrease ≈ f′²/(2f″) beats the loss bounds' width
        // 2‖∇g‖ε; at the default accuracy floor ε = 1e-12 (‖∇g‖ ≈ 50, f″ ≈ 2.2 here) that is
        // |f′| ≳ √(4f″‖∇g‖ε) ≈ 2e-5, where MAID stops Stalled (measured: 6e-6). 1e-4 lies above it.
        const double tolerance = 1e-4;
        var result = Maid(new MaidOptions { Tolerance = tolerance });
        Assert.Equal(SolverStatus.Converged, result.Status);
        double theta = result.Theta[0];
        // The certificate ‖z‖ + ω ≥ |f′(θ)| must hold for the closed form.
        Assert.True(Math.Abs(Fixture.Hypergradient(theta)) <= tolerance);
        // |θ − θ*| ≤ |f′(θ)|/f″ to first order; f″ by central differences of the closed-form f′.
        double h = BilevelTolerances.DifferenceStep;
        double curvature = (Fixture.Hypergradient(OptimalTheta + h) - Fixture.Hypergradient(OptimalTheta - h)) / (2 * h);
        Assert.True(Math.Abs(theta - OptimalTheta) <= Tolerances.NewtonRegionFactor * tolerance / curvature, $"θ {theta} vs θ* {OptimalTheta}");
        output.WriteLine($"θ* = {OptimalTheta}, θ = {theta}, {result.Iterations} iterations, {result.TotalInnerIterations} inner iterations");
    }

    [Fact]
    public void EveryAcceptedStepDecreasesTheExactLossByTheArmijoAmount()
    {
        foreach (double start in new[] { -4.0, 6.0 })
        {
            var result = Maid(new MaidOptions { MaxIterations = 40 }, start);
            Assert.NotEmpty(result.Steps);
            double previous = Fixture.Loss(start);
            double previousTheta = start;
            foreach (var step in result.Steps)
            {
                double loss = Fixture.Loss(step.Theta[0]);
                Assert.True(step.UpperLossUpperBound >= loss * (1 - BilevelTolerances.BoundRounding), "U must bound f at the new point");
                Assert.True(step.ReferenceLowerBound <= Fixture.Loss(previousTheta) * (1 + BilevelTolerances.BoundRounding), "Lo must bound f at the old point");
                Assert.True(step.UpperLossUpperBound <= step.ReferenceLowerBound - step.RequiredDecrease);
                Assert.True(loss <= previous - step.RequiredDecrease + BilevelTolerances.BoundRounding * previous, $"step {step.Iteration}: {loss} vs {previous}");
                Assert.True(step.RequiredDecrease > 0);
                previous = loss;
                previousTheta = step.Theta[0];
            }
            Assert.Equal(result.Theta[0], result.Steps[^1].Theta[0]);
        }
    }

    [Fact]
    public void RunsFromDifferentInitialAccuraciesEndAtSimilarAccuracy()
    {
        double[] finals = [.. new[] { 1e-1, 1e-3, 1e-5 }.Select(e =>
            Maid(new MaidOptions { InitialAccuracy = e, InitialAdjointAccuracy = e, MaxIterations = 25, Tolerance = 0 }).Epsilon)];
        output.WriteLine($"final ε: {string.Join(", ", finals)}");
        Assert.True(finals.Max() / finals.Min() <= 10, "within one decade");
    }

    [Fact]
    public void LooseInitialAccuracyIsTightenedNotDiverging()
    {
        var result = Maid(new MaidOptions { InitialAccuracy = 1e2, InitialAdjointAccuracy = 1e2, MaxIterations = 30 });
        Assert.True(result.DescentRefinements > 0);
        Assert.True(result.Epsilon < 1e2);
        Assert.True(Fixture.Loss(result.Theta[0]) < Fixture.Loss(Start));
    }

    [Fact]
    public void FixedLooseAccuracyStallsWhileMaidKeepsImproving()
    {
        const int iterations = 60;
        double best = Fixture.Loss(OptimalTheta);
        var maid = Maid(new MaidOptions { MaxIterations = iterations, Tolerance = 0 });
        var fixedRun = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance,
            new FixedScheduleOptions { Schedule = AccuracySchedule.Constant, InitialAccuracy = 0.1, InitialAdjointAccuracy = 0.1, MaxIterations = iterations, Tolerance = 0 })
            .Solve(Fixture.Problem, [Start]);
        double maidGap = Fixture.Loss(maid.Theta[0]) - best, fixedGap = Fixture.Loss(fixedRun.Theta[0]) - best;
        output.WriteLine($"gap after {iterations} iterations: MAID {maidGap:E2} ({maid.Status}), fixed ε = 0.1 {fixedGap:E2} ({fixedRun.Status})");
        Assert.True(fixedGap > 100 * maidGap, $"fixed {fixedGap} vs MAID {maidGap}");
        // The fixed run's late iterations no longer lower the exact loss.
        var late = fixedRun.Steps.Where(s => s.Iteration > iterations / 2).Select(s => Fixture.Loss(s.Theta[0]) - best).DefaultIfEmpty(fixedGap);
        Assert.True(late.Min() > 100 * maidGap);
    }

    [Fact]
    public void GeometricScheduleBaselineReachesTheOptimumToo()
    {
        var result = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { Tolerance = 1e-6 })
            .Solve(Fixture.Problem, [Start]);
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.True(Math.Abs(Fixture.Hypergradient(result.Theta[0])) <= 1e-6);
    }

    [Fact]
    public void ProgressCancellationAndDeterminism()
    {
        var records = new SynchronousProgress<IterationProgress>(_ => { });
        var first = Maid(new MaidOptions { MaxIterations = 15, Progress = records });
        var second = Maid(new MaidOptions { MaxIterations = 15 });
        Assert.Equal(first.Iterations, records.Records.Count);
        Assert.Equal(BitConverter.DoubleToInt64Bits(first.Theta[0]), BitConverter.DoubleToInt64Bits(second.Theta[0]));
        Assert.Equal(first.TotalInnerIterations, second.TotalInnerIterations);

        using var source = new CancellationTokenSource();
        source.Cancel();
        var cancelled = Maid(new MaidOptions { CancellationToken = source.Token });
        Assert.Equal(SolverStatus.Cancelled, cancelled.Status);
        Assert.Equal(Start, cancelled.Theta[0]);
    }

    [Fact]
    public void InnerBudgetAndIterationLimitAreStatuses()
    {
        Assert.Equal(SolverStatus.MaxIterations, Maid(new MaidOptions { MaxInnerIterations = 5 }).Status);
        var limited = Maid(new MaidOptions { MaxIterations = 2 });
        Assert.Equal(SolverStatus.MaxIterations, limited.Status);
        Assert.Equal(2, limited.Iterations);
    }

    [Fact]
    public void StationaryStartConvergesAtOnce()
    {
        var zeros = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(Fixture.X.RowCount);
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance).Solve(new RidgeProblem(Fixture.X, zeros, Fixture.Xv, zeros), [0.0]);
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(0, result.Iterations);
    }

    [Fact]
    public void BadOptionsAndStartsAreRejected()
    {
        var ops = HostVectorArithmetic.Instance;
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new MaidSolver<double[]>(ops, new MaidOptions { StepShrink = 1 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new MaidSolver<double[]>(ops, new MaidOptions { ArmijoConstant = 1e-3 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new MaidSolver<double[]>(ops, new MaidOptions { InitialAccuracy = double.NaN })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new MaidSolver<double[]>(ops, new MaidOptions { AccuracyGrowth = 0.5 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new FixedScheduleSolver<double[]>(ops, new FixedScheduleOptions { GeometricFactor = 1.5 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new FixedScheduleSolver<double[]>(ops, new FixedScheduleOptions { Schedule = (AccuracySchedule)9 })).ParamName);
        var solver = new MaidSolver<double[]>(ops);
        Assert.Equal("theta0", Assert.Throws<ArgumentException>(() => solver.Solve(Fixture.Problem, [double.PositiveInfinity])).ParamName);
        Assert.Equal("theta0", Assert.Throws<ArgumentException>(() => solver.Solve(Fixture.Problem, [])).ParamName);
    }
}
