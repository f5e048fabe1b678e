using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Numerics.LinearAlgebra;

internal static partial class ManagedLapack
{
    /// <summary>
    /// SVD A = U·diag(s)·Vᵀ by QR first (LAPACK's path for tall matrices): A = Q·R with the blocked
    /// Householder QR, then the SVD R = U_R·Σ·Vᵀ of the small min(m,n)-order R by MathNet, and
    /// U = Q·[U_R; 0] applied by the blocked ormqr, only when U is asked for. Nothing larger than
    /// A and the requested factors is allocated, so an m×n SVD costs O(mn + n²) memory however
    /// tall A is (MathNet alone would build an m×m U). A wide A is factored through Aᵀ.
    /// </summary>
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
        return m >= n ? TallSvd(vectors, m, n, a, lda, s, u, ldu, vt, ldvt) : WideSvd(vectors, m, n, a, lda, s, u, ldu, vt, ldvt);
    }

    /// <summary>m ≥ n: A = Q·R, R = U_R·Σ·Vᵀ, U = Q·[U_R 0; 0 I] (thin: the first n columns).</summary>
    private static int TallSvd(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        var tau = new double[n];
        Geqrf(m, n, a, lda, tau);
        var rf = Matrix<double>.Build.Dense(n, n);
        for (int j = 0; j < n; j++) for (int i = 0; i <= j; i++) rf[i, j] = a[i + j * lda];
        Svd<double> svd;
        try { svd = rf.Svd(vectors != SvdVectors.None); }
        catch (MathNet.Numerics.NonConvergenceException) { return 1; }
        for (int i = 0; i < n; i++) s[i] = svd.S[i];
        if (vectors == SvdVectors.None) return 0;
        for (int j = 0; j < n; j++) for (int i = 0; i < n; i++) vt[i + j * ldvt] = svd.VT[i, j];
        int uCols = vectors == SvdVectors.Full ? m : n;
        for (int j = 0; j < uCols; j++)
        {
            var col = u.Slice(j * ldu, m);
            col.Clear();
            if (j < n) for (int i = 0; i < n; i++) col[i] = svd.U[i, j];
            else col[j] = 1;
        }
        return Ormqr(Side.Left, Transpose.NoTranspose, m, uCols, n, a, lda, tau, u, ldu);
    }

    /// <summary>m &lt; n: Aᵀ = U'·Σ·V'ᵀ gives A = V'·Σ·U'ᵀ, so U = V' and Vᵀ = U'ᵀ.</summary>
    private static int WideSvd(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        var at = new double[(long)n * m];
        TransposeInto(m, n, a, lda, at, n);
        int vtRows = vectors == SvdVectors.Full ? n : m;
        var uPrime = vectors == SvdVectors.None ? [] : new double[(long)n * vtRows];
        var vtPrime = vectors == SvdVectors.None ? [] : new double[(long)m * m];
        int info = TallSvd(vectors, n, m, at, n, s, uPrime, n, vtPrime, m);
        if (info != 0 || vectors == SvdVectors.None) return info;
        TransposeInto(m, m, vtPrime, m, u, ldu);
        TransposeInto(n, vtRows, uPrime, n, vt, ldvt);
        return 0;
    }

    /// <summary>B ← Aᵀ for the rows×cols matrix A (B is cols×rows).</summary>
    internal static void TransposeInto(int rows, int cols, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        for (int j = 0; j < cols; j++)
            for (int i = 0; i < rows; i++) b[j + i * ldb] = a[i + j * lda];
    }

    private static void Identity(int n, Span<double> q, int ld)
    {
        for (int j = 0; j < n; j++) { q.Slice(j * ld, n).Clear(); q[j + j * ld] = 1; }
    }
}
