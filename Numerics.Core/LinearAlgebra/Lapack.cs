using MathNet.Numerics.LinearAlgebra;

namespace Numerics.LinearAlgebra;

/// <summary>Thin QR factors A = Q·R with Q m×min(m,n) orthonormal and R min(m,n)×n upper triangular.</summary>
/// <param name="Q">The orthonormal factor.</param>
/// <param name="R">The upper-triangular (trapezoidal when m &lt; n) factor.</param>
public sealed record QrFactors(Matrix<double> Q, Matrix<double> R);

/// <summary>Singular value decomposition A = U·diag(S)·Vᵀ, with S descending.</summary>
/// <param name="U">Left singular vectors, or null when not requested.</param>
/// <param name="S">Singular values in descending order (length min(m,n)).</param>
/// <param name="VT">Right singular vectors as rows, or null when not requested.</param>
public sealed record SvdFactors(Matrix<double>? U, Vector<double> S, Matrix<double>? VT);

/// <summary>Symmetric eigendecomposition A = V·diag(λ)·Vᵀ, with λ ascending.</summary>
/// <param name="Values">Eigenvalues in ascending order.</param>
/// <param name="Vectors">Orthonormal eigenvectors as columns, or null when not requested.</param>
public sealed record SymmetricEigenFactors(Vector<double> Values, Matrix<double>? Vectors);

/// <summary>
/// LAPACK factorizations on MathNet matrices, executed by <see cref="LinearAlgebraBackend.Current"/>.
/// Inputs are never modified; every method rejects empty, NaN or infinite input with
/// <see cref="ArgumentException"/>.
/// </summary>
public static class Lapack
{
    private static LinearAlgebraBackend Backend => LinearAlgebraBackend.Current;

