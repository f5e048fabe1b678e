using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Managed LAPACK subset with LAPACK's storage conventions (Householder reflectors with τ,
/// 1-based pivots, factors in place), so that code written against <see cref="Lapack"/> runs
/// unchanged without a native library. QR, LU and Cholesky are unblocked textbook algorithms;
/// the SVD and symmetric eigensolver delegate to MathNet.Numerics.
/// </summary>
internal static class ManagedLapack
{
    /// <summary>Householder reflector for (α, x): LAPACK dlarfg. Returns τ; α becomes β and x becomes v[1..].</summary>
    private static double Reflector(ref double alpha, Span<double> x)
    {
        double xnorm = ManagedBlas.Nrm2<double>(x.Length, x, 1);
        if (xnorm == 0) return 0;
        double beta = -Math.CopySign(double.Hypot(alpha, xnorm), alpha);
        double tau = (beta - alpha) / beta;
        double scale = 1 / (alpha - beta);
        for (int i = 0; i < x.Length; i++) x[i] *= scale;
        alpha = beta;
        return tau;
    }

    public static int Geqrf(int m, int n, Span<double> a, int lda, Span<double> tau) => Householder(m, n, a, lda, null, tau);

    /// <summary>
    /// Column-pivoted Householder QR (LAPACK dgeqp3's contract, unblocked): before step i the
    /// remaining column with the largest trailing norm (recomputed, not downdated) is swapped in.
    /// </summary>
    public static int Geqp3(int m, int n, Span<double> a, int lda, Span<int> jpvt, Span<double> tau)
    {
        for (int j = 0; j < n; j++) jpvt[j] = j + 1;
        return Householder(m, n, a, lda, jpvt, tau);
    }

    /// <summary>Householder QR, with column pivoting when <paramref name="jpvt"/> is given.</summary>
    private static int Householder(int m, int n, Span<double> a, int lda, Span<int> jpvt, Span<double> tau)
    {
        int r = Math.Min(m, n);
        for (int i = 0; i < r; i++)
        {
            if (!jpvt.IsEmpty) Pivot(i, m, n, a, lda, jpvt);
            var col = a.Slice(i + i * lda, m - i);
            tau[i] = Reflector(ref col[0], col[1..]);
            if (tau[i] == 0) continue;
            // Apply Hᵢ = I − τvvᵀ to the trailing columns, with v = [1; col[1..]].
            double diag = col[0];
            col[0] = 1;
            for (int j = i + 1; j < n; j++)
            {
                var target = a.Slice(i + j * lda, m - i);
                double w = tau[i] * ManagedBlas.Dot<double>(m - i, col, 1, target, 1);
                ManagedBlas.Axpy(m - i, -w, col, 1, target, 1);
            }
            col[0] = diag;
        }
        return 0;
    }

    /// <summary>Swaps the column of largest trailing norm (rows i..) into position i.</summary>
    private static void Pivot(int i, int m, int n, Span<double> a, int lda, Span<int> jpvt)
    {
        int pivot = i;
        double largest = -1;
        for (int j = i; j < n; j++)
        {
            double norm = ManagedBlas.Nrm2<double>(m - i, a.Slice(i + j * lda, m - i), 1);
            if (norm > largest) (largest, pivot) = (norm, j);
        }
        if (pivot == i) return;
        for (int k = 0; k < m; k++) (a[k + i * lda], a[k + pivot * lda]) = (a[k + pivot * lda], a[k + i * lda]);
        (jpvt[i], jpvt[pivot]) = (jpvt[pivot], jpvt[i]);
    }

    /// <summary>Applies Hᵢ (stored in column i of A from row i down) to C from the given side.</summary>
    private static void ApplyReflector(Side side, int i, int order, Span<double> a, int lda, double tau,
        int m, int n, Span<double> c, int ldc)
    {
        if (tau == 0) return;
        var v = a.Slice(i + i * lda, order - i);
        double saved = v[0];
        v[0] = 1;
        if (side == Side.Left)
        {
            for (int j = 0; j < n; j++)
            {
                var target = c.Slice(i + j * ldc, m - i);
                double w = tau * ManagedBlas.Dot<double>(m - i, v, 1, target, 1);
                ManagedBlas.Axpy(m - i, -w, v, 1, target, 1);
            }
        }
        else
        {
            for (int r = 0; r < m; r++)
            {
                double w = 0;
                for (int j = i; j < n; j++) w += c[r + j * ldc] * v[j - i];
                w *= tau;
                for (int j = i; j < n; j++) c[r + j * ldc] -= w * v[j - i];
            }
        }
        v[0] = saved;
    }

