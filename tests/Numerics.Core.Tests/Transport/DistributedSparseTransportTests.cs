using MathNet.Numerics.LinearAlgebra;
using Numerics.Core.Tests.Distributed;
using Numerics.Distributed;
using Numerics.Optimization;
using Numerics.Testing;
using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

public class DistributedSparseTransportTests
{
    private static TransportProblem Problem(int m, int n, int seed)
    {
        var (c, a, b) = TransportReference.RandomProblem(m, n, seed);
        return TransportProblem.Create(c, a, b);
    }

    /// <summary>Solves tighter than the default 1e-6, so that partitions can be compared at the level of <see cref="StallFloor"/>.</summary>
    private static SparseTransportOptions Options(TransportFormulation formulation, double gamma = 0.1) => new() { Gamma = gamma, Formulation = formulation, Tolerance = Tight };

    private const double Tight = 1e-9;

    private static long[] Bits(IEnumerable<double> values) => values.Select(BitConverter.DoubleToInt64Bits).ToArray();

    private static void AssertSamePlan(TransportPlan expected, TransportPlan actual)
    {
        Assert.Equal(expected.ColumnPointers.ToArray(), actual.ColumnPointers.ToArray());
        Assert.Equal(expected.RowIndices.ToArray(), actual.RowIndices.ToArray());
        Assert.Equal(Bits(expected.Values.ToArray()), Bits(actual.Values.ToArray()));
    }

    /// <summary>Everything but the plan and the bytes, which depend on where the columns live.</summary>
    private static void AssertSameSolve(DistributedSparseTransportResult expected, DistributedSparseTransportResult actual)
    {
        Assert.Equal(Bits(expected.Alpha), Bits(actual.Alpha));
        Assert.Equal(expected.Beta is null, actual.Beta is null);
        if (expected.Beta is not null) Assert.Equal(Bits(expected.Beta), Bits(actual.Beta!));
        Assert.Equal(
            Bits([expected.DualValue, expected.Cost, expected.RegularizedCost, expected.RowMarginalError, expected.ColumnMarginalError, expected.Residual]),
            Bits([actual.DualValue, actual.Cost, actual.RegularizedCost, actual.RowMarginalError, actual.ColumnMarginalError, actual.Residual]));
        Assert.Equal((expected.Status, expected.Iterations, expected.Evaluations, expected.MaxNonZerosPerColumn),
            (actual.Status, actual.Iterations, actual.Evaluations, actual.MaxNonZerosPerColumn));
    }

    [Theory]
    [InlineData(TransportFormulation.SemiDual, 3, 2)]
    [InlineData(TransportFormulation.Dual, 2, 3)]
    [InlineData(TransportFormulation.SemiDual, 4, 40)]
    public void Ranks_give_the_bits_of_one_process_over_the_same_column_partition(TransportFormulation formulation, int ranks, int k)
    {
        var problem = Problem(30, 37, 5 + ranks);
        var blocks = TransportColumnBlock.Split(problem, ranks);
        var serial = DistributedSparseTransport.Solve(blocks, k, SingleProcessCommunicator.Instance, Options(formulation));
        Assert.True(serial.Iterations >= 10, $"{serial.Iterations} iterations: too few for the comparison to follow a real solve");
        Assert.Equal(0, serial.BytesCommunicated);
        var perRank = ThreadGroupCommunicator.Run(ranks, comm => DistributedSparseTransport.Solve([blocks[comm.Rank]], k, comm, Options(formulation)));
        for (int r = 0; r < ranks; r++)
        {
            AssertSameSolve(serial, perRank[r]);
            AssertSamePlan(serial.BlockPlans[r], Assert.Single(perRank[r].BlockPlans));
            Assert.True(perRank[r].BytesCommunicated > 0);
        }
    }