    /// <summary>Thin Householder QR (dgeqrf + dorgqr).</summary>
    public static QrFactors Qr(Matrix<double> a)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        int m = a.RowCount, n = a.ColumnCount, r = Math.Min(m, n);
        var work = a.ToColumnMajorArray();
        var tau = new double[r];
        Backend.Geqrf(m, n, work, m, tau);
        var rf = Matrix<double>.Build.Dense(r, n, (i, j) => i <= j ? work[i + j * m] : 0.0);
        var q = new double[m * r];
        Array.Copy(work, q, m * r);
        Backend.Orgqr(m, r, r, q, m, tau);
        return new QrFactors(Matrix<double>.Build.Dense(m, r, q), rf);
    }

    /// <summary>SVD by divide and conquer (dgesdd).</summary>
    /// <exception cref="ArithmeticException">The iteration failed to converge (rare; LAPACK info &gt; 0).</exception>
    public static SvdFactors Svd(Matrix<double> a, SvdVectors vectors = SvdVectors.Thin)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        int m = a.RowCount, n = a.ColumnCount, r = Math.Min(m, n);
        var work = a.ToColumnMajorArray();
        var s = new double[r];
        int uCols = vectors == SvdVectors.Full ? m : r, vtRows = vectors == SvdVectors.Full ? n : r;
        var u = vectors == SvdVectors.None ? [] : new double[m * uCols];
        var vt = vectors == SvdVectors.None ? [] : new double[vtRows * n];
        int info = Backend.Gesdd(vectors, m, n, work, m, s, u, m, vt, Math.Max(1, vtRows));
        if (info > 0) throw new ArithmeticException($"gesdd did not converge (info = {info}).");
        return new SvdFactors(
            vectors == SvdVectors.None ? null : Matrix<double>.Build.Dense(m, uCols, u),
            Vector<double>.Build.Dense(s),
            vectors == SvdVectors.None ? null : Matrix<double>.Build.Dense(vtRows, n, vt));
    }

    /// <summary>Eigenvalues (ascending) and optionally eigenvectors of a symmetric matrix, read from its lower triangle (dsyevd).</summary>
    public static SymmetricEigenFactors SymmetricEigen(Matrix<double> a, bool computeVectors = true)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        if (a.RowCount != a.ColumnCount)
            throw new ArgumentException($"a must be square, got {a.RowCount}×{a.ColumnCount}.", nameof(a));
        int n = a.RowCount;
        var work = a.ToColumnMajorArray();
        var w = new double[n];
        int info = Backend.Syevd(computeVectors, TriangularPart.Lower, n, work, n, w);
        if (info > 0) throw new ArithmeticException($"syevd did not converge (info = {info}).");
        return new SymmetricEigenFactors(Vector<double>.Build.Dense(w),
            computeVectors ? Matrix<double>.Build.Dense(n, n, work) : null);
    }

    /// <summary>The lower Cholesky factor L with A = L·Lᵀ, read from the lower triangle of A (dpotrf).</summary>
    /// <exception cref="ArgumentException">A is not square, or not positive definite.</exception>
    public static Matrix<double> Cholesky(Matrix<double> a)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        if (a.RowCount != a.ColumnCount)
            throw new ArgumentException($"a must be square, got {a.RowCount}×{a.ColumnCount}.", nameof(a));
        int n = a.RowCount;
        var work = a.ToColumnMajorArray();
        int info = Backend.Potrf(TriangularPart.Lower, n, work, n);
        if (info > 0)
            throw new ArgumentException($"a is not positive definite (leading minor {info} is not).", nameof(a));
        return Matrix<double>.Build.Dense(n, n, (i, j) => i >= j ? work[i + j * n] : 0.0);
    }

    /// <summary>Solves the square system A·X = B by LU with partial pivoting (dgetrf + dgetrs).</summary>
    /// <exception cref="ArgumentException">Shapes differ, or A is exactly singular.</exception>
    public static Matrix<double> Solve(Matrix<double> a, Matrix<double> b)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        DenseStorage.RequireFinite(b, nameof(b), allowEmpty: true);
        int n = a.RowCount;
        if (a.ColumnCount != n) throw new ArgumentException($"a must be square, got {a.RowCount}×{a.ColumnCount}.", nameof(a));
        if (b.RowCount != n) throw new ArgumentException($"b has {b.RowCount} rows but a has {n}.", nameof(b));
        var lu = a.ToColumnMajorArray();
        var piv = new int[n];
        int info = Backend.Getrf(n, n, lu, n, piv);
        if (info > 0) throw new ArgumentException($"a is singular (U[{info - 1},{info - 1}] = 0).", nameof(a));
        var x = b.ToColumnMajorArray();
        Backend.Getrs(Transpose.NoTranspose, n, b.ColumnCount, lu, n, piv, x, n);
        return Matrix<double>.Build.Dense(n, b.ColumnCount, x);
    }

    /// <summary>
    /// Least-squares solution of min‖A·x − b‖ for full-rank A with m ≥ n, or the minimum-norm
    /// solution when m &lt; n, by Householder QR/LQ (dgels).
    /// </summary>
    /// <remarks>
    /// A is declared numerically rank deficient, and rejected, when a diagonal entry of the
    /// triangular factor is at most max(m, n)·ε·max|rⱼⱼ| (the cut-off of
    /// <see cref="DenseBaselines.DefaultRelativeCutoff"/>), or (tall A) when the estimate of
    /// σ_min(R)/σ_max(R) from inverse and power iteration on R is (twelve O(n²) steps each, from
    /// below for σ_max and from above for σ_min, so a rank deficiency as sharp as the cut-off shows).
    /// The estimates are not bounds: an A within a small factor of the cut-off can pass. For a rank decision use
    /// <c>SketchedLeastSquares.Solve</c> with the pivoted-QR or SVD method, or
    /// <see cref="DenseBaselines.LeastSquaresSvd"/> for the minimum-norm answer.
    /// </remarks>
    /// <exception cref="ArgumentException">Shapes differ, or A is numerically rank deficient (use <see cref="DenseBaselines.LeastSquaresSvd"/>).</exception>
    public static Vector<double> LeastSquares(Matrix<double> a, Vector<double> b)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        ArgumentNullException.ThrowIfNull(b);
        int m = a.RowCount, n = a.ColumnCount;
        if (b.Count != m) throw new ArgumentException($"b has {b.Count} entries but a has {m} rows.", nameof(b));
        var bv = DenseStorage.Values(b);
        DenseStorage.RequireFinite<double>(bv, nameof(b));
        var work = a.ToColumnMajorArray();
        var rhs = new double[Math.Max(m, n)];
        bv.AsSpan().CopyTo(rhs);
        int info = Backend.Gels(m, n, 1, work, m, rhs, rhs.Length);
        if (info > 0) throw new ArgumentException($"a is rank deficient (R[{info - 1},{info - 1}] = 0).", nameof(a));
        int r = Math.Min(m, n);
        double largest = 0, smallest = double.PositiveInfinity;
        for (int i = 0; i < r; i++)
        {
            double v = Math.Abs(work[i + i * m]);
            largest = Math.Max(largest, v);
            smallest = Math.Min(smallest, v);
        }
        double relative = DenseBaselines.DefaultRelativeCutoff(m, n);
        double cutoff = relative * largest;
        if (smallest <= cutoff)
            throw new ArgumentException($"a is numerically rank deficient: min|rᵢᵢ| = {smallest:E3} ≤ {cutoff:E3} = max(m, n)·ε·max|rⱼⱼ|.", nameof(a));
        if (m >= n)
        {
            // The diagonal of an unpivoted R can miss a rank deficiency; σ_min(R)/σ_max(R) by inverse and
            // power iteration (O(n²) per step) does not, for a gap as wide as the cutoff.
            var rf = new double[n * n];
            for (int j = 0; j < n; j++)
                for (int i = 0; i <= j; i++) rf[i + j * n] = work[i + j * m];
            double sigmaMax = TriangularNorms.LargestSingularValue(Backend, rf, n);
            double sigmaMin = TriangularNorms.SmallestSingularValue(Backend, rf, n);
            if (!(sigmaMin > relative * sigmaMax))
                throw new ArgumentException($"a is numerically rank deficient: σ_min(R) ≈ {sigmaMin:E3} ≤ max(m, n)·ε·σ_max(R) ≈ {relative * sigmaMax:E3}.", nameof(a));
        }
        return Vector<double>.Build.Dense(rhs[..n]);
    }
}
