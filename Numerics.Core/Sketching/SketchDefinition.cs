using Numerics.Random;

namespace Numerics.Sketching;

/// <summary>
/// The random tables that define a sketch (SRHT: permutation, signs and sampled rows; CountSketch:
/// buckets), generated once per (kind, m, n, seed) and shared by every operator with the same four
/// numbers. The tables are read-only after construction.
/// </summary>
/// <remarks>
/// <para>Why a cache: solving several problems with one sketch (many right-hand sides, a parameter
/// sweep, the benchmark's repetitions) would otherwise regenerate O(n) random tables per solve,
/// which at small d costs more than the transform itself. The cache keeps the most recent
/// definitions up to <see cref="CacheEntries"/> table entries in all (at most 128 MiB); larger ones
/// are not kept.</para>
/// <para>Why parallel: the tables come from independent (seed, stream) streams, so they are drawn
/// concurrently, and every entry is a function of its index alone, so the result does not depend
/// on how the work is split.</para>
/// </remarks>
internal sealed class SketchDefinition
{
    /// <summary>Table entries (ints and doubles counted alike) the cache may hold in all.</summary>
    internal const long CacheEntries = 1L << 24;

    private static readonly object Gate = new();
    private static readonly LinkedList<SketchDefinition> Recent = new();
    private static long _cachedEntries;

    private readonly Key _key;

    private readonly record struct Key(SketchKind Kind, int Rows, int InputRows, ulong Seed, bool Unpermuted);

    private SketchDefinition(Key key, int paddedRows)
    {
        _key = key;
        if (key.Kind == SketchKind.Srht)
        {
            int[]? positions = null, sampled = null;
            double[] signs = new double[key.InputRows];
            Parallel.Invoke(
                () => positions = key.Unpermuted ? Identity(key.InputRows) : PositionsOf(key.Seed, key.InputRows, paddedRows),
                () => new CounterRng(key.Seed, SketchStreams.Signs).FillRademacher(signs),
                () => sampled = SampledRowsOf(key.Seed, paddedRows, key.Rows));
            Positions = positions!;
            Signs = signs;
            SampledRows = sampled!;
        }
        else if (key.Kind == SketchKind.CountSketch)
        {
            Buckets = BucketsOf(key.Seed, key.InputRows, key.Rows);
        }
    }

    /// <summary>SRHT: the padded row Π(i) that input row i moves to (length n).</summary>
    public int[] Positions { get; } = [];

    /// <summary>SRHT: the sign σᵢ of every input row (length n).</summary>
    public double[] Signs { get; } = [];

    /// <summary>SRHT: the sampled Hadamard rows in ascending order (length m).</summary>
    public int[] SampledRows { get; } = [];

    /// <summary>CountSketch: the output row of each input row (length n).</summary>
    public int[] Buckets { get; } = [];

    private long Entries => (long)Positions.Length + Signs.Length + SampledRows.Length + Buckets.Length;

    /// <summary>The definition of the sketch with these numbers, from the cache or freshly drawn.</summary>
    public static SketchDefinition For(SketchKind kind, int rows, int inputRows, int paddedRows, ulong seed, bool unpermuted)
    {
        var key = new Key(kind, rows, inputRows, seed, unpermuted);
        lock (Gate)
        {
            for (var node = Recent.First; node is not null; node = node.Next)
                if (node.Value._key == key)
                {
                    Recent.Remove(node);
                    Recent.AddFirst(node);
                    return node.Value;
                }
        }
        // Drawn outside the lock: two threads asking for the same new sketch may both draw it, and
        // get identical tables either way.
        var definition = new SketchDefinition(key, paddedRows);
        if (definition.Entries > CacheEntries) return definition;
        lock (Gate)
        {
            Recent.AddFirst(definition);
            _cachedEntries += definition.Entries;
            while (_cachedEntries > CacheEntries && Recent.Last is { } last)
            {
                Recent.RemoveLast();
                _cachedEntries -= last.Value.Entries;
            }
        }
        return definition;
    }

    private static int[] Identity(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        return p;
    }

    private static int[] PositionsOf(ulong seed, int n, int padded)
    {
        var permutation = new CounterRng(seed, SketchStreams.Permutation).Permutation(padded);
        return n == padded ? permutation : permutation[..n];
    }

    private static int[] SampledRowsOf(ulong seed, int padded, int m)
    {
        var rows = new CounterRng(seed, SketchStreams.SampledRows).SampleWithoutReplacement(padded, m);
        Array.Sort(rows);
        return rows;
    }

    private static int[] BucketsOf(ulong seed, int n, int m)
    {
        var rng = new CounterRng(seed, SketchStreams.Buckets);
        var b = new int[n];
        const int chunk = 1 << 14;
        Parallel.For(0, (n + chunk - 1) / chunk, c =>
        {
            int end = Math.Min(n, (c + 1) * chunk);
            for (int i = c * chunk; i < end; i++) b[i] = (int)rng.UniformInteger(i, m);
        });
        return b;
    }
}