    [Theory]
    [InlineData(TransportFormulation.SemiDual, 2)]
    [InlineData(TransportFormulation.Dual, 3)]
    public void One_block_is_the_unsplit_solve_to_the_bit(TransportFormulation formulation, int k)
    {
        var problem = Problem(25, 20, 3);
        var whole = SparseTransport.Solve(problem, k, Options(formulation));
        var split = DistributedSparseTransport.Solve(TransportColumnBlock.Split(problem, 1), k, SingleProcessCommunicator.Instance, Options(formulation));
        Assert.Equal(Bits(whole.Alpha), Bits(split.Alpha));
        if (formulation == TransportFormulation.Dual) Assert.Equal(Bits(whole.Beta!), Bits(split.Beta!));
        Assert.Equal(BitConverter.DoubleToInt64Bits(whole.DualValue), BitConverter.DoubleToInt64Bits(split.DualValue));
        Assert.Equal((whole.Status, whole.Iterations, whole.Evaluations, whole.Residual), (split.Status, split.Iterations, split.Evaluations, split.Residual));
        AssertSamePlan(whole.Plan, Assert.Single(split.BlockPlans));
        // The certificates come from the same plan, summed block by block: equal to rounding.
        Assert.Equal(whole.Cost, split.Cost, Tolerances.Reduction);
        Assert.Equal(whole.RowMarginalError, split.RowMarginalError, Tolerances.Reduction);
    }

    /// <summary>
    /// Another partition changes only the order of the sums over columns, so both solves end at the
    /// same optimum to within their final marginal violations (≤ <see cref="StallFloor"/>). At γ = 1
    /// the duals' gradients are 1-Lipschitz in the smooth regime, so potentials meeting the marginals
    /// to 1e-8 give plan entries within about 1e-8 of each other (α is free up to a shift, which the
    /// plan does not see) and dual values within about 1e-16; 1e-6 leaves room for the conditioning
    /// of a random problem while still catching a wrong column or a lost block (entries ≈ 1/(mn) ≈ 1e-3).
    /// </summary>
    private const double PartitionAgreement = 1e-6;

    /// <summary>
    /// The residual (total marginal error) an L-BFGS solve of these duals reaches: the tolerance
    /// <see cref="Tight"/>, or a few times it where the line search stalls at the rounding floor of
    /// T·1 − a; 1e-8.
    /// </summary>
    private const double StallFloor = 1e-8;

    [Theory]
    [InlineData(TransportFormulation.SemiDual, 40)]
    [InlineData(TransportFormulation.Dual, 40)]
    [InlineData(TransportFormulation.SemiDual, 3)]
    [InlineData(TransportFormulation.Dual, 3)]
    public void A_split_solve_agrees_with_the_unsplit_solve(TransportFormulation formulation, int k)
    {
        var problem = Problem(30, 41, 9);
        var whole = SparseTransport.Solve(problem, k, Options(formulation, gamma: 1));
        var perRank = ThreadGroupCommunicator.Run(3, comm =>
            DistributedSparseTransport.Solve([TransportColumnBlock.Split(problem, 3)[comm.Rank]], k, comm, Options(formulation, gamma: 1)));
        var split = perRank[0];
        Assert.True(whole.Residual <= StallFloor, $"unsplit residual {whole.Residual}");
        Assert.True(split.Residual <= StallFloor, $"split residual {split.Residual}");
        Assert.Equal(split.RowMarginalError + split.ColumnMarginalError <= Tight, split.Status == SolverStatus.Converged);
        Assert.Equal(whole.DualValue, split.DualValue, PartitionAgreement);
        Assert.Equal(whole.RegularizedCost, split.RegularizedCost, PartitionAgreement);
        // The ranks' column plans side by side are the whole plan.
        var dense = whole.Plan.ToDense();
        for (int r = 0; r < 3; r++)
        {
            var block = TransportColumnBlock.Split(problem, 3)[r];
            var part = Assert.Single(perRank[r].BlockPlans).ToDense();
            Assert.True((part - dense.SubMatrix(0, 30, block.FirstColumn, block.Columns)).Enumerate().All(d => Math.Abs(d) <= PartitionAgreement),
                $"rank {r}'s plan differs from the unsplit plan by more than {PartitionAgreement}");
            Assert.True(perRank[r].MaxNonZerosPerColumn <= k);
        }
        // The certificates recomputed from the assembled plan.
        var assembled = Matrix<double>.Build.Dense(30, 41);
        for (int r = 0; r < 3; r++) assembled.SetSubMatrix(0, TransportColumnBlock.Split(problem, 3)[r].FirstColumn, perRank[r].BlockPlans[0].ToDense());
        Assert.Equal(assembled.PointwiseMultiply(problem.CostMatrix).Enumerate().Sum(), split.Cost, Tolerances.Reduction);
        var rowSums = assembled.RowSums();
        Assert.Equal(Enumerable.Range(0, 30).Sum(i => Math.Abs(rowSums[i] - problem.SourceWeights[i])), split.RowMarginalError, Tolerances.Reduction);
    }

