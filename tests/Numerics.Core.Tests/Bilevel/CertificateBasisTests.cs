using Numerics.Arithmetic;
using Numerics.Bilevel;
using Numerics.Optimization;

namespace Numerics.Core.Tests.Bilevel;

/// <summary>
/// What a result's certificate rests on: the library's problems give <see cref="CertificateBasis.Proven"/>;
/// a user's problem that declares its constants certified gives <see cref="CertificateBasis.Asserted"/>,
/// even when they are wrong and the run still ends Converged; one that declares them estimates gives
/// <see cref="CertificateBasis.Estimated"/>.
/// </summary>
public sealed class CertificateBasisTests
{
    private static readonly RidgeFixture Fixture = new();
    private const double Start = -4.0;

    private static BilevelResult<double[]> Maid(IBilevelProblem<double[]> problem) =>
        new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { MaxIterations = 200 }).Solve(problem, [Start]);

    [Fact]
    public void TheLibrarysProblemsAreProven()
    {
        var result = Maid(Fixture.Problem);
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(CertificateBasis.Proven, result.Certificate);
        Assert.True(result.ProvenCertificate);
        Assert.True(result.Certified);
        var baseline = new FixedScheduleSolver<double[]>(HostVectorArithmetic.Instance, new FixedScheduleOptions { MaxIterations = 5 }).Solve(Fixture.Problem, [Start]);
        Assert.Equal(CertificateBasis.Proven, baseline.Certificate);
    }

    [Fact]
    public void AUsersProblemWithTheSameConstantsIsAsserted()
    {
        var result = Maid(new UserProblem(Fixture.Problem, muFactor: 1.0, certified: true));
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(CertificateBasis.Asserted, result.Certificate);
        Assert.False(result.ProvenCertificate);
        Assert.True(result.Certified);
    }

    [Fact]
    public void WrongUserConstantsCanEndConvergedButTheResultSaysTheyWereOnlyAsserted()
    {
        // μ claimed 1000× too large: every accuracy ε = ‖∇h‖/μ is 1000× too small, so the bounds
        // are not bounds; the run still ends Converged, and only the certificate field says why not to trust it.
        var problem = new UserProblem(Fixture.Problem, muFactor: 1000.0, certified: true);
        // Steepest descent: with the invalid bounds, "certified" steps go uphill (to λ = e^192 and back),
        // and the quasi-Newton direction built on them ends at λ ≈ e^427, where the constants overflow
        // (Breakdown). Either way nothing but the certificate field warns the user.
        var result = new MaidSolver<double[]>(HostVectorArithmetic.Instance, new MaidOptions { QuasiNewtonMemory = 0 }).Solve(problem, [Start]);
        Assert.Equal(SolverStatus.Converged, result.Status);
        Assert.Equal(CertificateBasis.Asserted, result.Certificate);
        // The claimed accuracy of some lower-level solve is violated against the closed form: one
        // FISTA solve at the claimed ε, far from where the warm start could hide it.
        using var oracle = new HypergradientOracle<double[]>(HostVectorArithmetic.Instance, problem, [Start]);
        var solution = oracle.SolveLower([Start], 1e-3);
        var exact = Fixture.Solution(Start);
        double error = 0;
        for (int i = 0; i < exact.Count; i++) error += Math.Pow(oracle.LowerSolution[i] - exact[i], 2);
        Assert.True(Math.Sqrt(error) > solution.Accuracy, $"‖x̃ − x̂‖ = {Math.Sqrt(error)} should exceed the claimed ε = {solution.Accuracy}");
    }

    [Fact]
    public void EstimatedConstantsAreReportedAsEstimated()
    {
        var result = Maid(new UserProblem(Fixture.Problem, muFactor: 1.0, certified: false));
        Assert.Equal(CertificateBasis.Estimated, result.Certificate);
        Assert.False(result.Certified);
        Assert.False(result.ProvenCertificate);
    }

    /// <summary>The ridge problem seen as a user's problem, with μ scaled and the certification claim given.</summary>
    private sealed class UserProblem(RidgeProblem inner, double muFactor, bool certified) : ForwardingProblem(inner)
    {
        public override bool ConstantsCertified => certified;

        public override LowerLevelConstants Constants(ReadOnlySpan<double> theta, double[] x)
        {
            var c = inner.Constants(theta, x);
            // Keep μ ≤ L so that the constants stay usable.
            double mu = c.StrongConvexity * muFactor;
            return c with { StrongConvexity = mu, Smoothness = Math.Max(c.Smoothness, mu) };
        }
    }
}
