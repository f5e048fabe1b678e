using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Numerics.LinearAlgebra;

/// <summary>
/// The managed GEMM: C ← α·op(A)·op(B) + β·C on column-major spans, for float and double.
/// </summary>
/// <remarks>
/// <para>Vector shapes go to <see cref="ManagedBlas.Gemv{T}"/>: m = 1 is one gemv with B, n = 1 one
/// gemv with A, and k = 1 (an outer product) one axpy per column, instead of tiles padded to MR×NR.</para>
/// <para>Everything else follows Goto/BLIS: op(B) is packed into NR-column micro-panels per KC×NC
/// block, op(A) into MR-row micro-panels per MC×KC block, and an <see cref="IGemmMicroKernel{T}"/>
/// (<see cref="ManagedGemmKernel"/>) keeps an MR×NR tile of C in registers. When a worker's rows fit one MC
/// block and A is not transposed, the kernel reads A where it lies (only a ragged last panel is
/// copied): small products skip the copy of A.</para>
/// <para>Threads: C is cut once into a grid of rectangles, one per worker, each computed with its own
/// packing buffers, so a GEMM is one parallel region. Every entry of C is one chain of fused
/// multiply-adds per KC block, in k order, then α·acc + β·c; KC is one constant for every kernel and
/// partition, so the bits depend neither on the thread count nor on the kernel.</para>
/// </remarks>
internal static unsafe class ManagedGemm
{
    /// <summary>
    /// Depth of a packed block, the same for every kernel and thread count because it fixes the
    /// summation order. 256 steps keep an 8-column B micro-panel (16 KB in fp64) in a 32–48 KB L1.
    /// </summary>
    private const int KC = 256;

    /// <summary>An MC×KC block of A takes about 384 KB: well inside a 1 MB L2, with room for B panels and C.</summary>
    private const int PackedABytes = 384 * 1024;

    /// <summary>Columns of B packed at once: a KC×NC fp64 panel of 4 MB per worker stays in L3.</summary>
    private const int NC = 2048;

    /// <summary>Multiply-adds one worker should have at least (≈ 20 µs), so that splitting pays for waking a thread.</summary>
    private const long WorkPerWorker = 1L << 19;

    /// <summary>Packing buffers are aligned to a cache line so that the kernel's vector loads never split one.</summary>
    private const int Alignment = 64;

