namespace Numerics.Optimization;

/// <summary>
/// The power-of-two rescaling that keeps a solver's inner products finite: dots of vectors whose
/// entries are near 10^±160 overflow or underflow in double, although the problem itself is fine.
/// Solvers that are invariant under a scaling of their data (CG in (b, x), L-BFGS in f) run on the
/// scaled problem and scale the answer back; by a power of two, both directions are exact.
/// </summary>
internal static class ProblemScale
{
    private static readonly double s_smallest = Math.ScaleB(1.0, -200), s_largest = Math.ScaleB(1.0, 200);

    /// <summary>
    /// 1 when <paramref name="magnitude"/> is 0, non-finite or within [2⁻²⁰⁰, 2²⁰⁰] (squares and sums
    /// of squares of such values stay far from overflow and underflow); else the power of two
    /// nearest below it.
    /// </summary>
    public static double For(double magnitude) =>
        magnitude == 0 || !double.IsFinite(magnitude) || (magnitude >= s_smallest && magnitude <= s_largest)
            ? 1 : Math.ScaleB(1.0, Math.ILogB(magnitude));
}
