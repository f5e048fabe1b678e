using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Optimization;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>The HOAG baseline's step rule and its options, checked against the ridge closed form.</summary>
public sealed class FixedScheduleTests(ITestOutputHelper output)
{
    private static readonly RidgeFixture Ridge = new();

    [Fact]
    public void TheParameterBoxKeepsTheRunOffThePlateau()
    {
        // From θ₀ = −4 HOAG's third step (1/L ≈ 24) lands at θ ≈ 43, where x̂ ≈ 0 and f′ ≈ 0: without a
        // box the run ends Converged there, above f(θ₀). hoag.py's box [−6, 6] prevents it.
        var free = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions()).Solve(Ridge.Problem, [-4.0]);
        var boxed = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { ParameterBound = 6 }).Solve(Ridge.Problem, [-4.0]);
        output.WriteLine($"free: {free.Status} θ = {free.Theta[0]}, f = {Ridge.Loss(free.Theta[0])}; boxed: {boxed.Status} θ = {boxed.Theta[0]}, f = {Ridge.Loss(boxed.Theta[0])}; "
            + $"f(θ₀) = {Ridge.Loss(-4.0)}, f* = {Ridge.Loss(Ridge.OptimalTheta())}");
        Assert.True(free.Theta[0] > 6, "the unboxed run was expected to leave the box");
        Assert.All(boxed.Steps, s => Assert.InRange(s.Theta[0], -6.0, 6.0));
        Assert.True(Ridge.Loss(boxed.Theta[0]) < Ridge.Loss(-4.0));
    }

    [Fact]
    public void ANegativeUpperLossDoesNotRefuseDescentSteps()
    {
        // HOAG's refusal test ĝ ≥ 1.2·g was written for positive losses; with g < 0 it refuses every
        // decrease smaller than 20 % of |g|. The same problem with its loss shifted by −10⁴ must
        // still make progress.
        const double shift = -1e4;
        var shifted = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { MaxIterations = 40, ParameterBound = 6 })
            .Solve(new ShiftedLoss(Ridge.Problem, shift), [-4.0]);
        var plain = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { MaxIterations = 40, ParameterBound = 6 })
            .Solve(Ridge.Problem, [-4.0]);
        double start = Ridge.Loss(-4.0), shiftedDecrease = start - Ridge.Loss(shifted.Theta[0]), plainDecrease = start - Ridge.Loss(plain.Theta[0]);
        output.WriteLine($"shifted: {shifted.Status}, {shifted.Steps.Count} steps, decrease {shiftedDecrease}; unshifted: {plain.Steps.Count} steps, decrease {plainDecrease}");
        Assert.NotEmpty(shifted.Steps);
        // The shift cancels in the sufficient-decrease test; only the 20 % refusal reads the level.
        Assert.True(shiftedDecrease >= 0.5 * plainDecrease && plainDecrease > 0, $"{shiftedDecrease} vs {plainDecrease}");
    }

    [Fact]
    public void BadBoundIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { ParameterBound = 0 }));
        Assert.Equal("options", error.ParamName);
        Assert.Contains("ParameterBound", error.Message);
    }

    /// <summary>The ridge problem with its upper loss shifted by a constant (same gradients, same constants).</summary>
    private sealed class ShiftedLoss(RidgeProblem inner, double shift) : ForwardingProblem(inner)
    {
        public override double UpperLoss(double[] x, double[] gradient) => inner.UpperLoss(x, gradient) + shift;
    }
}
