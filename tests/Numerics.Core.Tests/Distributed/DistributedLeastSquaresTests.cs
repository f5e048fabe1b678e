using MathNet.Numerics.LinearAlgebra;
using Numerics.Distributed;
using Numerics.IO;
using Numerics.Optimization;
using Numerics.Sketching;
using Xunit;

namespace Numerics.Tests.Distributed;

public sealed class DistributedLeastSquaresTests
{
    /// <summary>The bound between a partitioned and the unpartitioned solve of a well-conditioned problem.</summary>
    private const double PartitionAgreement = 1e-12;

    /// <summary>A deadlock shows as a rank still running after this long (every solve here takes well under a second).</summary>
    private static readonly TimeSpan HangTimeout = TimeSpan.FromSeconds(60);

    public static TheoryData<SketchKind, LeastSquaresMethod> Cases() => new()
    {
        { SketchKind.CountSketch, LeastSquaresMethod.SketchAndSolve },
        { SketchKind.CountSketch, LeastSquaresMethod.SketchAndPrecondition },
        { SketchKind.Gaussian, LeastSquaresMethod.SketchAndSolve },
        { SketchKind.Gaussian, LeastSquaresMethod.SketchAndPrecondition },
        { SketchKind.Srht, LeastSquaresMethod.SketchAndSolve },
        { SketchKind.Srht, LeastSquaresMethod.SketchAndPrecondition },
    };

    private static SketchedLeastSquaresOptions Options(SketchKind kind, LeastSquaresMethod method, int rows = 200) =>
        new() { Sketch = kind, Method = method, Rows = rows, Seed = 11 };

    /// <summary>Block <paramref name="block"/> of <paramref name="blocks"/> of the problem, by the partition rule, in memory.</summary>
    private static RowBlock BlockOf(LeastSquaresTestProblem p, int blocks, int block)
    {
        var (offset, count) = RowPartition.Block(p.A.RowCount, blocks, block);
        return RowBlock.InMemory(offset, p.A.SubMatrix((int)offset, (int)count, 0, p.A.ColumnCount), p.B.SubVector((int)offset, (int)count));
    }

    private static RowBlock[] AllBlocks(LeastSquaresTestProblem p, int blocks) =>
        Enumerable.Range(0, blocks).Select(r => BlockOf(p, blocks, r)).ToArray();

    private static RankOutcome<T>[] RunRanks<T>(int size, Func<ICommunicator, T> body)
    {
        var run = Task.Run(() => ThreadCommunicator.Run(size, body));
        Assert.True(run.Wait(HangTimeout), "a rank hung in a collective");
        return run.Result;
    }

