namespace Numerics.Proximal;

/// <summary>
/// Runs an elementwise body over a batch array in fixed blocks of <see cref="BlockLength"/>
/// elements, in parallel when there are several. The blocks do not depend on the thread count and
/// each element is written by one block, so results are the same bits however many threads run.
/// </summary>
internal static class BatchBlocks
{
    /// <summary>
    /// 8192 doubles (64 KiB): a multiple of the vector width (so vector and scalar tails fall at the
    /// same elements whatever the split) and large enough that a block costs far more than the
    /// parallel loop's scheduling, about a microsecond.
    /// </summary>
    public const int BlockLength = 8192;

    public static void For(int length, Action<int, int> body)
    {
        int blocks = (length + BlockLength - 1) / BlockLength;
        if (blocks <= 1) { body(0, length); return; }
        Parallel.For(0, blocks, b => body(b * BlockLength, Math.Min(length, (b + 1) * BlockLength)));
    }
}
