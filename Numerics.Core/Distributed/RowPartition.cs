namespace Numerics.Distributed;

/// <summary>
/// The split of n rows into R contiguous blocks, as even as possible: block r holds ⌊n/R⌋ rows, and
/// the first n mod R blocks one row more, in order. Block r starts at r·⌊n/R⌋ + min(r, n mod R).
/// </summary>
/// <remarks>
/// Every rank computes its block from (n, R, r) alone, so no rank needs to ask another where its
/// rows are; a one-process run over the same R blocks (<c>numerics lstsq --row-blocks R</c>) uses
/// the same rule, which is what makes its result comparable bit for bit with an R-rank run.
/// </remarks>
public static class RowPartition
{
    /// <summary>The first row and the row count of block <paramref name="block"/> of <paramref name="blocks"/>.</summary>
    /// <param name="rows">n ≥ 0, the rows to split.</param>
    /// <param name="blocks">R ≥ 1, the number of blocks.</param>
    /// <param name="block">r in [0, R).</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is negative, R &lt; 1, or r lies outside [0, R).</exception>
    public static (long Offset, long Count) Block(long rows, int blocks, int block)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        if (block < 0 || block >= blocks) throw new ArgumentOutOfRangeException(nameof(block), $"block must lie in [0, {blocks}), got {block}.");
        long quotient = rows / blocks, remainder = rows % blocks;
        return (block * quotient + Math.Min(block, remainder), quotient + (block < remainder ? 1 : 0));
    }
}
