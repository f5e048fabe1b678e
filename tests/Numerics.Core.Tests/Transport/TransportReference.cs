using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.Transport;

/// <summary>
/// Independent baselines for the transport tests, sharing no code with the library: simplex
/// projection by bisection on the threshold, enumeration of supports, the conjugates by brute force
/// over supports, and quadratically-regularised transport by Dykstra's alternating projections.
/// </summary>
internal static class TransportReference
{
    /// <summary>The projection of v onto {t ≥ 0, Σt = total}: tᵢ = max(vᵢ − θ, 0) with θ found by 100 bisections (the bracket, of width ≤ 2·max|v| + total, shrinks below the last bit of θ).</summary>
    public static double[] SimplexByBisection(double[] v, double total)
    {
        if (total == 0) return new double[v.Length];
        double lo = v.Min() - total, hi = v.Max();
        for (int it = 0; it < 100; it++)
        {
            double mid = 0.5 * (lo + hi);
            double s = v.Sum(x => Math.Max(x - mid, 0));
            if (s > total) lo = mid; else hi = mid;
        }
        double theta = 0.5 * (lo + hi);
        return v.Select(x => Math.Max(x - theta, 0)).ToArray();
    }

    /// <summary>Every subset of {0, …, m−1} of exactly <paramref name="size"/> elements.</summary>
    public static IEnumerable<int[]> Subsets(int m, int size)
    {
        if (size == 0) { yield return []; yield break; }
        for (int first = 0; first <= m - size; first++)
            foreach (var rest in Subsets(m - first - 1, size - 1))
                yield return [first, .. rest.Select(r => r + first + 1)];
    }

    /// <summary>The best point of the k-sparse simplex of total z for v, by trying every support of size min(k, m).</summary>
    public static double[] SparseProjectionByEnumeration(double[] v, int k, double total)
    {
        double best = double.PositiveInfinity;
        double[] arg = [];
        foreach (var support in Subsets(v.Length, Math.Min(k, v.Length)))
        {
            var p = new double[v.Length];
            var local = SimplexByBisection(support.Select(i => v[i]).ToArray(), total);
            for (int r = 0; r < support.Length; r++) p[support[r]] = local[r];
            double d = v.Zip(p, (x, y) => (x - y) * (x - y)).Sum();
            if (d < best) { best = d; arg = p; }
        }
        return arg;
    }

    /// <summary>max_{k,z}(s) = max {⟨s,t⟩ − (γ/2)‖t‖² : t ≥ 0, Σt = z, ‖t‖₀ ≤ k}, over every support of size ≤ k.</summary>
    public static double MaxOperator(double[] s, int k, double z, double gamma)
    {
        double best = double.NegativeInfinity;
        for (int size = 1; size <= Math.Min(k, s.Length); size++)
            foreach (var support in Subsets(s.Length, size))
            {
                // Differences before the division by γ: the projection is shift-invariant, and (sᵢ − s_max)/γ
                // stays of the order of z for the entries that matter, however large s or small γ.
                double top = support.Max(i => s[i]);
                var t = SimplexByBisection(support.Select(i => (s[i] - top) / gamma).ToArray(), z);
                double v = support.Select((i, r) => s[i] * t[r] - 0.5 * gamma * t[r] * t[r]).Sum();
                best = Math.Max(best, v);
            }
        return best;
    }

    /// <summary>δ_k(s) = max {⟨s,t⟩ − (γ/2)‖t‖² : t ≥ 0, ‖t‖₀ ≤ k}, over every support of size ≤ k (on a support the maximiser is [s]₊/γ).</summary>
    public static double Delta(double[] s, int k, double gamma)
    {
        double best = 0;
        for (int size = 1; size <= Math.Min(k, s.Length); size++)
            foreach (var support in Subsets(s.Length, size))
                best = Math.Max(best, support.Sum(i => Math.Pow(Math.Max(s[i], 0), 2)) / (2 * gamma));
        return best;
    }

    /// <summary>S_k(α) = ⟨α,a⟩ − Σⱼ max_{k,bⱼ}(α − c_j) by brute force.</summary>
    public static double SemiDual(Matrix<double> c, double[] a, double[] b, double[] alpha, int k, double gamma)
    {
        double value = alpha.Zip(a, (x, y) => x * y).Sum();
        for (int j = 0; j < c.ColumnCount; j++)
            value -= MaxOperator(alpha.Select((x, i) => x - c[i, j]).ToArray(), k, b[j], gamma);
        return value;
    }

    /// <summary>D_k(α,β) = ⟨α,a⟩ + ⟨β,b⟩ − Σⱼ δ_k(α + βⱼ − c_j) by brute force.</summary>
    public static double Dual(Matrix<double> c, double[] a, double[] b, double[] alpha, double[] beta, int k, double gamma)
    {
        double value = alpha.Zip(a, (x, y) => x * y).Sum() + beta.Zip(b, (x, y) => x * y).Sum();
        for (int j = 0; j < c.ColumnCount; j++)
            value -= Delta(alpha.Select((x, i) => x + beta[j] - c[i, j]).ToArray(), k, gamma);
        return value;
    }

    /// <summary>
    /// The quadratically-regularised plan argmin_{T ∈ U(a,b)} ⟨T,C⟩ + (γ/2)‖T‖², which is the
    /// Euclidean projection of −C/γ onto U(a,b), by Dykstra's alternating projections between the
    /// affine set {T·1 = a, Tᵀ·1 = b} (closed form) and the non-negative orthant.
    /// </summary>
    public static Matrix<double> QuadraticPlanByDykstra(Matrix<double> c, double[] a, double[] b, double gamma, int iterations)
    {
        int m = c.RowCount, n = c.ColumnCount;
        var x = -c / gamma;
        var p = Matrix<double>.Build.Dense(m, n);
        var q = Matrix<double>.Build.Dense(m, n);
        for (int it = 0; it < iterations; it++)
        {
            var y = Affine(x + p, a, b);
            p = x + p - y;
            var z = (y + q).PointwiseMaximum(0.0);
            q = y + q - z;
            x = z;
        }
        return x;
    }

    /// <summary>The projection of X onto {T·1 = a, Tᵀ·1 = b} (Σa = Σb): X + r·1ᵀ/n + 1·cᵀ/m − (Σr/(mn))·11ᵀ.</summary>
    private static Matrix<double> Affine(Matrix<double> x, double[] a, double[] b)
    {
        int m = x.RowCount, n = x.ColumnCount;
        var r = Vector<double>.Build.Dense(a) - x.RowSums();
        var s = Vector<double>.Build.Dense(b) - x.ColumnSums();
        double total = r.Sum();
        return Matrix<double>.Build.Dense(m, n, (i, j) => x[i, j] + r[i] / n + s[j] / m - total / (m * n));
    }

    /// <summary>A random m×n cost in [0, 1) and random positive marginals summing to 1.</summary>
    public static (Matrix<double> C, Vector<double> A, Vector<double> B) RandomProblem(int m, int n, int seed)
    {
        var rng = new System.Random(seed);
        var c = Matrix<double>.Build.Dense(m, n, (_, _) => rng.NextDouble());
        var a = Vector<double>.Build.Dense(m, _ => 0.5 + rng.NextDouble());
        var b = Vector<double>.Build.Dense(n, _ => 0.5 + rng.NextDouble());
        return (c, a / a.Sum(), b / b.Sum());
    }
}
