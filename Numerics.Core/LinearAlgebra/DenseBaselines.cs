using MathNet.Numerics.LinearAlgebra;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Dense reference computations by SVD and QR that every family's tests and benchmarks measure
/// against: least squares, pseudo-inverse, matrix functions of the singular values, spectral
/// norm and condition number.
/// </summary>
/// <remarks>These are the O(mn·min(m,n)) oracles, not fast paths.</remarks>
public static class DenseBaselines
{
    /// <summary>
    /// The default relative cut-off for treating a singular value as zero: max(m,n)·ε·σ_max, as
    /// numpy.linalg.lstsq/pinv use.
    /// </summary>
    public static double DefaultRelativeCutoff(int rows, int cols) => Math.Max(rows, cols) * MachineEpsilon;

    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// Minimum-norm least-squares solution x = A⁺b by SVD, with singular values below
    /// <paramref name="relativeCutoff"/>·σ_max treated as zero (default <see cref="DefaultRelativeCutoff"/>).
    /// Handles rank-deficient and wide A.
    /// </summary>
    public static Vector<double> LeastSquaresSvd(Matrix<double> a, Vector<double> b, double? relativeCutoff = null) =>
        MinimumNormSolution(a, b, relativeCutoff).X;

    /// <summary>
    /// <see cref="LeastSquaresSvd"/> with the singular values of A (descending) and the rank it kept
    /// (those above relativeCutoff·σ_max).
    /// </summary>
    /// <remarks>With <paramref name="damp"/> = λ &gt; 0, the kept components are filtered as σᵢ/(σᵢ² + λ²) (the ridge solution) instead of 1/σᵢ.</remarks>
    internal static (Vector<double> X, Vector<double> SingularValues, int Rank) MinimumNormSolution(Matrix<double> a, Vector<double> b, double? relativeCutoff, double damp = 0)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        ArgumentNullException.ThrowIfNull(b);
        if (b.Count != a.RowCount) throw new ArgumentException($"b has {b.Count} entries but a has {a.RowCount} rows.", nameof(b));
        DenseStorage.RequireFinite<double>(DenseStorage.Values(b), nameof(b));
        var svd = Lapack.Svd(a);
        double cut = Cutoff(svd.S, a, relativeCutoff);
        var utb = Blas.Multiply(svd.U!, b, Transpose.Transpose);
        int rank = 0;
        for (int i = 0; i < utb.Count; i++)
        {
            bool kept = svd.S[i] > cut;
            if (kept) rank++;
            // σ/(σ² + λ²) as (1/σ)/(1 + (λ/σ)²) or, when λ > σ, as (σ/λ)/λ/(1 + (σ/λ)²): no square overflows.
            double sigma = svd.S[i], ratio = damp / sigma;
            utb[i] = !kept ? 0.0
                : ratio <= 1 ? utb[i] / sigma / (1 + ratio * ratio)
                : utb[i] * (sigma / damp) / damp / (1 + 1 / (ratio * ratio));
        }
        return (Blas.Multiply(svd.VT!, utb, Transpose.Transpose), svd.S, rank);
    }

    /// <summary>Least-squares solution of a full-rank tall system by Householder QR (LAPACK dgels).</summary>
    public static Vector<double> LeastSquaresQr(Matrix<double> a, Vector<double> b) => Lapack.LeastSquares(a, b);

    /// <summary>The Moore–Penrose pseudo-inverse A⁺ = V·Σ⁺·Uᵀ (n×m), with the same cut-off rule as <see cref="LeastSquaresSvd"/>.</summary>
    public static Matrix<double> PseudoInverse(Matrix<double> a, double? relativeCutoff = null)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        var svd = Lapack.Svd(a);
        double cut = Cutoff(svd.S, a, relativeCutoff);
        var vs = svd.VT!.Transpose();
        for (int j = 0; j < svd.S.Count; j++)
        {
            double inv = svd.S[j] > cut ? 1.0 / svd.S[j] : 0.0;
            for (int i = 0; i < vs.RowCount; i++) vs[i, j] *= inv;
        }
        return Blas.Multiply(vs, svd.U!, Transpose.NoTranspose, Transpose.Transpose);
    }

    /// <summary>
    /// U·f(Σ)·Vᵀ over the thin SVD A = UΣVᵀ: the reference for spectral functions such as the
    /// polar factor (f ≡ 1), soft clipping σ/√(1+σ²/c²) and hard clipping min(σ, c).
    /// </summary>
    /// <remarks>f is applied to every one of the min(m,n) singular values, including zeros.</remarks>
    public static Matrix<double> MatrixFunction(Matrix<double> a, Func<double, double> f)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        ArgumentNullException.ThrowIfNull(f);
        var svd = Lapack.Svd(a);
        var us = svd.U!.Clone();
        for (int j = 0; j < svd.S.Count; j++)
        {
            double fs = f(svd.S[j]);
            for (int i = 0; i < us.RowCount; i++) us[i, j] *= fs;
        }
        return Blas.Multiply(us, svd.VT!);
    }

    /// <summary>‖A‖₂ = σ_max(A).</summary>
    public static double SpectralNorm(Matrix<double> a)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        return Lapack.Svd(a, SvdVectors.None).S[0];
    }

    /// <summary>κ₂(A) = σ_max/σ_min over the min(m,n) singular values; +∞ when σ_min = 0.</summary>
    public static double ConditionNumber(Matrix<double> a)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        var s = Lapack.Svd(a, SvdVectors.None).S;
        double min = s[s.Count - 1];
        return min == 0 ? double.PositiveInfinity : s[0] / min;
    }

    private static double Cutoff(Vector<double> s, Matrix<double> a, double? relativeCutoff)
    {
        double rel = relativeCutoff ?? DefaultRelativeCutoff(a.RowCount, a.ColumnCount);
        if (!(rel >= 0) || double.IsInfinity(rel))
            throw new ArgumentOutOfRangeException(nameof(relativeCutoff), relativeCutoff, "relativeCutoff must be finite and non-negative.");
        return rel * s[0];
    }
}
