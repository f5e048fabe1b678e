using System.Text.Json;
using Numerics.Cli;
using Numerics.IO;
using Numerics.Mpi;

namespace Numerics.Core.Tests.Cli;

/// <summary>
/// The tool launched as several MPICH ranks (<c>mpirun.mpich -np R numerics …</c>): collectives
/// checked bit for bit against sums computed here, stdout from rank 0 only, and failures that end
/// every rank with a non-zero code instead of a hang.
/// </summary>
public class MpiCliTests : CliCommandTests
{
    /// <summary>Rank r's data summed in rank order 0, 1, …, R − 1, left to right: the sum every rank must hold.</summary>
    private static double[] RankOrderedSum(int ranks)
    {
        var sum = MpiDiagnostic.RankData(0);
        for (int r = 1; r < ranks; r++)
        {
            var v = MpiDiagnostic.RankData(r);
            for (int i = 0; i < sum.Length; i++) sum[i] += v[i];
        }
        return sum;
    }

    private static JsonElement SingleJsonLine(string output)
    {
        var lines = CliProcess.Lines(output);
        Assert.Single(lines);
        return JsonDocument.Parse(lines[0]).RootElement.Clone();
    }

    [MpiFact]
    public void Three_ranks_reduce_in_rank_order_to_the_same_bits_on_every_rank()
    {
        const int ranks = 3;
        var (code, output, err, _) = MpirunProcess.Run(ranks, "info", "--mpi");
        Assert.True(code == 0, err);
        var json = SingleJsonLine(output); // rank 0 alone writes stdout
        Assert.Equal(ranks, json.GetProperty("ranks").GetInt32());
        Assert.Equal(0, json.GetProperty("rank").GetInt32());
        Assert.True(json.GetProperty("ranks_identical").GetBoolean());
        var reduced = json.GetProperty("allreduce_sum").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var expected = RankOrderedSum(ranks);
        Assert.Equal(expected.Select(BitConverter.DoubleToInt64Bits), reduced.Select(BitConverter.DoubleToInt64Bits));
        // The check has teeth: summed as v₀ + (v₁ + v₂), some entry differs in its bits.
        var (v0, v1, v2) = (MpiDiagnostic.RankData(0), MpiDiagnostic.RankData(1), MpiDiagnostic.RankData(2));
        Assert.Contains(Enumerable.Range(0, v0.Length), i => v0[i] + (v1[i] + v2[i]) != expected[i]);
        // R·n·8 for the sum, n·8 for the broadcast, 8 for the agreement.
        int n = MpiDiagnostic.Length;
        Assert.Equal(ranks * n * 8 + n * 8 + 8, json.GetProperty("bytes_communicated").GetInt64());
        // The column-split transport solve over MPI equals one process holding the same three blocks, bit for bit.
        var problem = MpiDiagnostic.TransportProblem();
        var serial = Numerics.Transport.DistributedSparseTransport.Solve(Numerics.Transport.TransportColumnBlock.Split(problem, ranks),
            MpiDiagnostic.TransportK, Numerics.Distributed.SingleProcessCommunicator.Instance, MpiDiagnostic.TransportOptions);
        var alpha = json.GetProperty("ot_alpha").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(serial.Alpha.Select(BitConverter.DoubleToInt64Bits), alpha.Select(BitConverter.DoubleToInt64Bits));
        Assert.Equal(BitConverter.DoubleToInt64Bits(serial.DualValue), BitConverter.DoubleToInt64Bits(json.GetProperty("ot_dual_value").GetDouble()));
        Assert.Equal(serial.Iterations, json.GetProperty("ot_iterations").GetInt32());
        Assert.Equal(serial.Status.ToString(), json.GetProperty("ot_status").GetString());
        Assert.True(serial.Iterations >= 5, $"{serial.Iterations} iterations: too few for the comparison to follow a real solve");
        Assert.True(json.GetProperty("ot_bytes_communicated").GetInt64() > 0);
        // And it solves the problem it was given: both stop at ‖∇f‖∞ ≤ 1e-9, where the dual value is within second order of that of the optimum; 1e-9 is loose.
        var whole = Numerics.Transport.SparseTransport.Solve(problem, MpiDiagnostic.TransportK, MpiDiagnostic.TransportOptions);
        Assert.Equal(whole.DualValue, serial.DualValue, 1e-9);
    }

