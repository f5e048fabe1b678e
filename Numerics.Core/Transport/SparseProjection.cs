using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;

namespace Numerics.Transport;

/// <summary>
/// The Euclidean projection onto the k-sparse scaled simplex
/// {p ∈ ℝᵐ : p ≥ 0, Σᵢ pᵢ = z, ‖p‖₀ ≤ k}: keep the k largest coordinates of v, project them onto
/// the simplex of total z, and set every other coordinate to exactly 0.
/// </summary>
/// <remarks>
/// <para>
/// The set is not convex, yet the projection is exact (Kyrillidis, Becker, Cevher &amp; Koch, ICML
/// 2013): for any support S of size k the projection onto the simplex restricted to S is closer to v
/// the larger the entries of v on S, so the top-k support is optimal. The top k are found by
/// introselect in O(m) average time, not by sorting all of v; only the k kept values are sorted
/// (O(k log k)) for the sort-and-threshold simplex projection.
/// </para>
/// <para>
/// Ties between equal coordinates are broken towards the smaller index, so the result is unique.
/// The threshold is computed on differences vᵢ − v_max, which makes the projection invariant under
/// v → v + c·1 and free of cancellation when v's entries are large.
/// </para>
/// </remarks>
public static class SparseProjection
{
    /// <summary>result ← the projection of <paramref name="v"/> onto {p ≥ 0, Σp = 1, ‖p‖₀ ≤ k}.</summary>
    /// <exception cref="ArgumentException">The lengths differ, v is empty, or v holds NaN or ±∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public static void Project(ReadOnlySpan<double> v, int k, Span<double> result) => Project(v, k, 1.0, result);

    /// <summary>
    /// result ← the projection of <paramref name="v"/> onto {p ≥ 0, Σp = <paramref name="total"/>,
    /// ‖p‖₀ ≤ k} (the value-scaled variant; <paramref name="total"/> = 0 gives p = 0).
    /// </summary>
    /// <exception cref="ArgumentException">The lengths differ, v is empty, or v holds NaN or ±∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or total is negative or not finite.</exception>
    public static void Project(ReadOnlySpan<double> v, int k, double total, Span<double> result)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!(total >= 0) || !double.IsFinite(total))
            throw new ArgumentOutOfRangeException(nameof(total), total, "total must be non-negative and finite.");
        if (v.IsEmpty) throw new ArgumentException("v is empty.", nameof(v));
        if (result.Length != v.Length) throw new ArgumentException($"result has length {result.Length}; v has {v.Length}.", nameof(result));
        DenseStorage.RequireFinite(v, nameof(v));

        var top = new TopKSelection(Math.Min(k, v.Length));
        top.Reset(double.NegativeInfinity);
        for (int i = 0; i < v.Length; i++) top.Offer(v[i], i);
        top.Finish();
        result.Clear();
        int support = SimplexThreshold(top.Values, 1.0, total, out double shift);
        var values = top.Values;
        var indices = top.Indices;
        for (int r = 0; r < support; r++) result[indices[r]] = (values[r] - values[0]) - shift;
    }

    /// <summary>The projection of <paramref name="v"/> onto {p ≥ 0, Σp = <paramref name="total"/>, ‖p‖₀ ≤ k}, as a new vector.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="v"/> is null.</exception>
    /// <exception cref="ArgumentException">v is empty or holds NaN or ±∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or total is negative or not finite.</exception>
    public static Vector<double> Project(Vector<double> v, int k, double total = 1.0)
    {
        ArgumentNullException.ThrowIfNull(v);
        var result = new double[v.Count];
        Project(DenseStorage.Values(v), k, total, result);
        return Vector<double>.Build.Dense(result);
    }

    /// <summary>
    /// The simplex part of the projection. <paramref name="sorted"/> holds the kept values in
    /// decreasing order; the projection of scale·sorted onto {t ≥ 0, Σt = total} is
    /// tᵣ = scale·(sortedᵣ − sorted₀) − shift for r &lt; the returned support size ρ, and 0 beyond.
    /// </summary>
    /// <remarks>
    /// With dᵣ = scale·(sortedᵣ − sorted₀) ≤ 0 and Dᵣ their partial sums, ρ is the largest r with
    /// d_r − (D_r − total)/r &gt; 0 (the condition holds for a prefix of r, so the scan stops at the
    /// first failure) and shift = (D_ρ − total)/ρ. A non-finite difference (scale·gap overflowing)
    /// fails the condition, so such entries stay outside the support. total = 0 gives ρ = 0.
    /// </remarks>
    internal static int SimplexThreshold(ReadOnlySpan<double> sorted, double scale, double total, out double shift)
    {
        shift = 0;
        if (total == 0 || sorted.IsEmpty) return 0;
        double first = sorted[0], partial = 0;
        int support = 0;
        for (int r = 0; r < sorted.Length; r++)
        {
            double d = scale * (sorted[r] - first);
            double candidate = (partial + d - total) / (r + 1);
            if (!(d - candidate > 0)) break;
            partial += d;
            support = r + 1;
            shift = candidate;
        }
        return support;
    }
}
