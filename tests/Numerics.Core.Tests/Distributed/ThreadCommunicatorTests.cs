using Numerics.Distributed;
using Xunit;

namespace Numerics.Tests.Distributed;

public sealed class ThreadCommunicatorTests
{
    [Fact]
    public void AllreduceSumsInRankOrderWithTheSameBitsOnEveryRank()
    {
        // 1e16 + 1 − 1e16 depends on the order: rank order gives (1e16 + 1) + (−1e16) = 0, not 1.
        double[] contributions = [1e16, 1, -1e16];
        var outcomes = ThreadCommunicator.Run(3, c =>
        {
            var v = new[] { contributions[c.Rank], c.Rank };
            c.AllreduceSum(v);
            return v;
        });
        double expected = (1e16 + 1) + -1e16;
        foreach (var o in outcomes)
        {
            Assert.Null(o.Error);
            Assert.Equal(expected, o.Value![0]);
            Assert.Equal(3, o.Value[1]);
            Assert.Equal(32, o.BytesCommunicated);
        }
    }

    [Fact]
    public void BroadcastAndAgreement()
    {
        var outcomes = ThreadCommunicator.Run(4, c =>
        {
            var v = new[] { c.Rank == 2 ? 42.0 : -1 };
            c.Broadcast(v, 2);
            return (v[0], c.AllAgree(c.Rank != 3), c.AllAgree(true));
        });
        Assert.All(outcomes, o => Assert.Equal((42.0, false, true), o.Value));
    }

    [Fact]
    public async Task ARankThatLeavesBreaksTheCollectivesOfTheOthersInsteadOfHangingThem()
    {
        var run = Task.Run(() => ThreadCommunicator.Run(3, c =>
        {
            if (c.Rank == 1) throw new InvalidDataException("rank 1 fails before the collective");
            var v = new double[1];
            c.AllreduceSum(v);
            return v[0];
        }));
        var outcomes = await run.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsType<InvalidDataException>(outcomes[1].Error);
        Assert.IsType<InvalidOperationException>(outcomes[0].Error);
        Assert.IsType<InvalidOperationException>(outcomes[2].Error);
    }
}
