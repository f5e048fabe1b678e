using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;

namespace Numerics.Bilevel;

/// <summary>Certified bounds on the extreme squared singular values of a matrix, for the problems' strong-convexity and smoothness constants.</summary>
internal static class SingularValueRange
{
    /// <summary>
    /// (σ_min², σ_max²) of <paramref name="a"/>, each σ widened by 8·max(m, n)·u·σ_max (a backward-stable
    /// SVD returns every σ within a modest multiple of u·σ_max·max(m, n), LAPACK's error bound), so that
    /// they bound the exact values; σ_min = 0 when a has fewer rows than columns.
    /// </summary>
    public static (double Min, double Max) Squared(Matrix<double> a)
    {
        var s = Lapack.Svd(a, SvdVectors.None).S;
        double max = s.Count == 0 ? 0 : s.Maximum();
        double min = a.RowCount < a.ColumnCount || s.Count == 0 ? 0 : s.Minimum();
        double margin = 8 * Math.Max(a.RowCount, a.ColumnCount) * 1.1102230246251565e-16 * max;
        double lo = Math.Max(0, min - margin), hi = max + margin;
        return (lo * lo, hi * hi);
    }
}
