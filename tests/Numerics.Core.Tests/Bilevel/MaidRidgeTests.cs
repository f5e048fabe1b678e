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
        // A step is certified only when its decrease ≈ f′²/(2f″) beats the width of the loss bounds;
        // with the adjoint-corrected bounds that width is set by their rounding allowance at tight ε,
        // so MAID stops Stalled near |f′| ≈ 7e-7 here (it was 6e-6 with the first-order width
        // 2‖∇g‖ε). 1e-4 lies far above it.
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

    [Theory]
    [InlineData(Start)]
    [InlineData(0.0)]
    [InlineData(6.0)]
    public void DefaultRelativeToleranceConvergesAndProvesTheReduction(double start)
    {
        var result = Maid(new MaidOptions(), start);
        output.WriteLine($"θ₀ = {start}: {result.Status}, target {result.StationarityTarget:E2}, ‖z‖ + ω {result.Final.StationarityBound:E2}, |f′(θ₀)| {Math.Abs(Fixture.Hypergradient(start)):E2}, {result.Iterations} iterations");
        Assert.Equal(SolverStatus.Converged, result.Status);
        // The target is RelativeTolerance·G₀ with G₀ a certified lower bound on |f′(θ₀)|, within a factor 1.1/0.9 of it.
        double initial = Math.Abs(Fixture.Hypergradient(start));
        Assert.InRange(result.StationarityTarget, BilevelOptions.DefaultRelativeTolerance * initial * 0.9 / 1.1, BilevelOptions.DefaultRelativeTolerance * initial * (1 + BilevelTolerances.BoundRounding));
        Assert.True(result.Final.StationarityBound <= result.StationarityTarget);
        // Converged proves |f′(θ)| ≤ τ·|f′(θ₀)|; checked against the closed form.
        Assert.True(Math.Abs(Fixture.Hypergradient(result.Theta[0])) <= BilevelOptions.DefaultRelativeTolerance * initial);
    }

    [Fact]
    public void AnAbsoluteToleranceBelowTheCertifiableFloorStallsWithTheReachedBound()
    {
        // 1e-7 lies under what a certified step can reach here (≈ 7e-7, see ConvergesToTheExactOptimalLambda):
        // the run must end Stalled, not Converged, and the bound it reports must still hold.
        const double tolerance = 1e-7;
        var result = Maid(new MaidOptions { Tolerance = tolerance });
        Assert.Equal(SolverStatus.Stalled, result.Status);
        Assert.Equal(tolerance, result.StationarityTarget);
        Assert.True(result.Final.StationarityBound > tolerance);
        Assert.True(Math.Abs(Fixture.Hypergradient(result.Theta[0])) <= result.Final.StationarityBound * (1 + BilevelTolerances.BoundRounding));
        output.WriteLine($"reached ‖z‖ + ω = {result.Final.StationarityBound:E2}, |f′| = {Math.Abs(Fixture.Hypergradient(result.Theta[0])):E2}");
    }

    [Fact]
    public void OverflowingTrialStepsAreFailedTrialsNotExceptions()
    {
        // α₀ = double.MaxValue makes θ − α·z infinite once |z| > 1: a rejected trial, never an
        // ArgumentException from inside the solve. Validation data scaled by 100 scale f and z by 10⁴.
        const double scale = 100;
        var problem = new RidgeProblem(Fixture.X, Fixture.Y, Fixture.Xv * scale, Fixture.Yv * scale);
        Assert.True(scale * scale * Math.Abs(Fixture.Hypergradient(Start)) > 2, "the first trial must overflow");
        var maid = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { InitialStep = double.MaxValue, MaxIterations = 20 }).Solve(problem, [Start]);
        Assert.Equal(Start, maid.Theta[0]);
        Assert.Empty(maid.Steps);
        Assert.Equal(SolverStatus.Stalled, maid.Status);
        var fixedRun = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { InitialStep = double.MaxValue, MaxIterations = 40 })
            .Solve(problem, [Start]);
        Assert.True(double.IsFinite(fixedRun.Theta[0]));
        Assert.True(Fixture.Loss(fixedRun.Theta[0]) <= Fixture.Loss(Start));
    }

    [Fact]
    public void CancellationDuringASearchAtTheFloorIsReportedAsCancelled()
    {
        // Floor = first accuracy, so a failed search ends the run at once; the token fires inside the
        // first trial solve. Cancelled outranks the stall.
        // f′(θ₀) < 0 sends the 1e6 trial step to λ = e^θ = ∞: a rejected trial, so the search cannot
        // succeed and only the status rule decides between Stalled and Cancelled.
        Assert.True(Fixture.Hypergradient(Start) < 0);
        using var source = new CancellationTokenSource();
        var problem = new CancellingProblem(Fixture.Problem, Start, source);
        const double accuracy = 1e-3;
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions
        {
            InitialAccuracy = accuracy, InitialAdjointAccuracy = accuracy, MinAccuracy = accuracy, InitialStep = 1e6, CancellationToken = source.Token,
        }).Solve(problem, [Start]);
        Assert.True(problem.Fired, "the run reached a trial solve");
        Assert.Equal(SolverStatus.Cancelled, result.Status);
        Assert.Equal(Start, result.Theta[0]);
    }

    /// <summary>The ridge problem, cancelling a token the first time its constants are asked for away from θ₀ (a trial point).</summary>
    private sealed class CancellingProblem(RidgeProblem inner, double start, CancellationTokenSource source) : ForwardingProblem(inner)
    {
        public bool Fired { get; private set; }

        public override LowerLevelConstants Constants(ReadOnlySpan<double> theta, double[] x)
        {
            if (theta[0] != start && !Fired) { Fired = true; source.Cancel(); }
            return inner.Constants(theta, x);
        }
    }

    [Fact]
    public void AStepBelowTheResolutionOfThetaIsNeverAccepted()
    {
        // A validation target with a huge part outside range(Xv): g ≈ 5e13 with a small ∇g, so
        // near θ* the trial steps fall below ulp(θ) long before the loss brackets can separate.
        // Each accepted step must move θ; the run ends Stalled instead of logging empty steps.
        var rng = new Numerics.Random.CounterRng(99);
        var v = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(Fixture.Yv.Count, i => rng.Normal(i));
        var outside = v - Fixture.Xv * Fixture.Xv.QR().Solve(v);
        var problem = new RidgeProblem(Fixture.X, Fixture.Y, Fixture.Xv, Fixture.Yv + outside * (1e7 / outside.L2Norm()));
        double start = Fixture.OptimalTheta() + 0.01;
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = 60, Tolerance = 0 }).Solve(problem, [start]);
        double previous = start;
        foreach (var step in result.Steps)
        {
            Assert.NotEqual(previous, step.Theta[0]);
            previous = step.Theta[0];
        }
        Assert.Equal(SolverStatus.Stalled, result.Status);
    }

    [Fact]
    public void AStepThatRoundsToThetaEndsStalledWithoutTighteningTheAccuracy()
    {
        // θ − α₀z == θ for α₀ = 1e-300: no trial can move θ and no accuracy changes that, so the
        // first search ends the run rather than driving ε to the floor one failed search at a time.
        var result = Maid(new MaidOptions { InitialStep = 1e-300, QuasiNewtonMemory = 0 });
        Assert.Equal(SolverStatus.Stalled, result.Status);
        Assert.Empty(result.Steps);
        Assert.Equal(Start, result.Theta[0]);
        Assert.Equal(0, result.BacktrackFailures);
        Assert.True(result.Epsilon > new MaidOptions().MinAccuracy, $"ε = {result.Epsilon}");
    }

    /// <summary>
    /// With the default λ = 1e-8 the Armijo amounts (down to 1e-12 here) are near the rounding of
    /// f ≈ 20 itself, so the exact decrease is checked at λ = 0.1 (η = 0.5) too, where each one is
    /// far above the slack and a search that ignored the Armijo term would fail the test.
    /// </summary>
    [Theory]
    [InlineData(1e-8, 1e-4)]
    [InlineData(0.1, 0.5)]
    public void EveryAcceptedStepDecreasesTheExactLossByTheArmijoAmount(double armijo, double descentMargin)
    {
        foreach (double start in new[] { -4.0, 6.0 })
        {
            var result = Maid(new MaidOptions { MaxIterations = 40, ArmijoConstant = armijo, DescentMargin = descentMargin }, start);
            int testable = 0;
            Assert.NotEmpty(result.Steps);
            double previous = Fixture.Loss(start);
            double previousTheta = start;
            foreach (var step in result.Steps)
            {
                double loss = Fixture.Loss(step.Theta[0]);
                Assert.True(step.UpperLossUpperBound >= loss * (1 - BilevelTolerances.ExactLossRounding), "U must bound f at the new point");
                Assert.True(step.ReferenceLowerBound <= Fixture.Loss(previousTheta) * (1 + BilevelTolerances.ExactLossRounding), "Lo must bound f at the old point");
                // The log must carry the bounds the acceptance was decided on.
                Assert.True(step.UpperLossUpperBound <= step.ReferenceLowerBound - step.RequiredDecrease);
                // The exact decrease, with a slack far below the Armijo amount it checks.
                if (step.RequiredDecrease > 100 * BilevelTolerances.ExactLossRounding * previous) testable++;
                Assert.True(loss <= previous - step.RequiredDecrease + BilevelTolerances.ExactLossRounding * previous, $"step {step.Iteration}: {loss} vs {previous}");
                Assert.NotEqual(previousTheta, step.Theta[0]);
                previous = loss;
                previousTheta = step.Theta[0];
            }
            Assert.Equal(result.Theta[0], result.Steps[^1].Theta[0]);
            // Near the optimum the decreases shrink towards the slack; most steps must still test it.
            if (armijo >= 0.1) Assert.True(2 * testable >= result.Steps.Count, $"only {testable} of {result.Steps.Count} Armijo amounts exceed 100× the slack");
        }
    }

    [Fact]
    public void RunsFromDifferentInitialAccuraciesEndAtSimilarAccuracy()
    {
        // ε is driven by the descent test ω ≤ (1 − η)‖z‖, so it tracks ‖z‖: compared relative to
        // ‖z‖, after 20 iterations (before any run reaches the certifiable floor, where failed
        // searches push ε to MinAccuracy). The runs' ‖z‖ differ, since each took its own path; with
        // the first-order loss bounds ε was also capped by the searches and the absolute ε merged.
        var runs = new[] { 1e-1, 1e-3, 1e-5 }.Select(e =>
            Maid(new MaidOptions { InitialAccuracy = e, InitialAdjointAccuracy = e, MaxIterations = 20, Tolerance = 0 })).ToArray();
        double[] finals = [.. runs.Select(r => r.Epsilon / r.Final.Norm)];
        output.WriteLine($"final ε: {string.Join(", ", runs.Select(r => r.Epsilon))}; ε/‖z‖: {string.Join(", ", finals)}");
        Assert.All(runs, r => Assert.Equal(SolverStatus.MaxIterations, r.Status));
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
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new MaidSolver<double[]>(ops, new MaidOptions { RelativeTolerance = 1 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new FixedScheduleSolver<double[]>(ops, new FixedScheduleOptions { RelativeTolerance = double.NaN })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new FixedScheduleSolver<double[]>(ops, new FixedScheduleOptions { GeometricFactor = 1.5 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => new FixedScheduleSolver<double[]>(ops, new FixedScheduleOptions { Schedule = (AccuracySchedule)9 })).ParamName);
        var solver = new MaidSolver<double[]>(ops);
        Assert.Equal("theta0", Assert.Throws<ArgumentException>(() => solver.Solve(Fixture.Problem, [double.PositiveInfinity])).ParamName);
        Assert.Equal("theta0", Assert.Throws<ArgumentException>(() => solver.Solve(Fixture.Problem, [])).ParamName);
    }
}
