using System.Runtime.CompilerServices;

namespace Numerics.LinearAlgebra;

internal static partial class ManagedLapack
{
    /// <summary>
    /// Order of the diagonal blocks of the blocked Cholesky factorization: the width of the GEMMs that
    /// do almost all the work. Best of seven at n = 2048 on the 2-core AVX-512 host: 0.27× OpenBLAS
    /// with 64, 0.4–0.6× with 128 or 256 (the host is noisy; 128 keeps the diagonal work smaller).
    /// </summary>
    public const int CholeskyBlockSize = 128;

    /// <summary>Diagonal blocks up to this order are factored unblocked.</summary>
    private const int UnblockedOrder = 32;

    /// <summary>
    /// Blocked Cholesky factorization A = L·Lᵀ or Uᵀ·U (LAPACK dpotrf), left-looking: block column
    /// j is first updated by everything left of it in one GEMM (inner dimension j, the long one),
    /// then its diagonal block is factored (recursively, with a quarter of the block size, down to
    /// unblocked at order 32) and the block below (or right of) it solved by the blocked TRSM. Only
    /// the requested triangle is read or written.
    /// </summary>
    public static int Potrf(TriangularPart uplo, int n, Span<double> a, int lda) => Potrf(uplo, n, a, lda, CholeskyBlockSize);

    /// <summary>Blocked Cholesky with block size nb; a diagonal block wider than <see cref="UnblockedOrder"/> is factored the same way with nb/4.</summary>
    private static int Potrf(TriangularPart uplo, int n, Span<double> a, int lda, int nb)
    {
        var backend = LinearAlgebraBackend.Managed;
        bool lower = uplo == TriangularPart.Lower;
        var diagonalUpdate = new double[Math.Min(nb, n) * Math.Min(nb, n)];
        for (int j = 0; j < n; j += nb)
        {
            int jb = Math.Min(nb, n - j), rest = n - j - jb;
            var diagonal = a[(j + j * lda)..];
            if (j > 0)
            {
                // Lower: the panel rows are L[j:j+jb, 0:j]; upper: the panel columns are U[0:j, j:j+jb] = that, transposed.
                var panel = lower ? a[j..] : a[(j * lda)..];
                var (first, second) = lower ? (Transpose.NoTranspose, Transpose.Transpose) : (Transpose.Transpose, Transpose.NoTranspose);
                // The diagonal block goes through a buffer so that its other triangle is left untouched.
                backend.Gemm(first, second, jb, jb, j, 1.0, panel, lda, panel, lda, 0.0, diagonalUpdate, jb);
                for (int c = 0; c < jb; c++)
                {
                    int r0 = lower ? c : 0, r1 = lower ? jb : c + 1;
                    for (int r = r0; r < r1; r++) diagonal[r + c * lda] -= diagonalUpdate[r + c * jb];
                }
                if (rest > 0)
                {
                    if (lower)
                        backend.Gemm(Transpose.NoTranspose, Transpose.Transpose, rest, jb, j, -1.0, a[(j + jb)..], lda,
                            panel, lda, 1.0, a[(j + jb + j * lda)..], lda);
                    else
                        backend.Gemm(Transpose.Transpose, Transpose.NoTranspose, jb, rest, j, -1.0, panel, lda,
                            a[((j + jb) * lda)..], lda, 1.0, a[(j + (j + jb) * lda)..], lda);
                }
            }
            int info = jb > UnblockedOrder ? Potrf(uplo, jb, diagonal, lda, Math.Max(UnblockedOrder, nb / 4)) : Potf2(lower, jb, diagonal, lda);
            if (info > 0) return j + info;
            if (rest == 0) continue;
            if (lower)
                ManagedTriangularSolve.Trsm(Side.Right, uplo, Transpose.Transpose, DiagonalKind.NonUnit, rest, jb, 1.0,
                    diagonal, lda, a[(j + jb + j * lda)..], lda);
            else
                ManagedTriangularSolve.Trsm(Side.Left, uplo, Transpose.Transpose, DiagonalKind.NonUnit, jb, rest, 1.0,
                    diagonal, lda, a[(j + (j + jb) * lda)..], lda);
        }
        return 0;
    }

    /// <summary>Unblocked Cholesky of a diagonal block (LAPACK dpotf2), on the lower form L (upper U read as Lᵀ).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Potf2(bool lower, int n, Span<double> a, int lda)
    {
        ref double L(Span<double> s, int i, int j) => ref lower ? ref s[i + j * lda] : ref s[j + i * lda];
        for (int j = 0; j < n; j++)
        {
            double d = L(a, j, j);
            for (int p = 0; p < j; p++) d -= L(a, j, p) * L(a, j, p);
            if (!(d > 0)) return j + 1;
            d = Math.Sqrt(d);
            L(a, j, j) = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = L(a, i, j);
                for (int p = 0; p < j; p++) s -= L(a, i, p) * L(a, j, p);
                L(a, i, j) = s / d;
            }
        }
        return 0;
    }

    public static int Potrs(TriangularPart uplo, int n, int nrhs, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        // A = LLᵀ or UᵀU: two triangular solves.
        var first = uplo == TriangularPart.Lower ? Transpose.NoTranspose : Transpose.Transpose;
        var second = uplo == TriangularPart.Lower ? Transpose.Transpose : Transpose.NoTranspose;
        ManagedTriangularSolve.Trsm(Side.Left, uplo, first, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
        ManagedTriangularSolve.Trsm(Side.Left, uplo, second, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
        return 0;
    }
}
