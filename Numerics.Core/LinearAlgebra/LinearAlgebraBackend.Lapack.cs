using static Numerics.LinearAlgebra.ShapeCheck;

namespace Numerics.LinearAlgebra;

public abstract partial class LinearAlgebraBackend
{
    /// <summary>
    /// Householder QR of the m×n matrix A (LAPACK dgeqrf): R overwrites the upper triangle, the
    /// reflectors Hᵢ = I − τᵢvᵢvᵢᵀ (vᵢ with a unit leading entry) are stored below it, and
    /// Q = H₁⋯H_min(m,n).
    /// </summary>
    public void Geqrf(int m, int n, Span<double> a, int lda, Span<double> tau)
    {
        Dimension(m, "m"); Dimension(n, "n");
        Matrix(a.Length, m, n, lda, "a", "lda");
        Length(tau.Length, Math.Min(m, n), "tau", "min(m, n) reflectors");
        Expect(GeqrfCore(m, n, a, lda, tau), "geqrf");
    }

    /// <summary>
    /// Householder QR with column pivoting A·P = Q·R (LAPACK dgeqp3): at step k the remaining column
    /// of largest norm is moved to position k, so |r₁₁| ≥ |r₂₂| ≥ … and the diagonal reveals the
    /// numerical rank. R and the reflectors are stored as by <see cref="Geqrf"/>; jpvt[j] (1-based,
    /// as LAPACK) is the column of A that became column j of A·P. Every column is free to move (jpvt
    /// is overwritten on entry).
    /// </summary>
    public void Geqp3(int m, int n, Span<double> a, int lda, Span<int> jpvt, Span<double> tau)
    {
        Dimension(m, "m"); Dimension(n, "n");
        Matrix(a.Length, m, n, lda, "a", "lda");
        Length(jpvt.Length, n, "jpvt", "n pivots");
        Length(tau.Length, Math.Min(m, n), "tau", "min(m, n) reflectors");
        jpvt[..n].Clear();
        Expect(Geqp3Core(m, n, a, lda, jpvt, tau), "geqp3");
    }

    /// <summary>
    /// Overwrites A (m×n, m ≥ n ≥ k) with the first n columns of Q = H₁⋯H_k from <see cref="Geqrf"/> (LAPACK dorgqr).
    /// </summary>
    public void Orgqr(int m, int n, int k, Span<double> a, int lda, ReadOnlySpan<double> tau)
    {
        Dimension(m, "m"); Dimension(n, "n"); Dimension(k, "k");
        if (n > m) throw new ArgumentOutOfRangeException(nameof(n), n, "orgqr needs n ≤ m.");
        if (k > n) throw new ArgumentOutOfRangeException(nameof(k), k, "orgqr needs k ≤ n.");
        Matrix(a.Length, m, n, lda, "a", "lda");
        Length(tau.Length, k, "tau", "k reflectors");
        Expect(OrgqrCore(m, n, k, a, lda, tau), "orgqr");
    }

    /// <summary>
    /// C ← op(Q)·C (<see cref="Side.Left"/>) or C·op(Q) (<see cref="Side.Right"/>) for the m×n matrix C,
    /// with Q = H₁⋯H_k held in A and τ as returned by <see cref="Geqrf"/> (LAPACK dormqr).
    /// </summary>
    /// <remarks>A is restored on return; it is a writable span because LAPACK uses it as workspace.</remarks>
    public void Ormqr(Side side, Transpose trans, int m, int n, int k, Span<double> a, int lda,
        ReadOnlySpan<double> tau, Span<double> c, int ldc)
    {
        Dimension(m, "m"); Dimension(n, "n"); Dimension(k, "k");
        int order = side == Side.Left ? m : n;
        if (k > order) throw new ArgumentOutOfRangeException(nameof(k), k, $"ormqr needs k ≤ {order}.");
        Matrix(a.Length, order, k, lda, "a", "lda");
        Length(tau.Length, k, "tau", "k reflectors");
        Matrix(c.Length, m, n, ldc, "c", "ldc");
        Expect(OrmqrCore(side, trans, m, n, k, a, lda, tau, c, ldc), "ormqr");
    }