    /// <summary>C ← α·op(A)·op(B) + β·C with the fastest kernel this machine has.</summary>
    public static void Multiply<T>(Transpose transA, Transpose transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, int threads)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, ManagedGemmKernels.Best);

    /// <summary>C ← α·op(A)·op(B) + β·C with the given kernel (tests and benchmarks pin one).</summary>
    public static void Multiply<T>(Transpose transA, Transpose transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, int threads, ManagedGemmKernel kernel)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            ScaleMatrix(m, n, beta, c, ldc);
            return;
        }
        if (m == 1)
        {
            RowTimesMatrix(transA, transB, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        if (n == 1 || (k == 1 && transA == Transpose.NoTranspose))
        {
            ColumnByColumn(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }
        fixed (T* pa = a, pb = b, pc = c)
        {
            // op(A)(i, p) at A + i·ARowStride + p·ADepthStride, op(B)(p, j) at B + j·BColumnStride + p·BDepthStride.
            bool plainA = transA == Transpose.NoTranspose, plainB = transB == Transpose.NoTranspose;
            var operands = new Operands<T>
            {
                A = pa, B = pb, C = pc, Ldc = ldc, K = k, Alpha = alpha, Beta = beta,
                ARowStride = plainA ? 1 : lda, ADepthStride = plainA ? lda : 1,
                BColumnStride = plainB ? ldb : 1, BDepthStride = plainB ? 1 : ldb,
            };
            if (kernel == ManagedGemmKernel.Vector512) Blocked<T, Vector512MicroKernel<T>>(operands, m, n, threads);
            else Blocked<T, Vector256MicroKernel<T>>(operands, m, n, threads);
        }
    }

    /// <summary>m = 1: C(0, :) ← α·op(B)ᵀ·op(A)(0, :)ᵀ + β·C(0, :), one gemv with B writing C's row in place.</summary>
    private static void RowTimesMatrix<T>(Transpose transA, Transpose transB, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int incA = transA == Transpose.NoTranspose ? lda : 1;
        if (transB == Transpose.NoTranspose) ManagedBlas.Gemv(Transpose.Transpose, k, n, alpha, b, ldb, a, incA, beta, c, ldc);
        else ManagedBlas.Gemv(Transpose.NoTranspose, n, k, alpha, b, ldb, a, incA, beta, c, ldc);
    }

    /// <summary>n = 1, or k = 1 with A not transposed: C(:, j) ← α·op(A)·op(B)(:, j) + β·C(:, j), one gemv per column.</summary>
    private static void ColumnByColumn<T>(Transpose transA, Transpose transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int incB = transB == Transpose.NoTranspose ? 1 : ldb;
        for (int j = 0; j < n; j++)
        {
            var x = transB == Transpose.NoTranspose ? b[(j * ldb)..] : b[j..];
            var y = c.Slice(j * ldc, m);
            if (transA == Transpose.NoTranspose) ManagedBlas.Gemv(Transpose.NoTranspose, m, k, alpha, a, lda, x, incB, beta, y, 1);
            else ManagedBlas.Gemv(Transpose.Transpose, k, m, alpha, a, lda, x, incB, beta, y, 1);
        }
    }

    /// <summary>The pinned operands of one product, shared read-only by the workers; transposes are strides.</summary>
    private struct Operands<T> where T : unmanaged
    {
        public T* A, B, C;
        public nint ARowStride, ADepthStride, BColumnStride, BDepthStride, Ldc;
        public int K;
        public T Alpha, Beta;
    }

    /// <summary>Rows of an MC block for this kernel: <see cref="PackedABytes"/> worth, a whole number of tiles.</summary>
    private static int MC<T>(int mr) where T : unmanaged =>
        Math.Max(mr, PackedABytes / (KC * Unsafe.SizeOf<T>()) / mr * mr);

    private static void Blocked<T, TKernel>(Operands<T> g, int m, int n, int threads)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmMicroKernel<T>
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        long work = (long)m * n * g.K;
        int workers = (int)Math.Clamp(work / WorkPerWorker, 1, Math.Max(1, threads));
        var (rowParts, colParts) = Grid(m, n, workers, mr, nr);
        if (rowParts * colParts == 1)
        {
            Block<T, TKernel>(g, 0, m, 0, n);
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = rowParts * colParts };
        Parallel.For(0, rowParts * colParts, options, t =>
        {
            var (i0, i1) = Split(m, rowParts, t / colParts, mr);
            var (j0, j1) = Split(n, colParts, t % colParts, nr);
            if (i1 > i0 && j1 > j0) Block<T, TKernel>(g, i0, i1 - i0, j0, j1 - j0);
        });
    }

    /// <summary>
    /// The grid of worker rectangles with the cheapest largest rectangle, counting its multiply-adds
    /// (rows·cols per k) plus its packing (rows + cols per k, each worker packs its own rows of A and
    /// columns of B) at 16 multiply-adds per packed element: a scalar copy against a vector FMA.
    /// </summary>
    internal static (int RowParts, int ColParts) Grid(int m, int n, int workers, int mr, int nr)
    {
        long mTiles = (m + mr - 1) / mr, nTiles = (n + nr - 1) / nr;
        (int, int) best = (1, 1);
        long bestCost = long.MaxValue;
        for (int rowParts = 1; rowParts <= workers && rowParts <= mTiles; rowParts++)
        {
            int colParts = (int)Math.Min(workers / rowParts, nTiles);
            long rows = (mTiles + rowParts - 1) / rowParts * mr, cols = (nTiles + colParts - 1) / colParts * nr;
            long cost = rows * cols + 16 * (rows + cols);
            if (cost < bestCost)
            {
                best = (rowParts, colParts);
                bestCost = cost;
            }
        }
        return best;
    }

    /// <summary>Part <paramref name="index"/> of <paramref name="parts"/> of [0, total), cut at multiples of <paramref name="unit"/>.</summary>
    private static (int Start, int End) Split(int total, int parts, int index, int unit)
    {
        long units = (total + unit - 1) / unit;
        int start = (int)(units * index / parts) * unit, end = (int)(units * (index + 1) / parts) * unit;
        return (Math.Min(start, total), Math.Min(end, total));
    }

    /// <summary>C[i0 .. i0+rows, j0 .. j0+cols] on the calling thread, with its own packing buffers.</summary>
    private static void Block<T, TKernel>(Operands<T> g, int i0, int rows, int j0, int cols)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmMicroKernel<T>
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        int kcMax = Math.Min(KC, g.K), mcMax = MC<T>(mr), ncMax = Math.Min(NC, (cols + nr - 1) / nr * nr);
        // A not transposed and all rows in one MC block: the kernel reads A in place, as fast as a
        // packed block since it is the same size, and only the ragged last panel needs a copy.
        bool inPlace = g.ARowStride == 1 && rows <= mcMax;
        int aLength = (inPlace ? mr : Math.Min(mcMax, (rows + mr - 1) / mr * mr)) * kcMax;
        int pad = Alignment / Unsafe.SizeOf<T>();
        T[] aBuffer = ArrayPool<T>.Shared.Rent(aLength + pad);
        T[] bBuffer = ArrayPool<T>.Shared.Rent(ncMax * kcMax + pad);
        T* edge = stackalloc T[mr * nr];
        try
        {
            fixed (T* aRaw = aBuffer, bRaw = bBuffer)
            {
                T* packedA = Align(aRaw), packedB = Align(bRaw);
                for (int jc = j0; jc < j0 + cols; jc += NC)
                {
                    int nc = Math.Min(NC, j0 + cols - jc);
                    for (int pc = 0; pc < g.K; pc += KC)
                    {
                        int kc = Math.Min(KC, g.K - pc);
                        T beta = pc == 0 ? g.Beta : T.One;
                        GemmPacking.Pack(g.B + jc * g.BColumnStride + pc * g.BDepthStride, g.BColumnStride, g.BDepthStride, nc, kc, nr, packedB);
                        for (int ic = i0; ic < i0 + rows; ic += mcMax)
                        {
                            int mc = Math.Min(mcMax, i0 + rows - ic);
                            T* block = g.A + ic * g.ARowStride + pc * g.ADepthStride;
                            APanels<T> panels;
                            if (inPlace)
                            {
                                int whole = mc / mr * mr;
                                panels = new APanels<T>(block, 1, g.ADepthStride, packedA, whole);
                                if (whole < mc) GemmPacking.Pack(block + whole, 1, g.ADepthStride, mc - whole, kc, mr, packedA);
                            }
                            else
                            {
                                GemmPacking.Pack(block, g.ARowStride, g.ADepthStride, mc, kc, mr, packedA);
                                panels = new APanels<T>(packedA, kc, mr, packedA, int.MaxValue);
                            }
                            MacroKernel<T, TKernel>(kc, mc, nc, panels, packedB, g.Alpha, beta, g.C + ic + jc * g.Ldc, g.Ldc, edge);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(aBuffer);
            ArrayPool<T>.Shared.Return(bBuffer);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static T* Align<T>(T* p) where T : unmanaged => (T*)(((nint)p + (Alignment - 1)) & ~(nint)(Alignment - 1));

    /// <summary>
    /// Where the kernel finds the A micro-panel of row i: at <c>Base + i·RowScale</c> with step
    /// <c>Step</c> per k, or, for rows from <c>TailRow</c> on (a ragged panel read in place), in the
    /// packed copy at <c>Tail</c>.
    /// </summary>
    private readonly struct APanels<T>(T* @base, nint rowScale, nint step, T* tail, int tailRow) where T : unmanaged
    {
        public readonly T* Base = @base, Tail = tail;
        public readonly nint RowScale = rowScale, Step = step;
        public readonly int TailRow = tailRow;
    }

    /// <summary>The kernel over every tile of an mc×nc block; edge tiles go through a full-size copy so that they round alike.</summary>
    private static void MacroKernel<T, TKernel>(int kc, int mc, int nc, APanels<T> a, T* packedB, T alpha, T beta,
        T* c, nint ldc, T* edge)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TKernel : IGemmMicroKernel<T>
    {
        int mr = TKernel.Rows, nr = TKernel.Columns;
        for (int j = 0; j < nc; j += nr)
        {
            int cols = Math.Min(nr, nc - j);
            T* bPanel = packedB + (nint)j * kc;
            for (int i = 0; i < mc; i += mr)
            {
                int rows = Math.Min(mr, mc - i);
                bool tail = i >= a.TailRow;
                T* aPanel = tail ? a.Tail : a.Base + i * a.RowScale;
                nint step = tail ? mr : a.Step;
                T* tile = c + i + j * ldc;
                if (rows == mr && cols == nr)
                {
                    TKernel.Run(kc, aPanel, step, bPanel, alpha, beta, tile, ldc);
                    continue;
                }
                if (beta != T.Zero) CopyTile(tile, ldc, edge, mr, rows, cols);
                TKernel.Run(kc, aPanel, step, bPanel, alpha, beta, edge, mr);
                CopyTile(edge, mr, tile, ldc, rows, cols);
            }
        }
    }

    private static void CopyTile<T>(T* from, nint ldFrom, T* to, nint ldTo, int rows, int cols) where T : unmanaged
    {
        for (int j = 0; j < cols; j++)
            new ReadOnlySpan<T>(from + j * ldFrom, rows).CopyTo(new Span<T>(to + j * ldTo, rows));
    }

    /// <summary>C ← β·C; β = 0 writes zeros so that NaNs already in C do not survive (BLAS semantics).</summary>
    internal static void ScaleMatrix<T>(int m, int n, T beta, Span<T> c, int ldc) where T : unmanaged, INumber<T>
    {
        if (beta == T.One) return;
        for (int j = 0; j < n; j++)
        {
            var col = c.Slice(j * ldc, m);
            if (beta == T.Zero) col.Clear();
            else for (int i = 0; i < m; i++) col[i] *= beta;
        }
    }
}
