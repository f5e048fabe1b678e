namespace Numerics.Random;

/// <summary>
/// A distribution that turns each Philox block into <see cref="PerBlock"/> consecutive elements:
/// element i of the stream comes from block ⌊i/PerBlock⌋ alone.
/// </summary>
internal interface IBlockDistribution<T> where T : unmanaged
{
    /// <summary>Elements per 128-bit block.</summary>
    static abstract int PerBlock { get; }

    /// <summary>Element <paramref name="index"/> on its own (the fill's partial blocks at either end).</summary>
    static abstract T Element(CounterRng rng, long index);

    /// <summary>
    /// The elements of <paramref name="count"/> whole blocks (4·count words, block after block) into
    /// destination[0 .. count·PerBlock); every path gives the same bits.
    /// </summary>
    static abstract unsafe void FromBlocks(uint* blocks, int count, T* destination, PhiloxPath path);
}

/// <summary>
/// The one fill loop behind every <see cref="CounterRng"/> fill: partial blocks at the ends element
/// by element, whole blocks in the middle through a small Philox buffer (SIMD-generated), split over
/// threads for long fills. Every element is a function of its index alone, so neither the split nor
/// the path changes a bit.
/// </summary>
internal static class BlockFill
{
    /// <summary>Fills shorter than this stay on the calling thread.</summary>
    private const int ParallelThreshold = 1 << 16;
    /// <summary>Elements per parallel task (whole blocks).</summary>
    private const int TaskElements = 1 << 14;
    /// <summary>Blocks generated at a time: 4 KiB of Philox output, which stays in L1 until transformed.</summary>
    private const int BufferBlocks = 256;

    public static unsafe void Fill<T, TDistribution>(CounterRng rng, Span<T> destination, long start, PhiloxPath path)
        where T : unmanaged where TDistribution : IBlockDistribution<T>
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start, nameof(start));
        int w = TDistribution.PerBlock, n = destination.Length;
        int head = (int)Math.Min(n, (w - start % w) % w);
        int blocks = (n - head) / w;
        for (int i = 0; i < head; i++) destination[i] = TDistribution.Element(rng, start + i);
        for (int i = head + blocks * w; i < n; i++) destination[i] = TDistribution.Element(rng, start + i);
        if (blocks == 0) return;
        ulong first = (ulong)((start + head) / w);
        fixed (T* p = destination)
        {
            T* body = p + head;
            if (n < ParallelThreshold)
            {
                Blocks<T, TDistribution>(rng, first, 0, blocks, body, path);
                return;
            }
            int perTask = TaskElements / w;
            Parallel.For(0, (blocks + perTask - 1) / perTask, t =>
                Blocks<T, TDistribution>(rng, first, t * perTask, Math.Min(blocks, (t + 1) * perTask), body, path));
        }
    }

    private static unsafe void Blocks<T, TDistribution>(CounterRng rng, ulong first, int from, int to, T* body, PhiloxPath path)
        where T : unmanaged where TDistribution : IBlockDistribution<T>
    {
        uint* buffer = stackalloc uint[4 * BufferBlocks];
        for (int b = from; b < to; b += BufferBlocks)
        {
            int count = Math.Min(BufferBlocks, to - b);
            PhiloxLanes.Generate(path, rng, first + (ulong)b, count, buffer);
            TDistribution.FromBlocks(buffer, count, body + (long)b * TDistribution.PerBlock, path);
        }
    }
}
