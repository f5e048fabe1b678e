using System.Numerics;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Copies blocks of op(A) and op(B) into the micro-panel order the GEMM micro-kernels read: one
/// contiguous stream per tile, zero-padded to whole tiles so that the kernels never branch on edges.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs op(A)[i0 .. i0+rows, p0 .. p0+kc] as ⌈rows/mr⌉ micro-panels; the panel of row i (a
    /// multiple of mr) starts at <c>dst + i·kc</c> and holds kc consecutive mr-vectors.
    /// </summary>
    public static void PackA<T>(T* a, nint lda, Transpose trans, int i0, int rows, int p0, int kc, int mr, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i += mr)
        {
            int r = Math.Min(mr, rows - i);
            T* panel = dst + (nint)i * kc;
            if (trans == Transpose.NoTranspose)
            {
                // Column p of A holds the mr rows contiguously: one short copy per k step.
                T* src = a + i0 + i + p0 * lda;
                for (int p = 0; p < kc; p++, src += lda)
                {
                    T* d = panel + (nint)p * mr;
                    new ReadOnlySpan<T>(src, r).CopyTo(new Span<T>(d, r));
                    if (r < mr) new Span<T>(d + r, mr - r).Clear();
                }
            }
            else
            {
                // op(A)(i, p) = A(p, i): row i of op(A) is a contiguous column of A; read it in order.
                for (int ii = 0; ii < mr; ii++)
                {
                    T* d = panel + ii;
                    if (ii < r)
                    {
                        T* src = a + p0 + (i0 + i + ii) * lda;
                        for (int p = 0; p < kc; p++) d[(nint)p * mr] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[(nint)p * mr] = T.Zero;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0+kc, j0 .. j0+cols] as ⌈cols/nr⌉ micro-panels; the panel of column j (a
    /// multiple of nr) starts at <c>dst + j·kc</c> and holds kc consecutive rows of nr values.
    /// </summary>
    public static void PackB<T>(T* b, nint ldb, Transpose trans, int p0, int kc, int j0, int cols, int nr, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int j = 0; j < cols; j += nr)
        {
            int c = Math.Min(nr, cols - j);
            T* panel = dst + (nint)j * kc;
            if (trans == Transpose.NoTranspose)
            {
                // op(B)(p, j) = B(p, j): each column of the panel is contiguous in B; read column by column.
                for (int jj = 0; jj < nr; jj++)
                {
                    T* d = panel + jj;
                    if (jj < c)
                    {
                        T* src = b + p0 + (j0 + j + jj) * ldb;
                        for (int p = 0; p < kc; p++) d[(nint)p * nr] = src[p];
                    }
                    else
                    {
                        for (int p = 0; p < kc; p++) d[(nint)p * nr] = T.Zero;
                    }
                }
            }
            else
            {
                // op(B)(p, j) = B(j, p): a row of the panel is contiguous in B.
                T* src = b + j0 + j + p0 * ldb;
                for (int p = 0; p < kc; p++, src += ldb)
                {
                    T* d = panel + (nint)p * nr;
                    int jj = 0;
                    for (; jj < c; jj++) d[jj] = src[jj];
                    for (; jj < nr; jj++) d[jj] = T.Zero;
                }
            }
        }
    }
}