    /// <summary>
    /// Singular value decomposition A = U·diag(s)·Vᵀ by divide and conquer (LAPACK dgesdd).
    /// A is destroyed; s (length min(m,n)) is in descending order.
    /// </summary>
    /// <returns>0 on success; a positive value when the iteration did not converge.</returns>
    public int Gesdd(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        CheckSvd(vectors, m, n, a.Length, lda, s.Length, u.Length, ldu, vt.Length, ldvt);
        return Expect(GesddCore(vectors, m, n, a, lda, s, u, ldu, vt, ldvt), "gesdd");
    }

    /// <summary>Singular value decomposition by QR iteration (LAPACK dgesvd); same contract as <see cref="Gesdd"/>.</summary>
    public int Gesvd(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        CheckSvd(vectors, m, n, a.Length, lda, s.Length, u.Length, ldu, vt.Length, ldvt);
        return Expect(GesvdCore(vectors, m, n, a, lda, s, u, ldu, vt, ldvt), "gesvd");
    }

    private static void CheckSvd(SvdVectors vectors, int m, int n, int aLength, int lda, int sLength,
        int uLength, int ldu, int vtLength, int ldvt)
    {
        Dimension(m, "m"); Dimension(n, "n");
        Matrix(aLength, m, n, lda, "a", "lda");
        int r = Math.Min(m, n);
        Length(sLength, r, "s", "min(m, n) singular values");
        if (vectors == SvdVectors.None) return;
        int uCols = vectors == SvdVectors.Full ? m : r, vtRows = vectors == SvdVectors.Full ? n : r;
        Matrix(uLength, m, uCols, ldu, "u", "ldu");
        Matrix(vtLength, vtRows, n, ldvt, "vt", "ldvt");
    }

    /// <summary>
    /// Least squares min‖Ax − B‖ (m ≥ n) or minimum-norm solution of Ax = B (m &lt; n) by QR/LQ,
    /// for full-rank A (LAPACK dgels, no transpose). B is max(m,n)×nrhs; its first n rows receive X.
    /// A is overwritten by its factorization.
    /// </summary>
    /// <returns>0 on success; i &gt; 0 when the i-th diagonal entry of the triangular factor is exactly zero (A rank deficient).</returns>
    public int Gels(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        Dimension(m, "m"); Dimension(n, "n"); Dimension(nrhs, "nrhs");
        Matrix(a.Length, m, n, lda, "a", "lda");
        Matrix(b.Length, Math.Max(m, n), nrhs, ldb, "b", "ldb");
        return Expect(GelsCore(m, n, nrhs, a, lda, b, ldb), "gels");
    }

    /// <summary>Cholesky factorization A = UᵀU or LLᵀ of a symmetric positive definite n×n matrix, in place (LAPACK dpotrf).</summary>
    /// <returns>0 on success; i &gt; 0 when the leading minor of order i is not positive definite.</returns>
    public int Potrf(TriangularPart uplo, int n, Span<double> a, int lda)
    {
        Dimension(n, "n");
        Matrix(a.Length, n, n, lda, "a", "lda");
        return Expect(PotrfCore(uplo, n, a, lda), "potrf");
    }

    /// <summary>Solves A·X = B with the Cholesky factor from <see cref="Potrf"/>, overwriting the n×nrhs B (LAPACK dpotrs).</summary>
    public void Potrs(TriangularPart uplo, int n, int nrhs, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        Dimension(n, "n"); Dimension(nrhs, "nrhs");
        Matrix(a.Length, n, n, lda, "a", "lda");
        Matrix(b.Length, n, nrhs, ldb, "b", "ldb");
        Expect(PotrsCore(uplo, n, nrhs, a, lda, b, ldb), "potrs");
    }

