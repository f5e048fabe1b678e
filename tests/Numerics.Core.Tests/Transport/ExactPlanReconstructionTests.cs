using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Transport;
using static Numerics.Core.Tests.Transport.TransportBaselineTolerances;
using static Numerics.Core.Tests.Transport.TransportTestProblems;

namespace Numerics.Core.Tests.Transport;

public class ExactPlanReconstructionTests
{
    [Theory]
    [InlineData(40, 30, 1, 0.0)]
    [InlineData(25, 60, 2, 0.37)]
    [InlineData(50, 50, 3, -12.5)]
    public void ReproducesTheExactPlanFromItsRowPotentials(int m, int n, int seed, double shift)
    {
        // Continuous random costs have a unique optimum (almost surely); shifting α by a constant
        // shifts β the other way and changes neither the support nor the plan.
        var (a, b, cost) = Problem(m, n, seed);
        var exact = ExactTransport.Solve(a, b, cost, m, n);
        var alpha = Array.ConvertAll(exact.U, u => u + shift);
        var r = ExactPlanReconstruction.Reconstruct(alpha, a, b, cost, m, n);
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.Equal(exact.Cost, r.Cost, CostAgreement);
        Assert.Equal(exact.Plan.RowIndices, r.Plan.RowIndices);
        Assert.Equal(exact.Plan.ColumnIndices, r.Plan.ColumnIndices);
        for (int k = 0; k < r.Plan.Count; k++) Assert.Equal(exact.Plan.Values[k], r.Plan.Values[k], CostAgreement);
        // (α, β) is dual feasible by construction and tight here: zero duality gap.
        Assert.Equal(exact.Cost, r.DualObjective, CostAgreement);
        Assert.True(r.SupportSize >= r.Plan.Count);
    }

    [Fact]
    public void MatchesTheExactCostOnTheOneDimensionalProblem()
    {
        // The official notebook's 1-D setting: n = 32 bins, Gaussian histograms, squared distances scaled by their maximum.
        int n = 32;
        var x = Enumerable.Range(0, n).Select(i => (double)i).ToArray();
        var a = Gaussian(x, 10, 4);
        var b = Gaussian(x, 16, 5);
        var cost = SquaredDistances(x, x);
        double max = cost.Max();
        cost = Array.ConvertAll(cost, c => c / max);
        var exact = ExactTransport.Solve(a, b, cost, n, n);
        var r = ExactPlanReconstruction.Reconstruct(exact.U, a, b, cost, n, n);
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.Equal(exact.Cost, r.Cost, CostAgreement);
        Assert.True(r.Cost - r.DualObjective <= CostAgreement);
    }

    [Fact]
    public void ToleratesPotentialsPerturbedBelowTheSupportTolerance()
    {
        var (a, b, cost) = Problem(30, 35, 4);
        var exact = ExactTransport.Solve(a, b, cost, 30, 35);
        var noise = TestData.Random(30, 5, PlanReconstructionOptions.DefaultSupportTolerance / 10);
        var alpha = exact.U.Zip(noise, (u, e) => u + e).ToArray();
        var r = ExactPlanReconstruction.Reconstruct(alpha, a, b, cost, 30, 35);
        Assert.Equal(SolverStatus.Converged, r.Status);
        // The support still contains the optimal plan, and the solve on it picks the cheapest plan there.
        Assert.Equal(exact.Cost, r.Cost, CostAgreement);
        // The dual bound loses at most ‖α − u‖∞ per unit of mass on each side.
        Assert.InRange(r.DualObjective, exact.Cost - 2 * PlanReconstructionOptions.DefaultSupportTolerance, exact.Cost + CostAgreement);
    }

