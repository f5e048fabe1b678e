namespace Numerics.Optimization;

/// <summary>Extreme eigenvalues of a symmetric tridiagonal matrix by Sturm-sequence bisection.</summary>
internal static class SymmetricTridiagonal
{
    /// <summary>(λ_min, λ_max) of the matrix with diagonal <paramref name="diag"/> and off-diagonal <paramref name="off"/>, to about machine precision.</summary>
    public static (double Min, double Max) ExtremeEigenvalues(double[] diag, double[] off)
    {
        int n = diag.Length;
        if (n == 0) return (0, 0);
        // Gershgorin interval brackets the spectrum.
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int i = 0; i < n; i++)
        {
            double r = (i > 0 ? Math.Abs(off[i - 1]) : 0) + (i < n - 1 ? Math.Abs(off[i]) : 0);
            lo = Math.Min(lo, diag[i] - r);
            hi = Math.Max(hi, diag[i] + r);
        }
        return (Bisect(diag, off, lo, hi, 1), Bisect(diag, off, lo, hi, n));
    }

    /// <summary>The k-th smallest eigenvalue (1-based) in [lo, hi].</summary>
    private static double Bisect(double[] diag, double[] off, double lo, double hi, int k)
    {
        double tol = 4 * double.Epsilon + 2 * Math.Max(Math.Abs(lo), Math.Abs(hi)) * double.Epsilon;
        for (int it = 0; it < 200 && hi - lo > 2e-16 * Math.Max(Math.Abs(lo), Math.Abs(hi)) + tol; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (CountBelow(diag, off, mid) >= k) hi = mid; else lo = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>The number of eigenvalues below x (the negative pivots of the LDLᵀ of T − xI).</summary>
    private static int CountBelow(double[] diag, double[] off, double x)
    {
        int count = 0;
        double d = 1;
        for (int i = 0; i < diag.Length; i++)
        {
            double o2 = i > 0 ? off[i - 1] * off[i - 1] : 0;
            d = diag[i] - x - (i > 0 ? o2 / d : 0);
            if (d == 0) d = -1e-300;
            if (d < 0) count++;
        }
        return count;
    }
}
