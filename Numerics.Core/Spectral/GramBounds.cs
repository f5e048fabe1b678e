using Numerics.Arithmetic;
using Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>
/// Proven upper bounds on the largest eigenvalue of a symmetric positive semi-definite k×k matrix
/// (a Gram matrix), from GEMMs and norms only, so they run on any <see cref="IMatrixArithmetic{TMatrix}"/>.
/// </summary>
internal static class GramBounds
{
    /// <summary>
    /// λ_max(G) ≤ min(Gershgorin, ‖G‖_F, ‖G²‖_F^{1/2}, ‖G⁴‖_F^{1/4}), widened by the rounding of the
    /// products. ‖G^q‖_F^{1/q} ≤ r^{1/2q}·λ_max when r eigenvalues sit at the top, so the estimate is
    /// at most k^{1/8} (2.3 at k = 768) above λ_max, against √k for the Frobenius norm alone. The
    /// powers are formed from G/b (b the cheaper bound) so they cannot overflow.
    /// </summary>
    public static double LargestEigenvalue<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix g)
    {
        int k = ops.Rows(g);
        double b = Math.Min(ops.MaxAbsRowSum(g), ops.Norm(g));
        if (!(b > 0) || !double.IsFinite(b) || k == 1) return b;
        var n = ops.Create(k, k);
        var n2 = ops.Create(k, k);
        ops.Axpby(1 / b, g, 0.0, n);
        ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, n, n, 0.0, n2);
        double q2 = Math.Sqrt(ops.Norm(n2));
        ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, n2, n2, 0.0, n);
        double q4 = Math.Sqrt(Math.Sqrt(ops.Norm(n)));
        ops.Release(n);
        ops.Release(n2);
        // Each product is accurate to about k·u relative; the margin keeps the bound above λ_max.
        double margin = 1 + 4 * k * ops.UnitRoundoff;
        return b * Math.Min(1.0, Math.Min(q2, q4) * margin);
    }

    /// <summary>The k×k Gram matrix scale·X·Xᵀ (wide) or scale·Xᵀ·X (tall) of X.</summary>
    public static TMatrix Gram<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x, double scale)
    {
        int rows = ops.Rows(x), cols = ops.Columns(x);
        bool wide = rows <= cols;
        int k = Math.Min(rows, cols);
        var g = ops.Create(k, k);
        ops.SymmetricRankK(scale, x, transpose: !wide, g);
        return g;
    }

    /// <summary>
    /// An upper bound on ‖V‖₂ from its Gram matrix (one extra m·k² product): √λ̄ with λ̄ from
    /// <see cref="LargestEigenvalue{TMatrix}"/>, widened by the rounding of the Gram product.
    /// </summary>
    public static double SpectralNorm<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix v)
    {
        int rows = ops.Rows(v), cols = ops.Columns(v);
        if (rows == 0 || cols == 0) return 0;
        // ‖V‖ = 2^e·‖V/2^e‖: the Gram matrix of entries outside [2^-32, 2^32] is formed from a scaled copy.
        int e = ScalingExponent(ops.MaxAbs(v));
        var scaled = v;
        if (e != 0)
        {
            scaled = ops.Create(rows, cols);
            ScaleBy(ops, v, -e, scaled);
        }
        var g = Gram(ops, scaled, 1.0);
        double bound = Math.Sqrt(LargestEigenvalue(ops, g) * (1 + 2 * Math.Max(rows, cols) * ops.UnitRoundoff));
        ops.Release(g);
        if (e != 0) ops.Release(scaled);
        return Math.ScaleB(bound, e);
    }

    /// <summary>
    /// The exponent e with 2^e ≈ <paramref name="maxAbs"/> when the Gram matrix of entries that large
    /// could overflow or lose precision (|log₂ maxAbs| &gt; 32), else 0: dividing by 2^e is exact and
    /// brings the entries to [1, 2).
    /// </summary>
    public static int ScalingExponent(double maxAbs) => maxAbs > 0 && double.IsFinite(maxAbs) && Math.Abs(Math.ILogB(maxAbs)) > 32 ? Math.ILogB(maxAbs) : 0;

    /// <summary>destination ← 2^e·source, in two exact halves so neither factor leaves the float range.</summary>
    public static void ScaleBy<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix source, int e, TMatrix destination)
    {
        int half = e / 2;
        ops.Axpby(Math.ScaleB(1.0, half), source, 0.0, destination);
        ops.Axpby(Math.ScaleB(1.0, e - half), destination, 0.0, destination);
    }
}
