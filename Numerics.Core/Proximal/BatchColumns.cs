namespace Numerics.Proximal;

/// <summary>
/// Runs an elementwise body over the columns of an h×m batch in contiguous blocks, in parallel when
/// the batch is large. Each element is written by exactly one block with the same arithmetic
/// whatever the partition, so results do not depend on the thread count.
/// </summary>
internal static class BatchColumns
{
    /// <summary>Below this many elements a batch runs on the calling thread: a parallel loop costs a few microseconds to start.</summary>
    private const int ParallelThreshold = 1 << 14;

    public static void For(int rows, int columns, Action<int, int> body)
    {
        int workers = Math.Min(Environment.ProcessorCount, Math.Max(1, (int)((long)rows * columns / ParallelThreshold)));
        if (workers <= 1) { body(0, columns); return; }
        int block = (columns + workers - 1) / workers;
        Parallel.For(0, workers, b =>
        {
            int start = b * block, end = Math.Min(columns, start + block);
            if (start < end) body(start, end);
        });
    }
}
