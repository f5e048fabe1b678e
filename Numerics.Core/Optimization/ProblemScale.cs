namespace Numerics.Optimization;

/// <summary>
/// The power-of-two rescaling that keeps a solver's inner products finite: dots of vectors whose
/// entries are near 10^±160 overflow or underflow in double, although the problem itself is fine.
/// Solvers that are invariant under a scaling of their data (CG in (b, x), L-BFGS in f) run on the
/// scaled problem and scale the answer back; by a power of two, both directions are exact.
/// </summary>
internal static class ProblemScale
{
    // Inside [2⁻⁴⁵⁰, 2⁴⁵⁰] squares are normal (≥ 2⁻⁹⁰⁰) and sums of 2¹²⁰ of them finite (≤ 2¹⁰²⁰):
    // no solver needs rescaling there, and rescaling costs bits when values later go subnormal.
    private static readonly double s_smallest = Math.ScaleB(1.0, -450), s_largest = Math.ScaleB(1.0, 450);

    /// <summary>
    /// 1 when <paramref name="magnitude"/> is 0, non-finite or within [2⁻⁴⁵⁰, 2⁴⁵⁰]; else the power of
    /// two at or below it, with the exponent clamped to [−1000, 1000] so that both the scale and its
    /// reciprocal are normal numbers (a subnormal magnitude gets 2⁻¹⁰⁰⁰).
    /// </summary>
    public static double For(double magnitude) =>
        magnitude == 0 || !double.IsFinite(magnitude) || (magnitude >= s_smallest && magnitude <= s_largest)
            ? 1 : Math.ScaleB(1.0, Math.Clamp(Math.ILogB(magnitude), -1000, 1000));

    /// <summary>True when <paramref name="magnitude"/>/<paramref name="scale"/> stays far from overflow (≤ 2⁹⁰⁰).</summary>
    public static bool Fits(double magnitude, double scale) => magnitude / scale <= Math.ScaleB(1.0, 900);
}
