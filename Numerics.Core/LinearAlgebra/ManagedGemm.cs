using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Numerics.LinearAlgebra;

/// <summary>
/// The managed GEMM: C ← α·op(A)·op(B) + β·C on column-major spans, for float and double.
/// </summary>
/// <remarks>
/// Goto/BLIS structure: op(B) is packed into NR-column micro-panels per (KC×NC) block, op(A) into
/// MR-row micro-panels per (MC×KC) block, and a register-tiled micro-kernel keeps an MR×NR block
/// of C in 12 <see cref="Vector256{T}"/> accumulators (MR = two vectors, NR = 6), which leaves
/// enough of the 16 AVX2 registers for the A loads and the B broadcast.
/// Work is split over (row block, column group) tiles of C only; the k-loop order of every C
/// entry is fixed by KC, so the result is bit-identical whatever the thread count.
/// </remarks>
internal static unsafe class ManagedGemm
{
    private const int NR = 6;
    private const int KC = 256;
    private const int NC = 3072;
    /// <summary>Column width of one parallel work item (16 micro-panels).</summary>
    private const int ColumnGroup = 16 * NR;
    /// <summary>Below this many multiply-adds a single thread beats the fork/join overhead.</summary>
    private const long ParallelThreshold = 64L * 64 * 64;

    private static int MR<T>() => 2 * Vector256<T>.Count;
    private static int MC<T>() => typeof(T) == typeof(float) ? 192 : 96;

