using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

/// <summary>Per-scope thread counts: nesting, isolation between execution flows, and the native library's own count.</summary>
public class ThreadScopeTests
{
    /// <summary>A backend of its own, so that other tests changing the shared ones' counts cannot interfere.</summary>
    private static LinearAlgebraBackend NewBackend(int threads) => new ManagedBackend { Threads = threads };

    [Fact]
    public void Nested_scopes_restore_the_enclosing_count_in_order()
    {
        var backend = NewBackend(6);
        Assert.Equal(6, backend.EffectiveThreads);
        using (backend.UseThreads(3))
        {
            Assert.Equal(3, backend.EffectiveThreads);
            using (backend.SingleThreaded())
            {
                Assert.Equal(1, backend.EffectiveThreads);
                using (backend.UseThreads(2)) Assert.Equal(2, backend.EffectiveThreads);
                Assert.Equal(1, backend.EffectiveThreads);
            }
            Assert.Equal(3, backend.EffectiveThreads);
        }
        Assert.Equal(6, backend.EffectiveThreads);
        Assert.Equal(6, backend.Threads);
    }

    [Fact]
    public void Scopes_disposed_out_of_order_leave_no_closed_count_in_force()
    {
        var backend = NewBackend(2);
        var outer = backend.UseThreads(5);
        var inner = backend.UseThreads(1);
        outer.Dispose();
        Assert.Equal(1, backend.EffectiveThreads);   // the inner scope is still open
        inner.Dispose();
        Assert.Equal(2, backend.EffectiveThreads);   // not the closed outer scope's 5

        var a = backend.UseThreads(3);
        var b = backend.UseThreads(4);
        var c = backend.UseThreads(6);
        b.Dispose();
        c.Dispose();
        Assert.Equal(3, backend.EffectiveThreads);
        a.Dispose();
        Assert.Equal(2, backend.EffectiveThreads);
    }

    [Fact]
    public void Disposing_twice_does_not_undo_the_enclosing_scope()
    {
        var backend = NewBackend(4);
        using var outer = backend.UseThreads(2);
        var inner = backend.UseThreads(1);
        inner.Dispose();
        inner.Dispose();
        Assert.Equal(2, backend.EffectiveThreads);
    }

    [Fact]
    public async Task A_scope_flows_into_parallel_work_but_not_into_other_flows()
    {
        var backend = NewBackend(5);
        using var scope = backend.UseThreads(2);
        var seen = new int[64];
        Parallel.For(0, seen.Length, i => seen[i] = backend.EffectiveThreads);
        Assert.All(seen, s => Assert.Equal(2, s));
        Task<int> outside;
        using (ExecutionContext.SuppressFlow()) outside = Task.Run(() => backend.EffectiveThreads);
        Assert.Equal(5, await outside);
    }

    [Fact]
    public async Task Concurrent_flows_keep_their_own_counts()
    {
        var backend = NewBackend(8);
        using var bothInside = new Barrier(2);
        int Flow(int threads)
        {
            using var scope = backend.UseThreads(threads);
            bothInside.SignalAndWait(); // both scopes are open at once here
            int seen = backend.EffectiveThreads;
            bothInside.SignalAndWait();
            return seen;
        }
        var a = Task.Run(() => Flow(1));
        var b = Task.Run(() => Flow(3));
        int[] seen = await Task.WhenAll(a, b);
        Assert.Equal(new[] { 1, 3 }, seen);
        Assert.Equal(8, backend.EffectiveThreads);
    }

    [Fact]
    public void Bad_counts_are_rejected_naming_the_parameter()
    {
        var backend = NewBackend(2);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => backend.UseThreads(0)).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => backend.Threads = 0).ParamName);
        Assert.Equal(2, backend.EffectiveThreads);
    }
}
