using MathNet.Numerics.LinearAlgebra;
using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

public class PlanRoundingTests
{
    /// <summary>A random sparse non-negative m×n plan (about a third of the cells) whose marginals are off a and b by about <paramref name="noise"/> relative.</summary>
    private static (TransportPlan Plan, TransportProblem Problem) Perturbed(int m, int n, int seed, double noise)
    {
        var (c, a, b) = TransportReference.RandomProblem(m, n, seed);
        var problem = TransportProblem.Create(c, a, b);
        var rng = new System.Random(seed + 7);
        // The product coupling a·bᵀ restricted to a random pattern, then perturbed: marginals near a, b, many cells empty.
        var dense = Matrix<double>.Build.Dense(m, n, (i, j) => rng.NextDouble() < 0.35 ? a[i] * b[j] * 3 * (1 + noise * (2 * rng.NextDouble() - 1)) : 0);
        return (TransportPlan.FromDense(dense), problem);
    }

    [Theory]
    [InlineData(7, 9, 1, 0.5)]
    [InlineData(30, 20, 2, 1e-3)]
    [InlineData(1, 5, 3, 0.2)]
    [InlineData(6, 1, 4, 0.2)]
    public void LandsInTheTransportPolytopeWithinAwrsBound(int m, int n, int seed, double noise)
    {
        var (plan, problem) = Perturbed(m, n, seed, noise);
        var rounded = PlanRounding.Round(plan, problem);
        Assert.True(rounded.Values.ToArray().All(v => v > 0));
        double tolerance = FeasibleTransportPlan.FeasibilityTolerance(m, n);
        Assert.True(problem.RowMarginalError(rounded) + problem.ColumnMarginalError(rounded) <= tolerance);
        // Altschuler, Weed & Rigollet (2017), Lemma 7: ‖T̂ − T‖₁ ≤ 2(‖T·1 − a‖₁ + ‖Tᵀ·1 − b‖₁); their
        // proof uses only the completion's total mass, which any completion shares.
        double moved = (rounded.ToDense() - plan.ToDense()).Enumerate().Sum(Math.Abs);
        Assert.True(moved <= 2 * (problem.RowMarginalError(plan) + problem.ColumnMarginalError(plan)) + tolerance);
        // The north-west corner adds at most m + n − 1 cells outside the plan's support.
        var before = plan.ToDense();
        var after = rounded.ToDense();
        int newCells = Enumerable.Range(0, m).Sum(i => Enumerable.Range(0, n).Count(j => before[i, j] == 0 && after[i, j] > 0));
        Assert.True(newCells <= m + n - 1);
    }

    [Fact]
    public void LeavesAFeasiblePlanWhereItIs()
    {
        // The product coupling a·bᵀ is feasible: its rounding may move only rounding-level mass and adds no cell.
        var (c, a, b) = TransportReference.RandomProblem(8, 11, 5);
        var problem = TransportProblem.Create(c, a, b);
        var coupling = TransportPlan.FromDense(a.ToColumnMatrix() * b.ToRowMatrix());
        var rounded = PlanRounding.Round(coupling, problem);
        Assert.Equal(coupling.RowIndices.ToArray(), rounded.RowIndices.ToArray());
        for (int p = 0; p < coupling.EntryCount; p++)
            Assert.Equal(coupling.Values[p], rounded.Values[p], FeasibleTransportPlan.FeasibilityTolerance(8, 11));
    }

    [Fact]
    public void KeepsTheColumnSupportWhenTheRowsLackingMassAreAlreadyThere()
    {
        // Column 0 sends too much to row 0 and too little to row 1, both in its support: the rounding
        // moves mass within the column and adds no cell.
        var a = Vector<double>.Build.Dense([0.5, 0.5]);
        var b = Vector<double>.Build.Dense([0.5, 0.5]);
        var problem = TransportProblem.Create(Matrix<double>.Build.Dense(2, 2), a, b);
        var plan = TransportPlan.FromDense(Matrix<double>.Build.DenseOfArray(new[,] { { 0.4, 0.3 }, { 0.1, 0.2 } }));
        var rounded = PlanRounding.Round(plan, problem);
        Assert.Equal(4, rounded.EntryCount);
        Assert.True(problem.RowMarginalError(rounded) + problem.ColumnMarginalError(rounded) <= FeasibleTransportPlan.FeasibilityTolerance(2, 2));
    }

    [Fact]
    public void RejectsAPlanOfAnotherShape()
    {
        var (c, a, b) = TransportReference.RandomProblem(3, 4, 1);
        var problem = TransportProblem.Create(c, a, b);
        var plan = TransportPlan.FromDense(Matrix<double>.Build.Dense(4, 3, 0.1));
        Assert.Equal("plan", Assert.Throws<ArgumentException>(() => PlanRounding.Round(plan, problem)).ParamName);
        Assert.Throws<ArgumentNullException>(() => PlanRounding.Round(null!, problem));
    }
}