    [MpiFact]
    public void One_rank_under_mpirun_equals_the_process_alone()
    {
        var (code, output, err, _) = MpirunProcess.Run(1, "info", "--mpi");
        Assert.True(code == 0, err);
        var json = SingleJsonLine(output);
        Assert.Equal(1, json.GetProperty("ranks").GetInt32());
        Assert.Equal(0, json.GetProperty("bytes_communicated").GetInt64());
        var reduced = json.GetProperty("allreduce_sum").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(MpiDiagnostic.RankData(0), reduced);
    }

    [MpiFact]
    public void A_failure_every_rank_shares_is_one_line_and_exit_2()
    {
        var (code, output, err, _) = MpirunProcess.Run(2, "info", "--bogus");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Empty(output);
        Assert.Equal(["error: unknown option --bogus"], CliProcess.Lines(err));
    }

    [MpiFact]
    public void A_rank_failing_alone_while_the_other_waits_in_a_collective_ends_the_job_without_a_hang()
    {
        // Rank 0 enters the collectives of info --mpi; rank 1 rejects its option and never joins them.
        var (code, output, err, elapsed) = MpirunProcess.RunPrograms([(1, ["info", "--mpi"]), (1, ["info", "--bogus"])]);
        Assert.NotEqual(0, code);
        Assert.Empty(output);
        Assert.Contains("error: rank 1: unknown option --bogus", err);
        // The failed rank waits FailedRankPatience for its peers, then aborts; two minutes would mean a hang (the runner throws).
        Assert.True(elapsed >= MpiEntryPoint.FailedRankPatience, $"aborted after {elapsed}, before the patience of {MpiEntryPoint.FailedRankPatience}");
    }

    [MpiFact]
    public void A_rank_failing_alone_after_its_peer_finished_makes_every_rank_exit_non_zero()
    {
        // Neither rank enters a collective (rank 0 prints the version): the exit agreement alone carries rank 1's failure to rank 0.
        var (code2, output2, err2, elapsed2) = MpirunProcess.RunPrograms([(1, ["--version"]), (1, ["info", "--bogus"])]);
        Assert.Equal(CliApp.UsageError, code2);
        Assert.StartsWith("numerics ", output2); // rank 0 succeeded and printed
        var lines = CliProcess.Lines(err2);
        Assert.Contains("error: rank 1: unknown option --bogus", lines);
        Assert.Contains("error: rank 1 of 2 failed with exit code 2", lines);
        Assert.True(elapsed2 < MpiEntryPoint.FailedRankPatience, $"took {elapsed2}: the agreement should not have waited for an abort");
    }

    /// <summary>Rank 1 of 2 for a command that needs no collective: what a non-root rank sees.</summary>
    private sealed class SecondRank : Numerics.Distributed.ICommunicator
    {
        public int Rank => 1;
        public int Size => 2;
        public long BytesCommunicated => 0;
        public void AllreduceSum(Span<double> values) => throw new InvalidOperationException("no collective expected");
        public void Broadcast(Span<double> values, int root) => throw new InvalidOperationException("no collective expected");
        public bool AllAgree(bool ok) => throw new InvalidOperationException("no collective expected");
    }

