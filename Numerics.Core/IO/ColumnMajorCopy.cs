using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Numerics.IO;

/// <summary>
/// Copies file elements into a column-major destination, converting the element type:
/// contiguously for Fortran-order data, and through a cache-tiled, parallel transpose for
/// C-order data, so a row-major file becomes a column-major matrix in one pass without an
/// intermediate copy.
/// </summary>
internal static unsafe class ColumnMajorCopy
{
    /// <summary>
    /// Tile edge: a 32×32 tile of doubles is 8 KiB on each side, so the strided source rows and the
    /// contiguous destination columns of one tile stay in L1 together.
    /// </summary>
    private const int Tile = 32;

    /// <summary>Below this many elements a transpose runs on the calling thread: forking costs more than it saves.</summary>
    internal const long ParallelThreshold = 1 << 16;

    /// <summary><c>dst[i] = (TDst)src[i]</c> for <c>i &lt; count</c>, reversing each source element's bytes first when <paramref name="swap"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Convert<TSrc, TDst>(TSrc* src, TDst* dst, long count, bool swap)
        where TSrc : unmanaged, INumberBase<TSrc> where TDst : unmanaged, INumberBase<TDst>
    {
        if (swap)
        {
            for (long i = 0; i < count; i++) dst[i] = TDst.CreateTruncating(NpyChunks.Swapped(src[i]));
            return;
        }
        for (long done = 0; done < count; done += int.MaxValue / 8)
        {
            int n = (int)Math.Min(int.MaxValue / 8, count - done);
            if (typeof(TSrc) == typeof(TDst)) new ReadOnlySpan<TDst>(src + done, n).CopyTo(new Span<TDst>(dst + done, n));
            else TensorPrimitives.ConvertTruncating(new ReadOnlySpan<TSrc>(src + done, n), new Span<TDst>(dst + done, n));
        }
    }

    /// <summary>
    /// <c>dst[i + j·ld] = (TDst)src[i·width + j]</c> for <c>i &lt; rows</c>, <c>j &lt; width</c>: a row-major
    /// block into a column-major one, tile by tile, in parallel over bands of rows when <paramref name="parallel"/>.
    /// </summary>
    public static void Transpose<TSrc, TDst>(TSrc* src, int rows, int width, TDst* dst, long ld, bool swap, bool parallel)
        where TSrc : unmanaged, INumberBase<TSrc> where TDst : unmanaged, INumberBase<TDst>
    {
        int rowTiles = (rows + Tile - 1) / Tile;
        if (!parallel || (long)rows * width < ParallelThreshold || Environment.ProcessorCount == 1 || rowTiles == 1)
        {
            TransposeRows(src, 0, rows, width, dst, ld, swap);
            return;
        }
        // Bands of whole tiles, a few per core so an uneven core finishes with the others.
        int bands = Math.Min(rowTiles, 4 * Environment.ProcessorCount);
        int tilesPerBand = (rowTiles + bands - 1) / bands;
        nint s = (nint)src, d = (nint)dst;
        Parallel.For(0, bands, b =>
        {
            int r0 = b * tilesPerBand * Tile, r1 = Math.Min(rows, r0 + tilesPerBand * Tile);
            if (r0 < r1) TransposeRows((TSrc*)s, r0, r1, width, (TDst*)d, ld, swap);
        });
    }

    // Fully optimised from the first call: a one-shot load runs each kernel a few times on huge
    // ranges, so tiered compilation would leave it in unoptimised code for the whole copy.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransposeRows<TSrc, TDst>(TSrc* src, int r0, int r1, int width, TDst* dst, long ld, bool swap)
        where TSrc : unmanaged, INumberBase<TSrc> where TDst : unmanaged, INumberBase<TDst>
    {
        bool packed = typeof(TSrc) == typeof(TDst) && sizeof(TSrc) == 8 && !swap && Avx.IsSupported;
        for (int i0 = r0; i0 < r1; i0 += Tile)
        {
            int i1 = Math.Min(r1, i0 + Tile);
            for (int j0 = 0; j0 < width; j0 += Tile)
            {
                int j1 = Math.Min(width, j0 + Tile);
                int jDone = j0, iDone = i0;
                if (packed)
                {
                    // 4×4 register transposes cover the tile but for its last (rows mod 4) rows and (cols mod 4) columns.
                    jDone = j0 + (j1 - j0) / 4 * 4;
                    iDone = i0 + (i1 - i0) / 4 * 4;
                    for (int j = j0; j < jDone; j += 4)
                        for (int i = i0; i < iDone; i += 4)
                            Transpose4x4((double*)src + (long)i * width + j, width, (double*)dst + j * ld + i, ld);
                    ScalarBlock(src, i0, iDone, jDone, j1, width, dst, ld, swap);
                }
                ScalarBlock(src, iDone, i1, j0, j1, width, dst, ld, swap);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ScalarBlock<TSrc, TDst>(TSrc* src, int i0, int i1, int j0, int j1, int width, TDst* dst, long ld, bool swap)
        where TSrc : unmanaged, INumberBase<TSrc> where TDst : unmanaged, INumberBase<TDst>
    {
        for (int j = j0; j < j1; j++)
        {
            TDst* column = dst + j * ld;
            TSrc* from = src + j;
            if (swap)
                for (int i = i0; i < i1; i++) column[i] = TDst.CreateTruncating(NpyChunks.Swapped(from[(long)i * width]));
            else
                for (int i = i0; i < i1; i++) column[i] = TDst.CreateTruncating(from[(long)i * width]);
        }
    }

    /// <summary>Four rows of four 8-byte elements (row stride <paramref name="width"/>) into four columns (stride <paramref name="ld"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(double* src, int width, double* dst, long ld)
    {
        var r0 = Avx.LoadVector256(src);
        var r1 = Avx.LoadVector256(src + width);
        var r2 = Avx.LoadVector256(src + 2 * width);
        var r3 = Avx.LoadVector256(src + 3 * width);
        var t0 = Avx.UnpackLow(r0, r1);   // r0[0] r1[0] r0[2] r1[2]
        var t1 = Avx.UnpackHigh(r0, r1);  // r0[1] r1[1] r0[3] r1[3]
        var t2 = Avx.UnpackLow(r2, r3);
        var t3 = Avx.UnpackHigh(r2, r3);
        Avx.Store(dst, Avx.Permute2x128(t0, t2, 0x20));
        Avx.Store(dst + ld, Avx.Permute2x128(t1, t3, 0x20));
        Avx.Store(dst + 2 * ld, Avx.Permute2x128(t0, t2, 0x31));
        Avx.Store(dst + 3 * ld, Avx.Permute2x128(t1, t3, 0x31));
    }
}