    public static void Multiply<T>(Transpose transA, Transpose transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, T beta, Span<T> c, int ldc, int threads)
        where T : unmanaged, INumber<T>
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            ScaleMatrix(m, n, beta, c, ldc);
            return;
        }

        int mr = MR<T>(), mcMax = MC<T>();
        int kcMax = Math.Min(KC, k), ncMax = Math.Min(NC, n);
        int mPanels = (m + mr - 1) / mr;
        T[] packedA = ArrayPool<T>.Shared.Rent(mPanels * mr * kcMax);
        T[] packedB = ArrayPool<T>.Shared.Rent(((ncMax + NR - 1) / NR) * NR * kcMax);
        bool parallel = threads > 1 && (long)m * n * k >= ParallelThreshold;
        var options = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) };
        try
        {
            fixed (T* pa = a, pb = b, pc = c, ap = packedA, bp = packedB)
            {
                var ctx = new Context<T>
                {
                    A = pa, B = pb, C = pc, Lda = lda, Ldb = ldb, Ldc = ldc,
                    TransA = transA, TransB = transB, Alpha = alpha, M = m,
                    PackedA = ap, PackedB = bp, Mc = mcMax,
                };
                for (int jc = 0; jc < n; jc += NC)
                {
                    int nc = Math.Min(NC, n - jc);
                    for (int p0 = 0; p0 < k; p0 += KC)
                    {
                        int kc = Math.Min(KC, k - p0);
                        ctx.Jc = jc; ctx.Nc = nc; ctx.P0 = p0; ctx.Kc = kc;
                        ctx.Beta = p0 == 0 ? beta : T.One;
                        int nPanels = (nc + NR - 1) / NR;
                        int rowBlocks = (m + mcMax - 1) / mcMax;
                        int colGroups = (nc + ColumnGroup - 1) / ColumnGroup;
                        if (parallel)
                        {
                            var local = ctx;
                            Parallel.For(0, nPanels, options, j => PackB(local, j));
                            Parallel.For(0, mPanels, options, i => PackA(local, i));
                            Parallel.For(0, rowBlocks * colGroups, options, t => Compute(local, t / colGroups, t % colGroups));
                        }
                        else
                        {
                            for (int j = 0; j < nPanels; j++) PackB(ctx, j);
                            for (int i = 0; i < mPanels; i++) PackA(ctx, i);
                            for (int t = 0; t < rowBlocks * colGroups; t++) Compute(ctx, t / colGroups, t % colGroups);
                        }
                    }
                }
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(packedA);
            ArrayPool<T>.Shared.Return(packedB);
        }
    }

    private struct Context<T> where T : unmanaged
    {
        public T* A, B, C, PackedA, PackedB;
        public int Lda, Ldb, Ldc, M, Mc, Jc, Nc, P0, Kc;
        public Transpose TransA, TransB;
        public T Alpha, Beta;
    }

    /// <summary>Packs op(A)[i·MR .. +MR, p0 .. p0+kc] as kc consecutive MR-vectors, zero-padded.</summary>
    private static void PackA<T>(Context<T> ctx, int panel) where T : unmanaged, INumber<T>
    {
        int mr = MR<T>();
        int i0 = panel * mr, rows = Math.Min(mr, ctx.M - i0);
        T* dst = ctx.PackedA + (long)panel * mr * ctx.Kc;
        if (ctx.TransA == Transpose.NoTranspose)
        {
            for (int p = 0; p < ctx.Kc; p++)
            {
                T* src = ctx.A + i0 + (long)(ctx.P0 + p) * ctx.Lda;
                T* d = dst + p * mr;
                int i = 0;
                for (; i < rows; i++) d[i] = src[i];
                for (; i < mr; i++) d[i] = T.Zero;
            }
        }
        else
        {
            for (int i = 0; i < mr; i++)
            {
                if (i < rows)
                {
                    T* src = ctx.A + ctx.P0 + (long)(i0 + i) * ctx.Lda;
                    for (int p = 0; p < ctx.Kc; p++) dst[p * mr + i] = src[p];
                }
                else
                {
                    for (int p = 0; p < ctx.Kc; p++) dst[p * mr + i] = T.Zero;
                }
            }
        }
    }

    /// <summary>Packs op(B)[p0 .. p0+kc, jc+j·NR .. +NR] as kc consecutive NR-rows, zero-padded.</summary>
    private static void PackB<T>(Context<T> ctx, int panel) where T : unmanaged, INumber<T>
    {
        int j0 = panel * NR, cols = Math.Min(NR, ctx.Nc - j0);
        T* dst = ctx.PackedB + (long)panel * NR * ctx.Kc;
        if (ctx.TransB == Transpose.NoTranspose)
        {
            for (int j = 0; j < NR; j++)
            {
                if (j < cols)
                {
                    T* src = ctx.B + ctx.P0 + (long)(ctx.Jc + j0 + j) * ctx.Ldb;
                    for (int p = 0; p < ctx.Kc; p++) dst[p * NR + j] = src[p];
                }
                else
                {
                    for (int p = 0; p < ctx.Kc; p++) dst[p * NR + j] = T.Zero;
                }
            }
        }
        else
        {
            for (int p = 0; p < ctx.Kc; p++)
            {
                T* src = ctx.B + ctx.Jc + j0 + (long)(ctx.P0 + p) * ctx.Ldb;
                T* d = dst + p * NR;
                int j = 0;
                for (; j < cols; j++) d[j] = src[j];
                for (; j < NR; j++) d[j] = T.Zero;
            }
        }
    }

    /// <summary>Runs the micro-kernel over one row block × one column group of C.</summary>
    private static void Compute<T>(Context<T> ctx, int rowBlock, int colGroup) where T : unmanaged, INumber<T>
    {
        int mr = MR<T>();
        int iStart = rowBlock * ctx.Mc, iEnd = Math.Min(ctx.M, iStart + ctx.Mc);
        int jStart = colGroup * ColumnGroup, jEnd = Math.Min(ctx.Nc, jStart + ColumnGroup);
        T* edge = stackalloc T[2 * Vector256<T>.Count * NR];
        for (int j = jStart; j < jEnd; j += NR)
        {
            int nr = Math.Min(NR, jEnd - j);
            T* bPanel = ctx.PackedB + (long)(j / NR) * NR * ctx.Kc;
            for (int i = iStart; i < iEnd; i += mr)
            {
                int rows = Math.Min(mr, iEnd - i);
                T* aPanel = ctx.PackedA + (long)(i / mr) * mr * ctx.Kc;
                T* cTile = ctx.C + i + (long)(ctx.Jc + j) * ctx.Ldc;
                if (rows == mr && nr == NR)
                {
                    MicroKernel(ctx.Kc, aPanel, bPanel, ctx.Alpha, ctx.Beta, cTile, ctx.Ldc, null);
                }
                else
                {
                    MicroKernel(ctx.Kc, aPanel, bPanel, ctx.Alpha, ctx.Beta, null, mr, edge);
                    for (int jj = 0; jj < nr; jj++)
                        for (int ii = 0; ii < rows; ii++)
                        {
                            ref T cij = ref cTile[ii + (long)jj * ctx.Ldc];
                            T ab = edge[ii + jj * mr];
                            cij = ctx.Beta == T.Zero ? ctx.Alpha * ab : ctx.Alpha * ab + ctx.Beta * cij;
                        }
                }
            }
        }
    }

    /// <summary>
    /// MR×6 register tile over kc steps. Writes α·AB + β·C into <paramref name="c"/>, or the raw AB
    /// into <paramref name="raw"/> (leading dimension MR) for edge tiles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void MicroKernel<T>(int kc, T* a, T* b, T alpha, T beta, T* c, int ldc, T* raw)
        where T : unmanaged, INumber<T>
    {
        int w = Vector256<T>.Count;
        Vector256<T> c00 = default, c01 = default, c10 = default, c11 = default, c20 = default, c21 = default;
        Vector256<T> c30 = default, c31 = default, c40 = default, c41 = default, c50 = default, c51 = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<T> a0 = Vector256.Load(a), a1 = Vector256.Load(a + w);
            Vector256<T> bj = Vector256.Create(b[0]);
            c00 = Fma(a0, bj, c00); c01 = Fma(a1, bj, c01);
            bj = Vector256.Create(b[1]);
            c10 = Fma(a0, bj, c10); c11 = Fma(a1, bj, c11);
            bj = Vector256.Create(b[2]);
            c20 = Fma(a0, bj, c20); c21 = Fma(a1, bj, c21);
            bj = Vector256.Create(b[3]);
            c30 = Fma(a0, bj, c30); c31 = Fma(a1, bj, c31);
            bj = Vector256.Create(b[4]);
            c40 = Fma(a0, bj, c40); c41 = Fma(a1, bj, c41);
            bj = Vector256.Create(b[5]);
            c50 = Fma(a0, bj, c50); c51 = Fma(a1, bj, c51);
            a += 2 * w;
            b += NR;
        }
        if (raw != null)
        {
            int s = 2 * w;
            c00.Store(raw); c01.Store(raw + w);
            c10.Store(raw + s); c11.Store(raw + s + w);
            c20.Store(raw + 2 * s); c21.Store(raw + 2 * s + w);
            c30.Store(raw + 3 * s); c31.Store(raw + 3 * s + w);
            c40.Store(raw + 4 * s); c41.Store(raw + 4 * s + w);
            c50.Store(raw + 5 * s); c51.Store(raw + 5 * s + w);
            return;
        }
        var va = Vector256.Create(alpha);
        if (beta == T.Zero)
        {
            (va * c00).Store(c); (va * c01).Store(c + w); c += ldc;
            (va * c10).Store(c); (va * c11).Store(c + w); c += ldc;
            (va * c20).Store(c); (va * c21).Store(c + w); c += ldc;
            (va * c30).Store(c); (va * c31).Store(c + w); c += ldc;
            (va * c40).Store(c); (va * c41).Store(c + w); c += ldc;
            (va * c50).Store(c); (va * c51).Store(c + w);
        }
        else
        {
            var vb = Vector256.Create(beta);
            Update(c, w, va, vb, c00, c01); c += ldc;
            Update(c, w, va, vb, c10, c11); c += ldc;
            Update(c, w, va, vb, c20, c21); c += ldc;
            Update(c, w, va, vb, c30, c31); c += ldc;
            Update(c, w, va, vb, c40, c41); c += ldc;
            Update(c, w, va, vb, c50, c51);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update<T>(T* c, int w, Vector256<T> alpha, Vector256<T> beta, Vector256<T> lo, Vector256<T> hi)
        where T : unmanaged
    {
        (alpha * lo + beta * Vector256.Load(c)).Store(c);
        (alpha * hi + beta * Vector256.Load(c + w)).Store(c + w);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
            return Vector256.FusedMultiplyAdd(x.AsDouble(), y.AsDouble(), acc.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(x.AsSingle(), y.AsSingle(), acc.AsSingle()).As<float, T>();
        return x * y + acc;
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