    [Theory]
    [InlineData(6, 17, TransportFormulation.SemiDual)]
    [InlineData(7, 18, TransportFormulation.SemiDual)]
    [InlineData(6, 19, TransportFormulation.Dual)]
    public void RebuildsTheExactOptimumFromTheSparseSolversPotentials(int n, int seed, TransportFormulation formulation)
    {
        // Potentials from the k = 1 L-BFGS solve, not from the exact solver: the reconstruction must
        // recover the exact optimum, whose cost ExactTransport computes independently.
        var w = Uniform(n);
        var cost = Cost(n, n, seed);
        var c = Matrix<double>.Build.Dense(n, n, cost);
        var vw = Vector<double>.Build.Dense(w);
        var tolerance = formulation == TransportFormulation.Dual ? 1e-8 : SparseTransportOptions.DefaultTolerance;
        var solved = SparseTransport.Solve(c, vw, vw, 1, new SparseTransportOptions { Formulation = formulation, Tolerance = tolerance });
        var exact = ExactTransport.Solve(w, w, cost, n, n);
        var r = ExactPlanReconstruction.Reconstruct(solved.Alpha.ToArray(), w, w, cost, n, n);
        Assert.Equal(SolverStatus.Converged, r.Status);
        Assert.Equal(exact.Cost, r.Cost, CostAgreement);
        // (α, β = c-transform of α) is dual feasible, so its value bounds the exact cost from below.
        Assert.True(r.DualObjective <= exact.Cost + CostAgreement);
        Assert.True(r.RowMarginalViolation <= ExactTransportOptions.DefaultTolerance && r.ColumnMarginalViolation <= ExactTransportOptions.DefaultTolerance);
    }

    [Fact]
    public void ReportsASupportThatCannotCarryTheMarginals()
    {
        // α = 0 puts each column's mass on its cheapest row only: the rows' masses cannot be met.
        var (a, b, cost) = Problem(20, 20, 6);
        var r = ExactPlanReconstruction.Reconstruct(new double[20], a, b, cost, 20, 20, new PlanReconstructionOptions { SupportTolerance = 0 });
        Assert.Equal(SolverStatus.Stalled, r.Status);
        Assert.True(r.RowMarginalViolation > ExactTransportOptions.DefaultTolerance);
        // β is the c-transform: βⱼ = minᵢ cᵢⱼ.
        for (int j = 0; j < 20; j++) Assert.Equal(cost.Skip(j * 20).Take(20).Min(), r.Beta[j]);
        // Every stored entry lies on the support.
        for (int k = 0; k < r.Plan.Count; k++) Assert.Equal(r.Beta[r.Plan.ColumnIndices[k]], cost[r.Plan.RowIndices[k] + r.Plan.ColumnIndices[k] * 20]);
    }

    [Fact]
    public void AcceptsAMathNetMatrixAndRejectsBadInput()
    {
        var (a, b, cost) = Problem(4, 5, 7);
        var exact = ExactTransport.Solve(a, b, cost, 4, 5);
        var fromMatrix = ExactPlanReconstruction.Reconstruct(exact.U, a, b, Matrix<double>.Build.Dense(4, 5, cost));
        Assert.Equal(exact.Cost, fromMatrix.Cost, CostAgreement);

        Assert.Equal("alpha", Assert.ThrowsAny<ArgumentException>(() => ExactPlanReconstruction.Reconstruct(new double[3], a, b, cost, 4, 5)).ParamName);
        Assert.Equal("alpha", Assert.ThrowsAny<ArgumentException>(() =>
            ExactPlanReconstruction.Reconstruct([0, double.NaN, 0, 0], a, b, cost, 4, 5)).ParamName);
        Assert.Equal("b", Assert.ThrowsAny<ArgumentException>(() => ExactPlanReconstruction.Reconstruct(new double[4], a, new double[5], cost, 4, 5)).ParamName);
        Assert.Equal("options", Assert.ThrowsAny<ArgumentException>(() =>
            ExactPlanReconstruction.Reconstruct(new double[4], a, b, cost, 4, 5, new PlanReconstructionOptions { SupportTolerance = -1 })).ParamName);
        Assert.Throws<ArgumentNullException>(() => ExactPlanReconstruction.Reconstruct(null!, a, b, Matrix<double>.Build.Dense(4, 5)));
    }

    private static double[] Gaussian(double[] x, double mean, double std)
    {
        var w = x.Select(t => Math.Exp(-(t - mean) * (t - mean) / (2 * std * std))).ToArray();
        double sum = w.Sum();
        return Array.ConvertAll(w, t => t / sum);
    }
}