    public static int Ormqr(Side side, Transpose trans, int m, int n, int k, Span<double> a, int lda,
        ReadOnlySpan<double> tau, Span<double> c, int ldc)
    {
        int order = side == Side.Left ? m : n;
        // Q = H₁⋯H_k. QᵀC and CQ apply H₁ first; QC and CQᵀ apply H_k first.
        bool forward = (side == Side.Left) == (trans == Transpose.Transpose);
        for (int s = 0; s < k; s++)
        {
            int i = forward ? s : k - 1 - s;
            ApplyReflector(side, i, order, a, lda, tau[i], m, n, c, ldc);
        }
        return 0;
    }

    public static int Orgqr(int m, int n, int k, Span<double> a, int lda, ReadOnlySpan<double> tau)
    {
        var reflectors = new double[m * Math.Max(k, 1)];
        for (int j = 0; j < k; j++) a.Slice(j * lda, m).CopyTo(reflectors.AsSpan(j * m, m));
        for (int j = 0; j < n; j++)
        {
            var col = a.Slice(j * lda, m);
            col.Clear();
            col[j] = 1;
        }
        return Ormqr(Side.Left, Transpose.NoTranspose, m, n, k, reflectors, m, tau, a, lda);
    }

    public static int Gels(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        if (m >= n)
        {
            var tau = new double[n];
            Geqrf(m, n, a, lda, tau);
            for (int i = 0; i < n; i++) if (a[i + i * lda] == 0) return i + 1;
            Ormqr(Side.Left, Transpose.Transpose, m, nrhs, n, a, lda, tau, b, ldb);
            ManagedBlas.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
            return 0;
        }
        // Minimum norm: Aᵀ = QR gives A = RᵀQᵀ; solve Rᵀz = b, then x = Q[z; 0].
        var at = new double[n * m];
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) at[j + i * n] = a[i + j * lda];
        var tauT = new double[m];
        Geqrf(n, m, at, n, tauT);
        for (int i = 0; i < m; i++) if (at[i + i * n] == 0) return i + 1;
        ManagedBlas.Trsm(Side.Left, TriangularPart.Upper, Transpose.Transpose, DiagonalKind.NonUnit, m, nrhs, 1.0, at, n, b, ldb);
        for (int j = 0; j < nrhs; j++) b.Slice(m + j * ldb, n - m).Clear();
        Ormqr(Side.Left, Transpose.NoTranspose, n, nrhs, m, at, n, tauT, b, ldb);
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) a[i + j * lda] = at[j + i * n];
        return 0;
    }

    public static int Potrf(TriangularPart uplo, int n, Span<double> a, int lda)
    {
        // Work on the lower form L (element (i,j) of L is A(j,i) when the upper triangle holds U = Lᵀ).
        bool lower = uplo == TriangularPart.Lower;
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
        ManagedBlas.Trsm(Side.Left, uplo, first, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
        ManagedBlas.Trsm(Side.Left, uplo, second, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
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
            ManagedBlas.Trsm(Side.Left, TriangularPart.Lower, Transpose.NoTranspose, DiagonalKind.Unit, n, nrhs, 1.0, a, lda, b, ldb);
            ManagedBlas.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
        }
        else
        {
            ManagedBlas.Trsm(Side.Left, TriangularPart.Upper, Transpose.Transpose, DiagonalKind.NonUnit, n, nrhs, 1.0, a, lda, b, ldb);
            ManagedBlas.Trsm(Side.Left, TriangularPart.Lower, Transpose.Transpose, DiagonalKind.Unit, n, nrhs, 1.0, a, lda, b, ldb);
            for (int i = n - 1; i >= 0; i--) Swap(b, ipiv, i, nrhs, ldb);
        }
        return 0;
    }

    public static int Svd(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        int r = Math.Min(m, n);
        if (r == 0)
        {
            // Empty matrix: the orthogonal factors are identities of their sizes.
            if (vectors == SvdVectors.Full) { Identity(m, u, ldu); Identity(n, vt, ldvt); }
            return 0;
        }
        var matrix = Matrix<double>.Build.Dense(m, n);
        for (int j = 0; j < n; j++) for (int i = 0; i < m; i++) matrix[i, j] = a[i + j * lda];
        Svd<double> svd;
        try { svd = matrix.Svd(vectors != SvdVectors.None); }
        catch (MathNet.Numerics.NonConvergenceException) { return 1; }
        for (int i = 0; i < r; i++) s[i] = svd.S[i];
        if (vectors == SvdVectors.None) return 0;
        int uCols = vectors == SvdVectors.Full ? m : r, vtRows = vectors == SvdVectors.Full ? n : r;
        for (int j = 0; j < uCols; j++) for (int i = 0; i < m; i++) u[i + j * ldu] = svd.U[i, j];
        for (int j = 0; j < n; j++) for (int i = 0; i < vtRows; i++) vt[i + j * ldvt] = svd.VT[i, j];
        return 0;
    }

    private static void Identity(int n, Span<double> q, int ld)
    {
        for (int j = 0; j < n; j++) { q.Slice(j * ld, n).Clear(); q[j + j * ld] = 1; }
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