    /// <summary>
    /// Eigenvalues (ascending, into w) and optionally orthonormal eigenvectors (overwriting A) of a
    /// symmetric n×n matrix given by one triangle (LAPACK dsyevd).
    /// </summary>
    /// <returns>0 on success; a positive value when the algorithm failed to converge.</returns>
    public int Syevd(bool computeVectors, TriangularPart uplo, int n, Span<double> a, int lda, Span<double> w)
    {
        Dimension(n, "n");
        Matrix(a.Length, n, n, lda, "a", "lda");
        Length(w.Length, n, "w", "n eigenvalues");
        return Expect(SyevdCore(computeVectors, uplo, n, a, lda, w), "syevd");
    }

    /// <summary>LU factorization with partial pivoting P·A = L·U, in place; ipiv is 1-based as in LAPACK (dgetrf).</summary>
    /// <returns>0 on success; i &gt; 0 when U(i,i) is exactly zero (the factorization is complete but U is singular).</returns>
    public int Getrf(int m, int n, Span<double> a, int lda, Span<int> ipiv)
    {
        Dimension(m, "m"); Dimension(n, "n");
        Matrix(a.Length, m, n, lda, "a", "lda");
        Length(ipiv.Length, Math.Min(m, n), "ipiv", "min(m, n) pivots");
        return Expect(GetrfCore(m, n, a, lda, ipiv), "getrf");
    }

    /// <summary>Solves op(A)·X = B with the LU factors from <see cref="Getrf"/>, overwriting the n×nrhs B (LAPACK dgetrs).</summary>
    public void Getrs(Transpose trans, int n, int nrhs, ReadOnlySpan<double> a, int lda, ReadOnlySpan<int> ipiv,
        Span<double> b, int ldb)
    {
        Dimension(n, "n"); Dimension(nrhs, "nrhs");
        Matrix(a.Length, n, n, lda, "a", "lda");
        Length(ipiv.Length, n, "ipiv", "n pivots");
        for (int i = 0; i < n; i++)
            if (ipiv[i] < 1 || ipiv[i] > n)
                throw new ArgumentException($"ipiv[{i}] = {ipiv[i]} is not a 1-based row index in 1..{n}.", nameof(ipiv));
        Matrix(b.Length, n, nrhs, ldb, "b", "ldb");
        Expect(GetrsCore(trans, n, nrhs, a, lda, ipiv, b, ldb), "getrs");
    }

    /// <summary>
    /// Negative LAPACK info names a rejected argument. Shapes are validated above and LAPACKE's NaN
    /// scan is switched off where the library allows it, so this is a library that still scans
    /// (its description in <c>numerics info</c> says so) or an argument the checks here missed.
    /// </summary>
    private static int Expect(int info, string routine) => info >= 0 ? info
        : throw new ArgumentException($"{routine} rejected its argument number {-info} (LAPACK numbering): the input contains NaN or is otherwise invalid.");

    private protected abstract int GeqrfCore(int m, int n, Span<double> a, int lda, Span<double> tau);
    private protected abstract int Geqp3Core(int m, int n, Span<double> a, int lda, Span<int> jpvt, Span<double> tau);
    private protected abstract int OrgqrCore(int m, int n, int k, Span<double> a, int lda, ReadOnlySpan<double> tau);
    private protected abstract int OrmqrCore(Side side, Transpose trans, int m, int n, int k, Span<double> a, int lda,
        ReadOnlySpan<double> tau, Span<double> c, int ldc);
    private protected abstract int GesddCore(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt);
    private protected abstract int GesvdCore(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt);
    private protected abstract int GelsCore(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb);
    private protected abstract int PotrfCore(TriangularPart uplo, int n, Span<double> a, int lda);
    private protected abstract int PotrsCore(TriangularPart uplo, int n, int nrhs, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb);
    private protected abstract int SyevdCore(bool computeVectors, TriangularPart uplo, int n, Span<double> a, int lda, Span<double> w);
    private protected abstract int GetrfCore(int m, int n, Span<double> a, int lda, Span<int> ipiv);
    private protected abstract int GetrsCore(Transpose trans, int n, int nrhs, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<int> ipiv, Span<double> b, int ldb);
}
