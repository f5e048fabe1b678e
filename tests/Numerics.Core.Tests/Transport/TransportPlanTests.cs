using MathNet.Numerics.LinearAlgebra;
using Numerics.Testing;
using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

public class TransportPlanTests
{
    /// <summary>A 5×4 non-negative matrix with about half its entries zero, and one empty column.</summary>
    private static Matrix<double> SparseDense()
    {
        var rng = new System.Random(7);
        var m = Matrix<double>.Build.Dense(5, 4, (i, j) => j == 2 || rng.NextDouble() < 0.5 ? 0 : rng.NextDouble());
        return m;
    }

    [Fact]
    public void FromDenseRoundTripsAndKeepsOnlyNonZeros()
    {
        var dense = SparseDense();
        var plan = TransportPlan.FromDense(dense);
        Assert.Equal(dense, plan.ToDense());
        int stored = 0;
        for (int j = 0; j < 4; j++)
        {
            int nnz = Enumerable.Range(0, 5).Count(i => dense[i, j] != 0);
            Assert.Equal(nnz, plan.NonZerosInColumn(j));
            stored += nnz;
        }
        Assert.Equal(stored, plan.EntryCount);
        Assert.Equal(0, plan.NonZerosInColumn(2));
        Assert.Equal(Enumerable.Range(0, 4).Max(plan.NonZerosInColumn), plan.MaxNonZerosPerColumn());
    }

    [Fact]
    public void SumsNormAndCostMatchTheDenseMatrix()
    {
        var dense = SparseDense();
        var cost = Matrix<double>.Build.Dense(5, 4, (i, j) => Math.Sin(i + 3 * j));
        var plan = TransportPlan.FromDense(dense);
        var rows = plan.RowSums();
        var cols = plan.ColumnSums();
        for (int i = 0; i < 5; i++) Assert.Equal(dense.Row(i).Sum(), rows[i], Tolerances.Reduction);
        for (int j = 0; j < 4; j++) Assert.Equal(dense.Column(j).Sum(), cols[j], Tolerances.Reduction);
        Assert.Equal(dense.PointwiseMultiply(dense).Enumerate().Sum(), plan.SquaredNorm(), Tolerances.Reduction);
        Assert.Equal(dense.PointwiseMultiply(cost).Enumerate().Sum(), plan.Cost(cost), Tolerances.Reduction);
    }

    [Fact]
    public void EmptyShapesAreAllowed()
    {
        var plan = new TransportPlan(3, 0, [0], [], []);
        Assert.Equal(0, plan.MaxNonZerosPerColumn());
        Assert.Equal(new double[3], plan.RowSums());
        Assert.Empty(plan.ColumnSums());
    }

    [Fact]
    public void RejectsNonCanonicalArrays()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TransportPlan(-1, 1, [0, 0], [], []));
        Assert.Equal("columnPointers", Assert.Throws<ArgumentException>(() => new TransportPlan(2, 2, [0, 1], [0], [1.0])).ParamName);
        Assert.Equal("columnPointers", Assert.Throws<ArgumentException>(() => new TransportPlan(2, 2, [0, 2, 1], [0], [1.0])).ParamName);
        Assert.Equal("rowIndices", Assert.Throws<ArgumentException>(() => new TransportPlan(2, 1, [0, 1], [2], [1.0])).ParamName);
        Assert.Equal("rowIndices", Assert.Throws<ArgumentException>(() => new TransportPlan(2, 1, [0, 2], [1, 0], [1.0, 1.0])).ParamName);
        Assert.Equal("rowIndices", Assert.Throws<ArgumentException>(() => new TransportPlan(2, 1, [0, 2], [1, 1], [1.0, 1.0])).ParamName);
        Assert.Equal("rowIndices", Assert.Throws<ArgumentException>(() => new TransportPlan(2, 1, [0, 1], [0, 1], [1.0])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => new TransportPlan(2, 1, [0, 1], [0], [-1.0])).ParamName);
        Assert.Equal("values", Assert.Throws<ArgumentException>(() => new TransportPlan(2, 1, [0, 1], [0], [double.NaN])).ParamName);
        Assert.Equal("dense", Assert.Throws<ArgumentException>(() => TransportPlan.FromDense(Matrix<double>.Build.Dense(1, 1, -1))).ParamName);
        var plan = TransportPlan.FromDense(SparseDense());
        Assert.Equal("cost", Assert.Throws<ArgumentException>(() => plan.Cost(Matrix<double>.Build.Dense(4, 5))).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => plan.NonZerosInColumn(4));
    }
}
