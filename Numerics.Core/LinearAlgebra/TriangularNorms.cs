namespace Numerics.LinearAlgebra;

/// <summary>
/// Estimates of the extreme singular values of an upper-triangular d×d matrix R by power and
/// inverse iteration on RᵀR: O(d²) per step (two triangular products or solves), so a condition
/// estimate costs a few matrix-vector passes instead of an SVD.
/// </summary>
internal static class TriangularNorms
{
    /// <summary>Steps of each iteration: the estimates settle to a few per cent for a separated extreme value, and within a factor of two for a dense one.</summary>
    private const int Steps = 12;

    /// <summary>σ_max(R) by power iteration on RᵀR (from below).</summary>
    public static double LargestSingularValue(LinearAlgebraBackend backend, double[] r, int d) => LargestSingularPair(backend, r, d).Sigma;

    /// <summary>σ_max(R) by power iteration on RᵀR (from below), with its right singular vector estimate (unit length).</summary>
    public static (double Sigma, double[] Vector) LargestSingularPair(LinearAlgebraBackend backend, double[] r, int d)
    {
        var v = Start(d);
        double sigma = 0;
        for (int step = 0; step < Steps; step++)
        {
            backend.Trmv(TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, d, r, d, v, 1);
            double rv = Normalize(v);
            backend.Trmv(TriangularPart.Upper, Transpose.Transpose, DiagonalKind.NonUnit, d, r, d, v, 1);
            double rtrv = Normalize(v);
            sigma = Math.Sqrt(rv * rtrv);
            if (!(sigma > 0) || !double.IsFinite(sigma)) return (sigma, v);
        }
        return (sigma, v);
    }

    /// <summary>σ_min(R) by inverse iteration on RᵀR (from above); 0 or NaN when R is singular.</summary>
    public static double SmallestSingularValue(LinearAlgebraBackend backend, double[] r, int d) => SmallestSingularPair(backend, r, d).Sigma;

    /// <summary>σ_min(R) by inverse iteration on RᵀR (from above), with its right singular vector estimate (unit length); σ = 0 when R is singular.</summary>
    public static (double Sigma, double[] Vector) SmallestSingularPair(LinearAlgebraBackend backend, double[] r, int d)
    {
        var v = Start(d);
        double sigma = double.PositiveInfinity;
        for (int step = 0; step < Steps; step++)
        {
            // v ← R⁻¹R⁻ᵀv: ‖R⁻ᵀv‖·‖R⁻¹(R⁻ᵀv)/‖R⁻ᵀv‖‖ → 1/σ_min².
            backend.Trsm(Side.Left, TriangularPart.Upper, Transpose.Transpose, DiagonalKind.NonUnit, d, 1, 1.0, r, d, v, d);
            double a = Normalize(v);
            backend.Trsm(Side.Left, TriangularPart.Upper, Transpose.NoTranspose, DiagonalKind.NonUnit, d, 1, 1.0, r, d, v, d);
            double b = Normalize(v);
            if (!double.IsFinite(a * b) || a * b == 0) return (0, v);
            sigma = 1 / Math.Sqrt(a * b);
        }
        return (sigma, v);
    }

    /// <summary>A fixed start vector with no special structure (so it is not orthogonal to an extreme singular vector in practice).</summary>
    private static double[] Start(int d)
    {
        var v = new double[d];
        for (int i = 0; i < d; i++) v[i] = 1 + 0.5 * Math.Sin(1.7 * i + 0.3);
        Normalize(v);
        return v;
    }

    private static double Normalize(double[] v)
    {
        double norm = 0;
        foreach (double x in v) norm = double.Hypot(norm, x);
        if (norm > 0 && double.IsFinite(norm))
            for (int i = 0; i < v.Length; i++) v[i] /= norm;
        return norm;
    }
}