    [Fact]
    public void PartitionRuleGivesTheFirstRemainderBlocksOneMoreRowAndTilesTheRows()
    {
        foreach (long n in new long[] { 0, 1, 7, 10, 1000, 4_000_001 })
            foreach (int parts in new[] { 1, 2, 3, 7, 64 })
            {
                long next = 0;
                for (int r = 0; r < parts; r++)
                {
                    var (offset, count) = RowPartition.Block(n, parts, r);
                    Assert.Equal(next, offset);
                    Assert.Equal(n / parts + (r < n % parts ? 1 : 0), count);
                    next = offset + count;
                }
                Assert.Equal(n, next);
            }
        Assert.Throws<ArgumentOutOfRangeException>(() => RowPartition.Block(10, 3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => RowPartition.Block(10, 0, 0));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RanksGiveTheBitsOfOneProcessOverTheSamePartition(SketchKind kind, LeastSquaresMethod method)
    {
        const int ranks = 3;
        var p = LeastSquaresTestProblem.Generate(1500, 12, condition: 10, seed: 3);
        var options = Options(kind, method);
        var single = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, AllBlocks(p, ranks), p.A.RowCount, options);
        var outcomes = RunRanks(ranks, c => DistributedLeastSquares.Solve(c, [BlockOf(p, ranks, c.Rank)], p.A.RowCount, options));
        foreach (var o in outcomes)
        {
            Assert.Null(o.Error);
            var result = o.Value!;
            Assert.Equal(single.X.ToArray(), result.X.ToArray());   // bit for bit: Equal on doubles compares exactly
            Assert.Equal(single.ResidualNorm, result.ResidualNorm);
            Assert.Equal(single.NormalResidualNorm, result.NormalResidualNorm);
            Assert.Equal(single.Iterations, result.Iterations);
            Assert.Equal(single.Status, result.Status);
            Assert.True(o.BytesCommunicated > 0);
        }
        Assert.Equal(SolverStatus.Converged, single.Status);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PartitionedSolveMatchesTheUnpartitionedSolveOnAWellConditionedProblem(SketchKind kind, LeastSquaresMethod method)
    {
        var p = LeastSquaresTestProblem.Generate(1500, 12, condition: 10, seed: 4);
        var options = Options(kind, method);
        var whole = SketchedLeastSquares.Solve(p.A, p.B, options);
        var parted = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, AllBlocks(p, 4), p.A.RowCount, options);
        Assert.Equal(whole.Status, parted.Status);
        double difference = (parted.X - whole.X).L2Norm() / whole.X.L2Norm();
        Assert.True(difference <= PartitionAgreement, $"partitioned and unpartitioned differ by {difference:E2}");
        if (method == LeastSquaresMethod.SketchAndPrecondition)
        {
            // Independent baseline: the exact solution the problem was built with.
            double error = (parted.X - p.XStar).L2Norm() / p.XStar.L2Norm();
            Assert.True(error <= PartitionAgreement, $"error against x* {error:E2}");
        }
        // The reported residual is recomputed: check it against ‖b − A·x‖ formed here.
        Assert.Equal((p.B - p.A * parted.X).L2Norm(), parted.ResidualNorm, 1e-12 * p.B.L2Norm());
    }

    [Fact]
    public void AtD256TheDistributedSolverEarnsConvergedAsTheOneProcessSolverDoes()
    {
        // The scale report's generator at d = 256: the default tolerance's rounding floor (shared
        // EarnedStatus) applies to the partitioned solve too, and the same bits come out of 2 ranks.
        var (a, b) = Numerics.Core.Tests.Sketching.SketchedLeastSquaresStatusTests.GaussianProblem(4096, 256, 0.1);
        var options = new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.SketchAndPrecondition, Sketch = SketchKind.CountSketch, Rows = 1024, Seed = 1 };
        RowBlock Block(int k)
        {
            var (offset, count) = RowPartition.Block(4096, 2, k);
            return RowBlock.InMemory(offset, a.SubMatrix((int)offset, (int)count, 0, 256), b.SubVector((int)offset, (int)count));
        }
        var one = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, [Block(0), Block(1)], 4096, options);
        Assert.Equal(SolverStatus.Converged, one.Status);
        var qr = SketchedLeastSquares.Solve(a, b, new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Qr });
        Assert.True((one.X - qr.X).L2Norm() <= 1e-13 * qr.X.L2Norm());
        var (relative, unit) = Numerics.Core.Tests.Sketching.SketchedLeastSquaresStatusTests.RecomputedNormal(a, b, one.X);
        Assert.True(relative <= SketchedLeastSquares.RoundingFloorFactor * unit, $"{relative:E2} vs unit {unit:E2}");
        var two = RunRanks(2, c => DistributedLeastSquares.Solve(c, [Block(c.Rank)], 4096, options));
        Assert.All(two, o => Assert.Equal(one.X.ToArray(), o.Value!.X.ToArray()));
        Assert.All(two, o => Assert.Equal(SolverStatus.Converged, o.Value!.Status));
        // Capped: still MaxIterations.
        var capped = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, [Block(0), Block(1)], 4096, options with { MaxIterations = 10 });
        Assert.Equal(SolverStatus.MaxIterations, capped.Status);
    }

    [Fact]
    public void IllConditionedPartitionedSolveIsAsAccurateAsPerturbationTheoryAllowsAndItsStatusIsEarned()
    {
        // κ = 1e8 with ‖r‖ = 1: x* itself moves by u·κ²·‖r‖/(‖A‖·‖x*‖) under rounding-sized changes of A,
        // so the partitioned and unpartitioned answers agree only to that level, not to 1e-12.
        const double condition = 1e8, u = 2.220446049250313e-16;
        var p = LeastSquaresTestProblem.Generate(1500, 12, condition: condition, seed: 5);
        var options = Options(SketchKind.Gaussian, LeastSquaresMethod.SketchAndPrecondition);
        var parted = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, AllBlocks(p, 4), p.A.RowCount, options);
        double normA = 1;   // the generator's largest singular value
        double sensitivity = u * (condition + condition * condition * p.ResidualNorm / (normA * p.XStar.L2Norm()));
        double error = (parted.X - p.XStar).L2Norm() / p.XStar.L2Norm();
        Assert.True(error <= 10 * sensitivity, $"error {error:E2}, perturbation bound {sensitivity:E2}");
        // Converged only when the recomputed test holds; otherwise the value reached is reported.
        double tolerance = LsqrOptions.DefaultToleranceFor(p.A.RowCount);
        Assert.Contains(parted.Status, new[] { SolverStatus.Converged, SolverStatus.Stalled });
        Assert.Equal(parted.Status == SolverStatus.Converged, parted.StopTest != LsqrStopTest.None);
        if (parted.StopTest == LsqrStopTest.NormalResidual)
        {
            // The default's test 2: the tolerance, or the rounding floor max(c·u·(‖b‖ + ‖A‖‖x‖)/‖r‖, c′·√(n·d)·u) (‖A‖ ≥ the solver's estimate).
            double floor = Math.Max(SketchedLeastSquares.RoundingFloorFactor * u / 2 * (p.B.L2Norm() + normA * parted.X.L2Norm()) / parted.ResidualNorm,
                SketchedLeastSquares.EvaluationFloorFactor * Math.Sqrt((double)p.A.RowCount * p.A.ColumnCount) * u / 2);
            Assert.True(parted.RelativeNormalResidual <= Math.Max(tolerance, floor), $"{parted.RelativeNormalResidual:E2}, tolerance {tolerance:E2}, floor {floor:E2}");
        }
        var recomputed = p.A.TransposeThisAndMultiply(p.B - p.A * parted.X).L2Norm();
        Assert.Equal(recomputed, parted.NormalResidualNorm!.Value, 1e-6 * recomputed + 1e-14);
    }

    [Fact]
    public void StreamedSolveEqualsTheInMemorySolveOverTheSamePartitionBitForBit()
    {
        var p = LeastSquaresTestProblem.Generate(3000, 10, condition: 30, seed: 6);
        string path = Path.Combine(Path.GetTempPath(), $"numerics-stream-{Guid.NewGuid():N}.npy");
        try
        {
            Npy.Write(path, p.A);
            using var file = NpyMappedMatrix.Open(path);
            foreach (var (kind, method) in new[] { (SketchKind.CountSketch, LeastSquaresMethod.SketchAndSolve), (SketchKind.CountSketch, LeastSquaresMethod.SketchAndPrecondition),
                         (SketchKind.Gaussian, LeastSquaresMethod.SketchAndPrecondition) })
            {
                var options = Options(kind, method);
                var mapped = Enumerable.Range(0, 3).Select(r =>
                {
                    var (offset, count) = RowPartition.Block(p.A.RowCount, 3, r);
                    return RowBlock.Mapped(file, offset, (int)count, p.B.SubVector((int)offset, (int)count).ToArray());
                }).ToArray();
                // Chunks of 2048 rows: every block is read in more than one chunk from the file.
                var streamed = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, mapped, p.A.RowCount, options, chunkRows: 512);
                var inMemory = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, AllBlocks(p, 3), p.A.RowCount, options, chunkRows: 512);
                Assert.Equal(inMemory.X.ToArray(), streamed.X.ToArray());
                Assert.Equal(inMemory.ResidualNorm, streamed.ResidualNorm);
                Assert.Equal(SolverStatus.Converged, streamed.Status);
            }
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(LeastSquaresMethod.SketchAndSolve)]
    [InlineData(LeastSquaresMethod.SketchAndPrecondition)]
    public void StreamingAllocatesInProportionToTheSketchAndTheChunkNotTheFile(LeastSquaresMethod method)
    {
        // A 64 MB file read in 2048-row chunks (a 0.5 MB buffer): what the solve allocates must be
        // O(m·(d+1) + chunk·(d+1) + n) — sketch, chunk, and b and LSQR's row-space vectors — not O(n·d).
        const int n = 262_144, d = 31, chunk = 2048, m = 4 * (d + 1);
        string path = Path.Combine(Path.GetTempPath(), $"numerics-stream-{Guid.NewGuid():N}.npy");
        try
        {
            var values = new double[(long)n * d];
            new Numerics.Random.CounterRng(9).FillNormal(values);
            Npy.Write(path, new NpyArray([n, d], fortranOrder: false, values));
            values = null;
            var b = new double[n];
            new Numerics.Random.CounterRng(10).FillNormal(b);
            long fileBytes = new FileInfo(path).Length;
            using var file = NpyMappedMatrix.Open(path);
            var options = new SketchedLeastSquaresOptions { Sketch = SketchKind.CountSketch, Method = method, Rows = m, Seed = 1 };
            var blocks = new[] { RowBlock.Mapped(file, 0, n, b) };
            DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, blocks, n, options, chunk);   // warm-up: JIT and sketch tables
            long before = GC.GetAllocatedBytesForCurrentThread();
            var result = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, blocks, n, options, chunk);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.Equal(SolverStatus.Converged, result.Status);
            // Row-space vectors: b, the residual, and LSQR's few (u, its checkpoints); 16 of them is generous.
            long bound = 8L * (4L * m * (d + 1) + 4L * chunk * (d + 1) + 16L * n) + (1 << 20);
            Assert.True(allocated <= bound, $"allocated {allocated / 1e6:F1} MB, bound {bound / 1e6:F1} MB, file {fileBytes / 1e6:F1} MB");
            Assert.True(allocated < fileBytes / 2, $"allocated {allocated / 1e6:F1} MB of a {fileBytes / 1e6:F1} MB file");
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ARankWithANonFiniteBlockStopsEveryRankWithAnError()
    {
        var p = LeastSquaresTestProblem.Generate(900, 6, condition: 10, seed: 7);
        var a = p.A.Clone();
        a[500, 3] = double.NaN;   // row 500 lies in block 1 of 3 (rows 300..599)
        string path = Path.Combine(Path.GetTempPath(), $"numerics-nan-{Guid.NewGuid():N}.npy");
        try
        {
            Npy.Write(path, a);
            using var file = NpyMappedMatrix.Open(path);
            var options = Options(SketchKind.CountSketch, LeastSquaresMethod.SketchAndPrecondition, rows: 60);
            var outcomes = RunRanks(3, c =>
            {
                var (offset, count) = RowPartition.Block(900, 3, c.Rank);
                return DistributedLeastSquares.Solve(c, [RowBlock.Mapped(file, offset, (int)count, p.B.SubVector((int)offset, (int)count).ToArray())], 900, options);
            });
            Assert.IsType<InvalidDataException>(outcomes[1].Error);
            Assert.IsType<RankFailureException>(outcomes[0].Error);
            Assert.IsType<RankFailureException>(outcomes[2].Error);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ARankWithBadArgumentsStopsEveryRankWithAnError()
    {
        var p = LeastSquaresTestProblem.Generate(900, 6, condition: 10, seed: 8);
        var options = Options(SketchKind.CountSketch, LeastSquaresMethod.SketchAndSolve, rows: 60);
        var outcomes = RunRanks(3, c => DistributedLeastSquares.Solve(c, c.Rank == 2 ? [] : [BlockOf(p, 3, c.Rank)], 900, options));
        Assert.IsType<ArgumentException>(outcomes[2].Error);
        Assert.IsType<RankFailureException>(outcomes[0].Error);
        Assert.IsType<RankFailureException>(outcomes[1].Error);

        // Blocks that do not tile the rows: every rank finds it from the same collective.
        var gap = RunRanks(2, c => DistributedLeastSquares.Solve(c, [BlockOf(p, 3, 2 * c.Rank)], 900, options));
        Assert.All(gap, o => Assert.IsType<ArgumentException>(o.Error));
    }

    [Fact]
    public void OneRankCancellingCancelsEveryRankAtTheSamePoint()
    {
        var p = LeastSquaresTestProblem.Generate(900, 6, condition: 10, seed: 9);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var outcomes = RunRanks(3, c => DistributedLeastSquares.Solve(c, [BlockOf(p, 3, c.Rank)], 900,
            Options(SketchKind.CountSketch, LeastSquaresMethod.SketchAndPrecondition, rows: 60) with { CancellationToken = c.Rank == 1 ? cancelled.Token : default }));
        Assert.All(outcomes, o => Assert.Null(o.Error));
        Assert.All(outcomes, o => Assert.Equal(SolverStatus.Cancelled, o.Value!.Status));
        Assert.All(outcomes, o => Assert.Equal(p.B.L2Norm(), o.Value!.ResidualNorm, 1e-12 * p.B.L2Norm()));
    }

    [Fact]
    public void RejectsWhatIsNotDistributed()
    {
        var p = LeastSquaresTestProblem.Generate(300, 5, condition: 10, seed: 10);
        var blocks = AllBlocks(p, 2);
        foreach (var bad in new[]
        {
            new SketchedLeastSquaresOptions { Method = LeastSquaresMethod.Qr },
            new SketchedLeastSquaresOptions { Damp = 0.1, Rows = 40 },
            new SketchedLeastSquaresOptions { Certificate = true, Rows = 40 },
        })
        {
            var e = Assert.Throws<ArgumentException>(() => DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, blocks, 300, bad));
            Assert.Equal("options", e.ParamName);
        }
        Assert.Equal("b", Assert.Throws<ArgumentException>(() => RowBlock.InMemory(0, p.A, Vector<double>.Build.Dense(299))).ParamName);
        var withNan = p.A.Clone();
        withNan[3, 3] = double.PositiveInfinity;
        Assert.Equal("a", Assert.Throws<ArgumentException>(() => RowBlock.InMemory(0, withNan, p.B)).ParamName);
        Assert.Equal("blocks", Assert.Throws<ArgumentException>(() => DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, [blocks[1], blocks[0]], 300)).ParamName);
    }
}
