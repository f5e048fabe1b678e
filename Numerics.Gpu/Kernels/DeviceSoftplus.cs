using Numerics.Random;

namespace Numerics.Gpu.Kernels;

/// <summary>
/// softplus_β and its first two derivatives inside kernels, by the formulas of Core's host
/// <c>Softplus</c>: from one e = e^{−β|u|}, s = max(u, 0) + log(1 + e)/β, s′ = 1/(1 + e) for βu ≥ 0
/// and e/(1 + e) below, s″ = β·e/(1 + e)². Nothing overflows at any u.
/// </summary>
/// <remarks>
/// ILGPU has no accurate double-precision exp/log on CUDA without LibDevice, so both are written
/// here in plain IEEE arithmetic with explicit fused multiply-adds (TFma: inline <c>fma.rn.f64</c>
/// on CUDA, <see cref="Math.FusedMultiplyAdd"/> on the CPU simulator). The logarithm is Core's
/// <see cref="BoxMuller"/> one (≤ 2 ulp). The exponential of x ≤ 0 reduces x = n·ln 2 + r with
/// |r| ≤ ½ln 2 by fdlibm's two-part ln 2 (n·ln2_hi exact for |n| ≤ 2²⁰), sums the Taylor series of
/// e^r through r¹³ (the first omitted term is below 4·10⁻¹⁸ relative) by Horner's rule, and scales
/// by 2ⁿ through the exponent bits: within a few ulp of <see cref="Math.Exp"/>, which is all the
/// host's vectorised exp promises too.
/// </remarks>
internal static class DeviceSoftplus
{
    /// <summary>Below this e, log(1 + e) is replaced by e (as on the host).</summary>
    private const double Log1pCutoff = 1e-8;

    private const double InverseLn2 = 1.4426950408889634;
    // fdlibm's split of ln 2 (as in BoxMuller): Ln2Hi has 32 significant bits.
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;

    // 1/k!, k = 2..13, constant-folded and correctly rounded.
    private const double F2 = 1.0 / 2, F3 = 1.0 / 6, F4 = 1.0 / 24, F5 = 1.0 / 120, F6 = 1.0 / 720, F7 = 1.0 / 5040,
        F8 = 1.0 / 40320, F9 = 1.0 / 362880, F10 = 1.0 / 3628800, F11 = 1.0 / 39916800, F12 = 1.0 / 479001600, F13 = 1.0 / 6227020800;

    /// <summary>e^x for x ≤ 0 (0 below the smallest subnormal's half).</summary>
    public static double ExpNonPositive<TFma>(double x) where TFma : struct, IFusedMultiplyAdd
    {
        if (x < -745.2) return 0;
        var fma = default(TFma);
        // n = round(x/ln 2), ties away from zero; x ≤ 0 so n ≤ 0.
        long n = -(long)(0.5 - x * InverseLn2);
        double nd = n;
        double r = fma.Apply(nd, -Ln2Lo, fma.Apply(nd, -Ln2Hi, x));
        double p = fma.Apply(r, F13, F12);
        p = fma.Apply(p, r, F11); p = fma.Apply(p, r, F10); p = fma.Apply(p, r, F9); p = fma.Apply(p, r, F8);
        p = fma.Apply(p, r, F7); p = fma.Apply(p, r, F6); p = fma.Apply(p, r, F5); p = fma.Apply(p, r, F4);
        p = fma.Apply(p, r, F3); p = fma.Apply(p, r, F2); p = fma.Apply(p, r, 1.0); p = fma.Apply(p, r, 1.0);
        // 2ⁿ from its bits; below the normal range in two factors (the result is subnormal there).
        if (n >= -1022) return p * BitConverter.Int64BitsToDouble((n + 1023) << 52);
        return p * BitConverter.Int64BitsToDouble((n + 600 + 1023) << 52) * BitConverter.Int64BitsToDouble((-600L + 1023) << 52);
    }

    /// <summary>s(u), s′(u) and s″(u) for softplus_β (<paramref name="inverseBeta"/> = 1/β, as the host multiplies by it).</summary>
    public static (double Value, double Slope, double Curvature) Evaluate<TFma>(double u, double beta, double inverseBeta)
        where TFma : struct, IFusedMultiplyAdd
    {
        double t = beta * u;
        double e = ExpNonPositive<TFma>(t < 0 ? t : -t);
        double onePlus = 1 + e;
        double log1p = e < Log1pCutoff ? e : BoxMuller.Log<TFma>(BitConverter.DoubleToInt64Bits(onePlus));
        double high = 1 / onePlus, low = e / onePlus;
        return ((u > 0 ? u : 0) + log1p * inverseBeta, t >= 0 ? high : low, beta * high * low);
    }
}