    [Fact]
    public void Blocks_that_do_not_tile_the_columns_fail_on_every_rank_naming_blocks()
    {
        var blocks = TransportColumnBlock.Split(Problem(10, 12, 1), 3);
        // Rank 1 holds block 2 and rank 2 block 1: each block is valid, the order across ranks is not.
        var failure = Assert.Throws<AggregateException>(() => ThreadGroupCommunicator.Run(3, comm =>
            DistributedSparseTransport.Solve([blocks[comm.Rank switch { 1 => 2, 2 => 1, _ => 0 }]], 2, comm)));
        Assert.Equal(3, failure.InnerExceptions.Count);
        Assert.All(failure.InnerExceptions, e => Assert.Equal("blocks", Assert.IsType<ArgumentException>(e).ParamName));
        // A missing block: two ranks cover only part of the columns.
        var missing = Assert.Throws<AggregateException>(() => ThreadGroupCommunicator.Run(2, comm =>
            DistributedSparseTransport.Solve([blocks[comm.Rank]], 2, comm)));
        Assert.All(missing.InnerExceptions, e => Assert.Contains("tile", e.Message));
        // Blocks of one process out of order.
        Assert.Equal("blocks", Assert.Throws<ArgumentException>(() =>
            DistributedSparseTransport.Solve([blocks[0], blocks[2], blocks[1]], 2, SingleProcessCommunicator.Instance)).ParamName);
        // Blocks of different problems.
        var other = TransportColumnBlock.Split(Problem(10, 12, 2), 3);
        Assert.Equal("blocks", Assert.Throws<ArgumentException>(() =>
            DistributedSparseTransport.Solve([blocks[0], other[1], blocks[2]], 2, SingleProcessCommunicator.Instance)).ParamName);
    }

    [Fact]
    public void Bad_arguments_are_rejected_by_name()
    {
        var problem = Problem(6, 5, 2);
        var blocks = TransportColumnBlock.Split(problem, 2);
        var one = SingleProcessCommunicator.Instance;
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => DistributedSparseTransport.Solve(blocks, 0, one)).ParamName);
        Assert.Equal("blocks", Assert.Throws<ArgumentException>(() => DistributedSparseTransport.Solve([], 2, one)).ParamName);
        Assert.Equal("blocks", Assert.Throws<ArgumentNullException>(() => DistributedSparseTransport.Solve(null!, 2, one)).ParamName);
        Assert.Equal("communicator", Assert.Throws<ArgumentNullException>(() => DistributedSparseTransport.Solve(blocks, 2, null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => DistributedSparseTransport.Solve(blocks, 2, one, new SparseTransportOptions { Gamma = -1 })).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentException>(() => DistributedSparseTransport.Solve(blocks, 2, one,
            new SparseTransportOptions { InitialAlpha = Vector<double>.Build.Dense(5) })).ParamName);
        Assert.Equal("blocks", Assert.Throws<ArgumentOutOfRangeException>(() => TransportColumnBlock.Split(problem, 6)).ParamName);
        Assert.Equal("blocks", Assert.Throws<ArgumentOutOfRangeException>(() => TransportColumnBlock.Split(problem, 0)).ParamName);
        Assert.Equal("columns", Assert.Throws<ArgumentOutOfRangeException>(() => TransportColumnBlock.Slice(problem, 3, 3)).ParamName);
    }

    [Fact]
    public void Split_blocks_tile_the_columns_and_carry_the_problems_numbers()
    {
        var problem = Problem(7, 10, 4);
        var blocks = TransportColumnBlock.Split(problem, 3);
        Assert.Equal([0, 3, 6], blocks.Select(b => b.FirstColumn));
        Assert.Equal([3, 3, 4], blocks.Select(b => b.Columns));
        foreach (var block in blocks)
        {
            Assert.Equal(problem.Cost.Slice(block.FirstColumn * 7, block.Columns * 7).ToArray(), block.Cost.ToArray());
            Assert.Equal(problem.TargetWeights.Slice(block.FirstColumn, block.Columns).ToArray(), block.TargetWeights.ToArray());
            Assert.Equal(problem.SourceWeights.ToArray(), block.SourceWeights.ToArray());
            Assert.Equal(10, block.TotalColumns);
        }
    }
}
