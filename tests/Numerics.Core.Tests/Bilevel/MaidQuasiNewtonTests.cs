using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Optimization;
using Numerics.Testing;
using Xunit.Abstractions;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>
/// MAID with the quasi-Newton search direction (<see cref="MaidOptions.QuasiNewtonMemory"/>): the
/// certified decrease and the stationarity certificate must hold exactly as for steepest descent,
/// checked against the ridge closed form and against accurately solved TV losses.
/// </summary>
public sealed class MaidQuasiNewtonTests(ITestOutputHelper output)
{
    private static readonly RidgeFixture Ridge = new();

    [Fact]
    public void RidgeConvergesToTheExactOptimalLambdaWithCertifiedSteps()
    {
        const double tolerance = 1e-4;
        double optimal = Ridge.OptimalTheta();
        foreach (double start in new[] { -4.0, 6.0 })
        {
            var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { Tolerance = tolerance, QuasiNewtonMemory = 3 }).Solve(Ridge.Problem, [start]);
            output.WriteLine($"θ₀ = {start}: {result.Status}, θ = {result.Theta[0]} (θ* = {optimal}), {result.Iterations} iterations, "
                + $"{result.Steps.Count(s => s.QuasiNewton)} of {result.Steps.Count} steps quasi-Newton, {result.TotalInnerIterations} inner");
            Assert.Equal(SolverStatus.Converged, result.Status);
            Assert.True(Math.Abs(Ridge.Hypergradient(result.Theta[0])) <= tolerance);
            // In one dimension the secant direction is a rescaled gradient; it must still be used.
            Assert.Contains(result.Steps, s => s.QuasiNewton);
            AssertCertifiedDecreases(result, start);
        }
    }

    private static void AssertCertifiedDecreases(BilevelResult<double[]> result, double start)
    {
        double previous = Ridge.Loss(start), previousTheta = start;
        foreach (var step in result.Steps)
        {
            double loss = Ridge.Loss(step.Theta[0]);
            Assert.True(step.UpperLossUpperBound >= loss * (1 - BilevelTolerances.BoundRounding), "U must bound f at the new point");
            Assert.True(step.ReferenceLowerBound <= Ridge.Loss(previousTheta) * (1 + BilevelTolerances.BoundRounding), "Lo must bound f at the old point");
            Assert.True(step.RequiredDecrease > 0);
            Assert.True(loss <= previous - step.RequiredDecrease + BilevelTolerances.BoundRounding * previous, $"step {step.Iteration}: {loss} vs {previous}");
            previous = loss;
            previousTheta = step.Theta[0];
        }
    }

    [Fact]
    public void TotalVariationConvergesWithCertifiedStepsAndAProvenStationarity()
    {
        using var problem = TotalVariationFixture.Problem(20, "camera_crop.npy", "astronaut_crop.npy");
        double[] start = [-5.0, -5.0];
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = 200, QuasiNewtonMemory = 5 }).Solve(problem, start);
        int quasi = result.Steps.Count(s => s.QuasiNewton);
        output.WriteLine($"{result.Status}: θ = ({result.Theta[0]:F4}, {result.Theta[1]:F4}), {result.Iterations} iterations, {quasi} of {result.Steps.Count} steps quasi-Newton, {result.TotalInnerIterations} inner");
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.True(quasi > 0, "no quasi-Newton step was taken");
        // Every accepted step: the exact loss falls by at least the certified amount.
        double previous = TotalVariationFixture.Accurate(problem, start).Lower.UpperLoss;
        foreach (var step in result.Steps)
        {
            double loss = TotalVariationFixture.Accurate(problem, step.Theta).Lower.UpperLoss;
            Assert.True(step.UpperLossUpperBound >= loss * (1 - BilevelTolerances.BoundRounding), $"step {step.Iteration}: U {step.UpperLossUpperBound} below f {loss}");
            Assert.True(loss <= previous - step.RequiredDecrease + BilevelTolerances.BoundRounding * previous, $"step {step.Iteration}: {loss} vs {previous}");
            previous = loss;
        }
        // Converged proves ‖∇f(θ)‖ ≤ target: check it on the accurately computed hypergradient.
        var exact = TotalVariationFixture.Accurate(problem, result.Theta);
        Assert.True(exact.Norm + exact.ErrorBound <= result.StationarityTarget, $"‖∇f‖ ≤ {exact.Norm + exact.ErrorBound} vs target {result.StationarityTarget}");
    }

    [Fact]
    public void ZeroMemoryIsSteepestDescent()
    {
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { QuasiNewtonMemory = 0, MaxIterations = 30 }).Solve(Ridge.Problem, [-4.0]);
        Assert.NotEmpty(result.Steps);
        Assert.DoesNotContain(result.Steps, s => s.QuasiNewton);
        AssertCertifiedDecreases(result, -4.0);
    }

    [Fact]
    public void NegativeMemoryIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { QuasiNewtonMemory = -1 }));
        Assert.Equal("options", error.ParamName);
        Assert.Contains("QuasiNewtonMemory", error.Message);
    }
}