    [Fact]
    public void Only_rank_0_writes_the_out_file()
    {
        var x = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(4, 3, (i, j) => i + 2.0 * j - 1);
        Npy.Write(File("x.npy"), x);
        var o = new StringWriter();
        var e = new StringWriter();
        int code = CliApp.Run(["clip", "--in", File("x.npy"), "--c", "1", "--out", File("y1.npy"), "--quiet"], o, e, new SecondRank());
        Assert.True(code == 0, e.ToString());
        Assert.False(System.IO.File.Exists(File("y1.npy")));
        var (code0, _, err0) = Run("clip", "--in", File("x.npy"), "--c", "1", "--out", File("y0.npy"), "--quiet");
        Assert.True(code0 == 0, err0);
        Assert.True(System.IO.File.Exists(File("y0.npy")));
    }

    [Fact]
    public void An_open_mpi_launch_is_refused_in_one_line()
    {
        var (code, output, err) = CliProcess.Run(new Dictionary<string, string> { ["OMPI_COMM_WORLD_RANK"] = "0", ["OMPI_COMM_WORLD_SIZE"] = "2" }, "info");
        Assert.Equal(CliApp.UsageError, code);
        Assert.Empty(output);
        var line = Assert.Single(CliProcess.Lines(err));
        Assert.Contains("Open MPI", line);
        Assert.Contains("libmpich.so.12", line);
    }

    [Fact]
    public void A_malformed_pmi_rank_is_refused_naming_the_variable()
    {
        var (code, _, err) = CliProcess.Run(new Dictionary<string, string> { ["PMI_RANK"] = "2", ["PMI_SIZE"] = "2" }, "info");
        Assert.Equal(CliApp.UsageError, code);
        var line = Assert.Single(CliProcess.Lines(err));
        Assert.Contains("PMI_RANK='2'", line);
    }

    /// <summary>The same partitioned least squares solved by two MPI ranks and by one process over two row blocks: the same bits.</summary>
    [MpiFact(LstsqOption = "--row-blocks")]
    public void Lstsq_on_two_ranks_equals_row_blocks_2_in_one_process_bit_for_bit()
    {
        var p = Numerics.Sketching.LeastSquaresTestProblem.Generate(4000, 20, condition: 10, residualNorm: 0.1, seed: 11);
        Npy.Write(File("a.npy"), p.A);
        Npy.Write(File("b.npy"), p.B);
        // Same bits need the same BLAS thread count where the backend's GEMM depends on it (MKL without a
        // strict CNR branch): a rank under Hydra gave the bits of MKL_NUM_THREADS=1 (measured), so both sides run so.
        var environment = Numerics.LinearAlgebra.LinearAlgebraBackend.Current.GemmIsThreadCountInvariant
            ? new Dictionary<string, string>()
            : new Dictionary<string, string> { ["MKL_NUM_THREADS"] = "1" };
        var (code1, out1, err1) = CliProcess.Run(environment, "lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("x1.npy"), "--row-blocks", "2", "--seed", "5", "--quiet");
        Assert.True(code1 == 0, err1);
        var (code2, out2, err2, _) = MpirunProcess.Run(environment, 2, "lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("x2.npy"), "--seed", "5", "--quiet");
        Assert.True(code2 == 0, err2);
        var single = Npy.ReadVector(File("x1.npy")).ToArray();
        var ranked = Npy.ReadVector(File("x2.npy")).ToArray();
        Assert.Equal(single.Select(BitConverter.DoubleToInt64Bits), ranked.Select(BitConverter.DoubleToInt64Bits));
        var json = SingleJsonLine(out2);
        Assert.Equal(2, json.GetProperty("ranks").GetInt32());
        Assert.True(json.GetProperty("bytes_communicated").GetInt64() > 0);
        Assert.Single(CliProcess.Lines(out1));
        // And the partitioned answer solves the problem: sketch-and-solve with the default ε = 1 promises ‖A·x − b‖ ≤ (1 + ε)·min ‖A·x − b‖.
        var x = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(ranked);
        var optimal = p.A.QR().Solve(p.B);
        Assert.True((p.A * x - p.B).L2Norm() <= 2 * (p.A * optimal - p.B).L2Norm(), "the two-rank solution's residual exceeds (1 + ε) times the optimum");
    }
}
