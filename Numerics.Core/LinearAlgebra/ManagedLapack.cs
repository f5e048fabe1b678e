using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Managed LAPACK subset with LAPACK's storage conventions (Householder reflectors with τ,
/// 1-based pivots, factors in place), so that code written against <see cref="Lapack"/> runs
/// unchanged without a native library. QR, ormqr and Cholesky are blocked so that their work runs in
/// the managed GEMM (ManagedLapack.Qr.cs, ManagedLapack.Cholesky.cs); the SVD goes through QR to an
/// n×n problem (ManagedLapack.Svd.cs); LU is unblocked and the symmetric eigensolver is MathNet's.
/// </summary>
/// <remarks>
/// The unblocked kernels (panel QR, reflector, diagonal-block Cholesky and substitution) carry
/// <see cref="System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization"/> and use
/// <see cref="ManagedVectorKernels"/>: a factorization calls each only a few dozen times, too few for
/// tiered compilation to replace the unoptimised first version before the work is done.
/// </remarks>
internal static partial class ManagedLapack
{
    public static int Gels(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        if (m >= n)
        {
            var tau = new double[n];
            Geqrf(m, n, a, lda, tau);
            for (int i = 0; i < n; i++) if (a[i + i * lda] == 0) return i + 1;
            Ormqr(Side.Left, Transpose.Transpose, m, nrhs, n, a, lda, tau, b, ldb);
            ManagedTriangularSolve.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
            return 0;
        }
        // Minimum norm: Aᵀ = QR gives A = RᵀQᵀ; solve Rᵀz = b, then x = Q[z; 0].
        var at = new double[(long)n * m];
        TransposeInto(m, n, a, lda, at, n);
        var tauT = new double[m];
        Geqrf(n, m, at, n, tauT);
        for (int i = 0; i < m; i++) if (at[i + i * n] == 0) return i + 1;
        ManagedTriangularSolve.Trsm(Side.Left, TriangularPart.Upper, Transpose.Transpose, DiagonalKind.NonUnit, m, nrhs, 1.0, at, n, b, ldb);
        for (int j = 0; j < nrhs; j++) b.Slice(m + j * ldb, n - m).Clear();
        Ormqr(Side.Left, Transpose.NoTranspose, n, nrhs, m, at, n, tauT, b, ldb);
        TransposeInto(n, m, at, n, a, lda);
        return 0;
    }

    public static int Getrf(int m, int n, Span<double> a, int lda, Span<int> ipiv)
    {
        int info = 0, r = Math.Min(m, n);
        for (int j = 0; j < r; j++)
        {
            int p = j;
            double best = Math.Abs(a[j + j * lda]);
            for (int i = j + 1; i < m; i++)
            {
                double v = Math.Abs(a[i + j * lda]);
                if (v > best) { best = v; p = i; }
            }
            ipiv[j] = p + 1;
            if (p != j)
                for (int c = 0; c < n; c++) (a[j + c * lda], a[p + c * lda]) = (a[p + c * lda], a[j + c * lda]);
            double pivot = a[j + j * lda];
            if (pivot == 0) { if (info == 0) info = j + 1; continue; }
            for (int i = j + 1; i < m; i++) a[i + j * lda] /= pivot;
            for (int c = j + 1; c < n; c++)
            {
                double u = a[j + c * lda];
                if (u == 0) continue;
                for (int i = j + 1; i < m; i++) a[i + c * lda] -= a[i + j * lda] * u;
            }
        }
        return info;
    }

    public static int Getrs(Transpose trans, int n, int nrhs, ReadOnlySpan<double> a, int lda, ReadOnlySpan<int> ipiv,
        Span<double> b, int ldb)
    {
        static void Swap(Span<double> bb, ReadOnlySpan<int> pivots, int i, int nrhs, int ldb)
        {
            int p = pivots[i] - 1;
            if (p != i) for (int c = 0; c < nrhs; c++) (bb[i + c * ldb], bb[p + c * ldb]) = (bb[p + c * ldb], bb[i + c * ldb]);
        }
        if (trans == Transpose.NoTranspose)
        {
            for (int i = 0; i < n; i++) Swap(b, ipiv, i, nrhs, ldb);
            ManagedTriangularSolve.Trsm(Side.Left, TriangularPart.Lower, Transpose.NoTranspose, DiagonalKind.Unit, n, nrhs, 1.0, a, lda, b, ldb);
            ManagedTriangularSolve.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
        }
        else
        {
            ManagedTriangularSolve.Trsm(Side.Left, TriangularPart.Upper, Transpose.Transpose, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
            ManagedTriangularSolve.Trsm(Side.Left, TriangularPart.Lower, Transpose.Transpose, DiagonalKind.Unit, n, nrhs, 1.0, a, lda, b, ldb);
            for (int i = n - 1; i >= 0; i--) Swap(b, ipiv, i, nrhs, ldb);
        }
        return 0;
    }

    public static int Syevd(bool computeVectors, TriangularPart uplo, int n, Span<double> a, int lda, Span<double> w)
    {
        if (n == 0) return 0;
        bool upper = uplo == TriangularPart.Upper;
        var matrix = Matrix<double>.Build.Dense(n, n);
        for (int j = 0; j < n; j++)
            for (int i = 0; i < n; i++) matrix[i, j] = (upper ? i <= j : i >= j) ? a[i + j * lda] : a[j + i * lda];
        Evd<double> evd;
        try { evd = matrix.Evd(Symmetricity.Symmetric); }
        catch (MathNet.Numerics.NonConvergenceException) { return 1; }
        var order = Enumerable.Range(0, n).OrderBy(i => evd.EigenValues[i].Real).ToArray();
        for (int i = 0; i < n; i++) w[i] = evd.EigenValues[order[i]].Real;
        if (computeVectors)
            for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) a[i + j * lda] = evd.EigenVectors[i, order[j]];
        return 0;
    }
}
