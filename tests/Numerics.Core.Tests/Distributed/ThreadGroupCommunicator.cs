using Numerics.Distributed;

namespace Numerics.Core.Tests.Distributed;

/// <summary>
/// Ranks as threads of this process that exchange spans through shared slots: distributed
/// algorithms tested without MPI. Sums are taken in rank order, as every communicator must.
/// </summary>
/// <remarks>Kept in the tests under this name while Core's own thread-backed communicator is not on this branch.</remarks>
internal sealed class ThreadGroupCommunicator : ICommunicator
{
    /// <summary>How long a rank waits for the others at a collective before the test fails as a hang.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromMinutes(1);

    private readonly Group _group;

    private ThreadGroupCommunicator(Group group, int rank)
    {
        _group = group;
        Rank = rank;
    }

    public int Rank { get; }

    public int Size => _group.Slots.Length;

    public long BytesCommunicated { get; private set; }

    /// <summary>Runs <paramref name="body"/> as <paramref name="size"/> ranks, one thread each; returns each rank's result, or rethrows rank exceptions.</summary>
    public static T[] Run<T>(int size, Func<ICommunicator, T> body)
    {
        var group = new Group(size);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(r => new Thread(() =>
        {
            try { results[r] = body(new ThreadGroupCommunicator(group, r)); }
            catch (Exception e) { errors[r] = e; }
        })).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        var failed = errors.Where(e => e is not null).ToArray();
        if (failed.Length > 0) throw new AggregateException(failed!);
        return results;
    }

    public void AllreduceSum(Span<double> values)
    {
        _group.Slots[Rank] = values.ToArray();
        Wait();
        _group.Slots[0].CopyTo(values);
        for (int r = 1; r < Size; r++)
        {
            var v = _group.Slots[r];
            for (int i = 0; i < values.Length; i++) values[i] += v[i];
        }
        Wait(); // nobody overwrites a slot before every rank has read them all
        if (Size > 1) BytesCommunicated += (long)Size * values.Length * sizeof(double);
    }

    public void Broadcast(Span<double> values, int root)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        if (Rank == root) _group.Slots[root] = values.ToArray();
        Wait();
        _group.Slots[root].CopyTo(values);
        Wait();
        if (Size > 1) BytesCommunicated += (long)values.Length * sizeof(double);
    }

    public bool AllAgree(bool ok)
    {
        _group.Flags[Rank] = ok;
        Wait();
        bool all = _group.Flags.All(f => f);
        Wait();
        if (Size > 1) BytesCommunicated += 2 * sizeof(int);
        return all;
    }

    private void Wait()
    {
        if (!_group.Barrier.SignalAndWait(HangLimit)) throw new TimeoutException($"rank {Rank} waited {HangLimit} at a collective: the ranks disagree on the sequence of collectives");
    }

    private sealed class Group(int size)
    {
        public Barrier Barrier { get; } = new(size);

        public double[][] Slots { get; } = new double[size][];

        public bool[] Flags { get; } = new bool[size];
    }
}
