using Numerics.LinearAlgebra;

namespace Numerics.Proximal;

/// <summary>
/// A batch of m columns cut into fixed blocks for the dense network's passes: every pass of the
/// network is column-local except the parameter gradient's sums over the batch, so a block can run
/// all its layers, products included, without waiting for the others. The cut depends on m alone,
/// each block runs its products single-threaded, and the per-block parameter gradients are added
/// in block order, so the bits do not depend on the thread count.
/// </summary>
/// <remarks>
/// Running whole blocks in parallel, rather than each product multi-threaded, matters because the
/// products are small (width × width × block columns) and a training step makes about a dozen per
/// layer: a thread-count-dependent BLAS (OpenBLAS, MKL on AMD) would otherwise have to run them
/// single-threaded for reproducibility, on one core, as training did before.
/// </remarks>
internal readonly struct ColumnBlocks
{
    /// <summary>At most this many blocks (each holds a parameter-sized partial gradient).</summary>
    public const int MaxCount = 16;

    /// <summary>At least this many columns per block, so that a block's products stay efficient.</summary>
    public const int MinWidth = 128;

    public ColumnBlocks(int columns)
    {
        Columns = columns;
        // A multiple of 8 columns keeps every block's first element at a multiple of 8 of the
        // h×m arrays, where Softplus's vectors start (its bits depend on the position modulo 8).
        int spread = (int)(((long)columns + MaxCount - 1) / MaxCount);
        Width = Math.Max(MinWidth, (spread + 7) / 8 * 8);
        Count = Math.Max(1, (int)(((long)columns + Width - 1) / Width));
    }

    /// <summary>m, the columns of the batch.</summary>
    public int Columns { get; }

    /// <summary>Columns per block (the last block may have fewer).</summary>
    public int Width { get; }

    /// <summary>The number of blocks, 1..<see cref="MaxCount"/>.</summary>
    public int Count { get; }

    /// <summary>The first column of block <paramref name="b"/>.</summary>
    public int Start(int b) => b * Width;

    /// <summary>The columns of block <paramref name="b"/>.</summary>
    public int Length(int b) => Math.Min(Width, Columns - b * Width);

    /// <summary>
    /// Runs body(block, first column, columns) for every block: directly for a single block (its
    /// products keep the backend's thread count only where that cannot change their bits), otherwise
    /// in parallel with each block's products single-threaded.
    /// </summary>
    public void For(Action<int, int, int> body)
    {
        if (Count == 1)
        {
            // A backend whose GEMM bits follow its thread count (OpenBLAS, MKL on AMD) runs one thread,
            // so a batch gives the same bits whatever the machine's thread count.
            var backend = LinearAlgebraBackend.Current;
            using var single = backend.GemmIsThreadCountInvariant ? null : backend.SingleThreaded();
            body(0, 0, Columns);
            return;
        }
        var blocks = this;
        using var scope = LinearAlgebraBackend.Current.SingleThreaded();
        Parallel.For(0, Count, b => body(b, blocks.Start(b), blocks.Length(b)));
    }
}
