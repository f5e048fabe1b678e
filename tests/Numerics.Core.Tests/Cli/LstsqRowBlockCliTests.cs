using System.Text.Json;
using Numerics.Cli;
using Numerics.Distributed;
using Numerics.IO;

namespace Numerics.Core.Tests.Cli;

/// <summary><c>numerics lstsq</c> over row blocks: thread ranks against <c>--row-blocks</c> in one process, and <c>--stream</c>.</summary>
public class LstsqRowBlockCliTests : CliCommandTests
{
    private Numerics.Sketching.LeastSquaresTestProblem WriteProblem(int n = 2000, int d = 8)
    {
        var p = Numerics.Sketching.LeastSquaresTestProblem.Generate(n, d, condition: 10, residualNorm: 0.1, seed: 12);
        Npy.Write(File("a.npy"), p.A);
        Npy.Write(File("b.npy"), p.B);
        return p;
    }

    private string[] Args(string output, params string[] extra) =>
        ["lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File(output), "--sketch", "countsketch", "--rows", "80",
            "--method", "precondition", "--quiet", .. extra];

    private static RankOutcome<(int Code, string Out, string Err)>[] RunRanks(int ranks, Func<int, string[]> args)
    {
        var run = Task.Run(() => ThreadCommunicator.Run(ranks, c =>
        {
            var o = new StringWriter();
            var e = new StringWriter();
            int code = CliApp.Run(args(c.Rank), o, e, c);
            return (code, o.ToString(), e.ToString());
        }));
        Assert.True(run.Wait(TimeSpan.FromSeconds(120)), "a rank hung");
        return run.Result;
    }

    [Fact]
    public void Three_ranks_write_the_bits_of_one_process_over_three_row_blocks_and_only_rank_0_prints()
    {
        var p = WriteProblem();
        var (code, output, err) = Run(Args("x1.npy", "--row-blocks", "3"));
        Assert.True(code == 0, err);
        var single = JsonDocument.Parse(output).RootElement;
        Assert.Equal(1, single.GetProperty("ranks").GetInt32());
        Assert.Equal(3, single.GetProperty("row_blocks").GetInt32());
        Assert.Equal(0, single.GetProperty("bytes_communicated").GetInt64());

        // Rank r writes to its own name: only rank 0 may create it.
        var outcomes = RunRanks(3, r => Args($"x3-{r}.npy"));
        Assert.All(outcomes, o => Assert.Equal(0, o.Value.Code));
        Assert.Empty(outcomes[1].Value.Out);
        Assert.Empty(outcomes[2].Value.Out);
        Assert.False(System.IO.File.Exists(File("x3-1.npy")));
        Assert.False(System.IO.File.Exists(File("x3-2.npy")));
        var summary = JsonDocument.Parse(outcomes[0].Value.Out).RootElement;
        Assert.Equal(3, summary.GetProperty("ranks").GetInt32());
        long bytes = summary.GetProperty("bytes_communicated").GetInt64();
        Assert.Equal(outcomes.Sum(o => o.BytesCommunicated) - 3 * 16 - 3 * 2, bytes);   // the tally's own Allreduce and the final agreement come after it
        Assert.Equal("Converged", summary.GetProperty("status").GetString());
        Assert.Equal(Npy.ReadVector(File("x1.npy")).ToArray(), Npy.ReadVector(File("x3-0.npy")).ToArray());
        double error = (Npy.ReadVector(File("x1.npy")) - p.XStar).L2Norm() / p.XStar.L2Norm();
        Assert.True(error < 1e-12, $"error against x*: {error:E2}");
    }

    [Fact]
    public void Stream_gives_the_bits_of_the_in_memory_run_over_the_same_blocks()
    {
        WriteProblem();
        var (code, _, err) = Run(Args("mem.npy", "--row-blocks", "2"));
        Assert.True(code == 0, err);
        (code, var output, err) = Run(Args("stream.npy", "--row-blocks", "2", "--stream"));
        Assert.True(code == 0, err);
        Assert.True(JsonDocument.Parse(output).RootElement.GetProperty("stream").GetBoolean());
        Assert.Equal(Npy.ReadVector(File("mem.npy")).ToArray(), Npy.ReadVector(File("stream.npy")).ToArray());

        (code, _, err) = Run(["lstsq", "--a", File("a.npy"), "--b", File("b.npy"), "--out", File("s.npy"), "--stream", "--quiet"]);
        Assert.Equal(CliApp.UsageError, code);
        Assert.Contains("--stream needs --sketch countsketch or gaussian", err);
    }

    [Fact]
    public void A_rank_whose_rows_hold_a_nan_makes_every_rank_fail_with_one_line()
    {
        var p = WriteProblem();
        var a = p.A.Clone();
        a[1500, 2] = double.NaN;   // in block 2 of 3
        Npy.Write(File("a.npy"), a);
        var outcomes = RunRanks(3, r => Args("x.npy"));
        foreach (var o in outcomes)
        {
            Assert.Null(o.Error);
            Assert.NotEqual(0, o.Value.Code);
            Assert.Empty(o.Value.Out);
            Assert.Single(CliProcess.Lines(o.Value.Err));
        }
        Assert.Contains("NaN", outcomes[2].Value.Err);
        Assert.Contains("another rank", outcomes[0].Value.Err);
        Assert.False(System.IO.File.Exists(File("x.npy")));
    }
}
