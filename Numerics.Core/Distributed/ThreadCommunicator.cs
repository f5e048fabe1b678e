namespace Numerics.Distributed;

/// <summary>
/// A group of ranks that are threads of one process: the communicator with which the distributed
/// algorithms are tested without MPI. <see cref="Run{T}"/> starts one thread per rank; each gets its
/// own <see cref="ThreadCommunicator"/>, and the collectives meet at a shared barrier.
/// </summary>
/// <remarks>
/// <para>Sums are formed the way <see cref="ICommunicator"/> requires of every implementation: rank 0's
/// values, plus rank 1's, plus rank 2's, … left to right; each rank forms the sum itself from the
/// same contributions in the same order, so every rank holds the same bits.</para>
/// <para>Bytes are counted as an MPI allreduce to a root and back would move them for a non-root
/// rank: each Allreduce of L doubles counts 16·L bytes (sent and received), a broadcast 8·L, an
/// agreement 2.</para>
/// <para>A rank whose body ends (with an exception or not) leaves the group: a rank waiting in a collective
/// that can no longer complete then throws <see cref="InvalidOperationException"/> instead of
/// hanging. That is a safety net for tests, not a protocol: MPI has no such thing, so the algorithms
/// agree on failures themselves (<see cref="ICommunicator.AllAgree"/>) and tests check that they
/// end with their own errors, never with this one.</para>
/// </remarks>
public sealed class ThreadCommunicator : ICommunicator
{
    private readonly Group _group;
    private long _bytes;

    private ThreadCommunicator(Group group, int rank)
    {
        _group = group;
        Rank = rank;
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size => _group.Size;

    /// <inheritdoc />
    public long BytesCommunicated => Interlocked.Read(ref _bytes);

    /// <summary>
    /// Runs <paramref name="body"/> on <paramref name="size"/> threads, one per rank, and returns each
    /// rank's value or exception, by rank.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is below 1.</exception>
    public static RankOutcome<T>[] Run<T>(int size, Func<ICommunicator, T> body)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentNullException.ThrowIfNull(body);
        var group = new Group(size);
        var outcomes = new RankOutcome<T>[size];
        // Dedicated threads, not pool tasks: a rank blocks in the barrier, and blocked pool threads
        // would starve the Parallel.For loops the ranks run inside.
        var threads = new Thread[size];
        for (int r = 0; r < size; r++)
        {
            int rank = r;
            threads[r] = new Thread(() =>
            {
                var communicator = new ThreadCommunicator(group, rank);
                try { outcomes[rank] = new RankOutcome<T>(body(communicator), null, communicator.BytesCommunicated); }
                catch (Exception e) { outcomes[rank] = new RankOutcome<T>(default, e, communicator.BytesCommunicated); }
                // A rank that is done (either way) takes part in no further collective.
                group.Leave(rank, outcomes[rank].Error is not null);
            }) { IsBackground = true, Name = $"rank {rank}" };
            threads[r].Start();
        }
        foreach (var t in threads) t.Join();
        return outcomes;
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">The ranks passed spans of different lengths (thrown on every rank).</exception>
    public void AllreduceSum(Span<double> values)
    {
        _group.Slots[Rank] = values.ToArray();
        _group.Wait();
        try
        {
            var slots = _group.Slots;
            for (int r = 0; r < Size; r++)
                if (slots[r]!.Length != values.Length)
                    throw new ArgumentException($"AllreduceSum: rank {r} passed {slots[r]!.Length} values, rank {Rank} {values.Length}.", nameof(values));
            slots[0]!.CopyTo(values);
            for (int r = 1; r < Size; r++)
            {
                var other = slots[r]!;
                for (int i = 0; i < values.Length; i++) values[i] += other[i];
            }
        }
        finally { _group.Wait(); }
        Interlocked.Add(ref _bytes, 16L * values.Length);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank.</exception>
    public void Broadcast(Span<double> values, int root)
    {
        if (root < 0 || root >= Size) throw new ArgumentOutOfRangeException(nameof(root), $"root must lie in [0, {Size}), got {root}.");
        if (Rank == root) _group.Slots[root] = values.ToArray();
        _group.Wait();
        try
        {
            var source = _group.Slots[root]!;
            if (source.Length != values.Length)
                throw new ArgumentException($"Broadcast: the root sent {source.Length} values, rank {Rank} expects {values.Length}.", nameof(values));
            if (Rank != root) source.CopyTo(values);
        }
        finally { _group.Wait(); }
        Interlocked.Add(ref _bytes, 8L * values.Length);
    }

    /// <inheritdoc />
    public bool AllAgree(bool ok)
    {
        _group.Votes[Rank] = ok;
        _group.Wait();
        bool all = true;
        for (int r = 0; r < Size; r++) all &= _group.Votes[r];
        _group.Wait();
        Interlocked.Add(ref _bytes, 2);
        return all;
    }

    /// <summary>The state the ranks share: contribution slots and a barrier that a failed rank breaks.</summary>
    private sealed class Group(int size)
    {
        private readonly object _gate = new();
        private int _arrived;
        private long _generation;
        private int _left = -1;
        private bool _failed;

        public int Size { get; } = size;

        public double[]?[] Slots { get; } = new double[size][];

        public bool[] Votes { get; } = new bool[size];

        /// <summary>Waits until every rank arrives; throws when a rank left before that.</summary>
        public void Wait()
        {
            lock (_gate)
            {
                if (_left >= 0) throw Broken();
                long generation = _generation;
                if (++_arrived == Size)
                {
                    _arrived = 0;
                    _generation++;
                    Monitor.PulseAll(_gate);
                    return;
                }
                while (_generation == generation && _left < 0) Monitor.Wait(_gate);
                // A phase that completed before the rank left stands; only an incomplete one fails.
                if (_generation == generation) throw Broken();
            }
        }

        public void Leave(int rank, bool failed)
        {
            lock (_gate)
            {
                if (_left < 0) (_left, _failed) = (rank, failed);
                Monitor.PulseAll(_gate);
            }
        }

        private InvalidOperationException Broken() =>
            new($"Rank {_left} {(_failed ? "ended with an exception" : "finished")} and left the group while the others waited in a collective.");
    }
}

/// <summary>What one rank of <see cref="ThreadCommunicator.Run{T}"/> returned or threw, and the bytes it communicated.</summary>
/// <typeparam name="T">The body's result type.</typeparam>
/// <param name="Value">The body's result (default when it threw).</param>
/// <param name="Error">The exception the body ended with, or null.</param>
/// <param name="BytesCommunicated">The rank's <see cref="ICommunicator.BytesCommunicated"/> at the end.</param>
public readonly record struct RankOutcome<T>(T? Value, Exception? Error, long BytesCommunicated);
