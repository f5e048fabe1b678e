using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Numerics.Random;

/// <summary>
/// The Box–Muller transform of one Philox block into two standard normals, written with its own
/// logarithm and sine/cosine in plain IEEE arithmetic so that every platform and the GPU produce
/// the same bits: (r·cos θ, r·sin θ) with r = √(−2 ln u₁) and θ = 2π·u₂.
/// </summary>
/// <remarks>
/// <para>
/// <b>Inputs.</b> u₁ = (⌊a/2¹¹⌋ + 1)·2⁻⁵³ ∈ (0, 1] from the 64-bit word a (so the logarithm is finite)
/// and u₂ = ⌊b/2¹¹⌋·2⁻⁵³ ∈ [0, 1) from b.
/// </para>
/// <para>
/// <b>Logarithm.</b> u₁ = 2ᵉ·m with m ∈ [√½, √2) split exactly from the bits; with f = m − 1 (exact)
/// and s = f/(2 + f), ln m = 2·atanh s = 2s + s³·P(s²) where P is the atanh series 2/3, 2/5, …, 2/21
/// (|s| ≤ 0.1716, so the first omitted term is below 10⁻¹⁸ relative); ln u₁ = e·ln2_hi + (e·ln2_lo + ln m)
/// with the fdlibm split of ln 2 (e·ln2_hi is exact). Error ≤ 2 ulp (tested against <see cref="Math.Log(double)"/>).
/// </para>
/// <para>
/// <b>Sine and cosine.</b> θ = (π/2)·(q + f) with the quadrant q and f ∈ [−½, ½) taken exactly from
/// the integer ⌊b/2¹¹⌋ (no floating-point range reduction, hence no reduction error); sin(πf/2) and
/// cos(πf/2) are their Taylor series in f² through (πf/2)¹⁷ and (πf/2)¹⁸ (omitted terms below 10⁻¹⁹),
/// with coefficients (−1)ᵏ(π/2)ⁿ/n! rounded to nearest (tested against exact rational arithmetic);
/// q swaps and negates them. Error ≤ 2 ulp of the reduced functions (tested against <see cref="Math.Sin"/>).
/// </para>
/// <para>
/// <b>Same bits everywhere.</b> Only +, −, ×, ÷, √, integer/bit operations and exact conversions are
/// used, each correctly rounded by IEEE 754. Every a·b + c is an explicit fused multiply-add and no
/// product is ever an operand of an addition or subtraction: .NET never contracts a·b + c into an
/// FMA, but CUDA's code generator does contract ILGPU's <c>mul.f64</c>/<c>add.f64</c> pairs, so
/// the formula leaves it nothing to contract. The Vector256 and Vector512 forms run the same
/// operations lane by lane (the fills' tests compare every path with the scalar one).
/// </para>
/// </remarks>
public static class BoxMuller
{
    private const double TwoPow53Inv = 1.0 / (1UL << 53);
    private const double TwoPow51Inv = 1.0 / (1UL << 51);
    // √½ as a bit pattern: mantissas at or above it keep exponent e, below it borrow one (m ∈ [√½, √2)).
    private const long SqrtHalfBits = 0x3FE6A09E667F3BCD;
    // fdlibm's split of ln 2: Ln2Hi has 32 significant bits, so e·Ln2Hi is exact for |e| ≤ 2¹⁰.
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;

    // 2/(2k+1), k = 1..10: the atanh series after its leading 2s (constant-folded, correctly rounded).
    private const double L1 = 2.0 / 3, L2 = 2.0 / 5, L3 = 2.0 / 7, L4 = 2.0 / 9, L5 = 2.0 / 11,
        L6 = 2.0 / 13, L7 = 2.0 / 15, L8 = 2.0 / 17, L9 = 2.0 / 19, L10 = 2.0 / 21;

    // (−1)ᵏ(π/2)²ᵏ⁺¹/(2k+1)!, k = 0..8, rounded to nearest from 300-bit arithmetic.
    internal const double S0 = 1.5707963267948966, S1 = -0.6459640975062463, S2 = 0.07969262624616705,
        S3 = -0.004681754135318688, S4 = 0.00016044118478735983, S5 = -3.598843235212085e-06,
        S6 = 5.692172921967927e-08, S7 = -6.688035109811468e-10, S8 = 6.0669357311061955e-12;

    // (−1)ᵏ(π/2)²ᵏ/(2k)!, k = 1..9.
    internal const double C1 = -1.2337005501361697, C2 = 0.25366950790104803, C3 = -0.02086348076335296,
        C4 = 0.0009192602748394266, C5 = -2.5202042373060607e-05, C6 = 4.710874778818172e-07,
        C7 = -6.386603083791852e-09, C8 = 6.565963114979473e-11, C9 = -5.294400200734623e-13;

    /// <summary>
    /// The two normals of the block whose 64-bit words are <paramref name="a"/> (x₁:x₀) and
    /// <paramref name="b"/> (x₃:x₂): (r·cos θ, r·sin θ).
    /// </summary>
    /// <typeparam name="TFma">How the fused multiply-adds are issued (the host's or a device's).</typeparam>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (double Cos, double Sin) Transform<TFma>(ulong a, ulong b) where TFma : struct, IFusedMultiplyAdd
    {
        double r = Math.Sqrt(LogUnit<TFma>((a >> 11) + 1) * -2.0);
        var (sin, cos) = SinCosQuarterTurns<TFma>(b >> 11);
        return (r * cos, r * sin);
    }

    /// <summary>ln(j·2⁻⁵³) for j ∈ [1, 2⁵³].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double LogUnit<TFma>(ulong j) where TFma : struct, IFusedMultiplyAdd =>
        Log<TFma>(BitConverter.DoubleToInt64Bits((double)j * TwoPow53Inv));

    /// <summary>ln x for the positive normal double whose bits are <paramref name="bits"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static double Log<TFma>(long bits) where TFma : struct, IFusedMultiplyAdd
    {
        var fma = default(TFma);
        long e = (bits - SqrtHalfBits) >> 52;
        double f = BitConverter.Int64BitsToDouble(bits - (e << 52)) - 1.0;
        double s = f / (f + 2.0), z = s * s;
        double p = fma.Apply(z, L10, L9);
        p = fma.Apply(p, z, L8); p = fma.Apply(p, z, L7); p = fma.Apply(p, z, L6); p = fma.Apply(p, z, L5);
        p = fma.Apply(p, z, L4); p = fma.Apply(p, z, L3); p = fma.Apply(p, z, L2); p = fma.Apply(p, z, L1);
        double logM = fma.Apply(s * z, p, s + s), ed = e;
        return fma.Apply(ed, Ln2Hi, fma.Apply(ed, Ln2Lo, logM));
    }

    /// <summary>(sin θ, cos θ) for θ = 2π·k·2⁻⁵³, k ∈ [0, 2⁵³).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (double Sin, double Cos) SinCosQuarterTurns<TFma>(ulong k) where TFma : struct, IFusedMultiplyAdd
    {
        // θ = (π/2)·k/2⁵¹: q is k/2⁵¹ rounded, f the exact remainder in [−½, ½).
        ulong q = (k + (1UL << 50)) >> 51;
        double f = (long)(k - (q << 51)) * TwoPow51Inv;
        var (s, c) = SinCosHalfPi<TFma>(f);
        double sin = (q & 1) == 0 ? s : c, cos = (q & 1) == 0 ? c : s;
        // Quadrants 2, 3 negate the sine; quadrants 1, 2 the cosine.
        return (FlipSign(sin, (q & 2) << 62), FlipSign(cos, ((q + 1) & 2) << 62));
    }

    /// <summary>(sin(πf/2), cos(πf/2)) for |f| ≤ ½.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (double Sin, double Cos) SinCosHalfPi<TFma>(double f) where TFma : struct, IFusedMultiplyAdd
    {
        var fma = default(TFma);
        double z = f * f;
        double s = fma.Apply(z, S8, S7);
        s = fma.Apply(s, z, S6); s = fma.Apply(s, z, S5); s = fma.Apply(s, z, S4); s = fma.Apply(s, z, S3);
        s = fma.Apply(s, z, S2); s = fma.Apply(s, z, S1); s = fma.Apply(s, z, S0);
        double c = fma.Apply(z, C9, C8);
        c = fma.Apply(c, z, C7); c = fma.Apply(c, z, C6); c = fma.Apply(c, z, C5); c = fma.Apply(c, z, C4);
        c = fma.Apply(c, z, C3); c = fma.Apply(c, z, C2); c = fma.Apply(c, z, C1); c = fma.Apply(c, z, 1.0);
        return (f * s, c);
    }

    private static double FlipSign(double x, ulong signBit) =>
        BitConverter.Int64BitsToDouble(BitConverter.DoubleToInt64Bits(x) ^ (long)signBit);

    /// <summary>
    /// <see cref="Transform{TFma}"/> on four blocks at once, operation for operation (so bit for bit):
    /// lane i of <paramref name="a"/>, <paramref name="b"/> gives lane i of the results.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector256<double> Cos, Vector256<double> Sin) Transform(Vector256<ulong> a, Vector256<ulong> b)
    {
        // Logarithm, as Log: the exponent by a logical shift of a biased difference (AVX2 has no
        // 64-bit arithmetic shift); e ≥ −54 here, so the bias 64 keeps it non-negative.
        var bits = (Vector256.ConvertToDouble((a >> 11) + Vector256<ulong>.One) * TwoPow53Inv).AsInt64();
        var e = ((bits - Vector256.Create(SqrtHalfBits - (64L << 52))).AsUInt64() >> 52).AsInt64() - Vector256.Create(64L);
        var f = (bits - (e << 52)).AsDouble() - Vector256<double>.One;
        var s = f / (f + Vector256.Create(2.0));
        var z = s * s;
        var p = Fma(z, L10, L9);
        p = Fma(p, z, L8); p = Fma(p, z, L7); p = Fma(p, z, L6); p = Fma(p, z, L5);
        p = Fma(p, z, L4); p = Fma(p, z, L3); p = Fma(p, z, L2); p = Fma(p, z, L1);
        var logM = Vector256.FusedMultiplyAdd(s * z, p, s + s);
        var ed = Vector256.ConvertToDouble(e);
        var log = Vector256.FusedMultiplyAdd(ed, Vector256.Create(Ln2Hi), Vector256.FusedMultiplyAdd(ed, Vector256.Create(Ln2Lo), logM));
        var r = Vector256.Sqrt(log * -2.0);

        // Sine and cosine, as SinCosQuarterTurns and SinCosHalfPi.
        var k = b >> 11;
        var q = (k + Vector256.Create(1UL << 50)) >> 51;
        var t = Vector256.ConvertToDouble((k - (q << 51)).AsInt64()) * TwoPow51Inv;
        var zt = t * t;
        var sp = Fma(zt, S8, S7);
        sp = Fma(sp, zt, S6); sp = Fma(sp, zt, S5); sp = Fma(sp, zt, S4); sp = Fma(sp, zt, S3);
        sp = Fma(sp, zt, S2); sp = Fma(sp, zt, S1); sp = Fma(sp, zt, S0);
        var cp = Fma(zt, C9, C8);
        cp = Fma(cp, zt, C7); cp = Fma(cp, zt, C6); cp = Fma(cp, zt, C5); cp = Fma(cp, zt, C4);
        cp = Fma(cp, zt, C3); cp = Fma(cp, zt, C2); cp = Fma(cp, zt, C1); cp = Fma(cp, zt, 1.0);
        var sinR = t * sp;
        var odd = Vector256.Equals(q & Vector256<ulong>.One, Vector256<ulong>.One).AsDouble();
        var sin = Vector256.ConditionalSelect(odd, cp, sinR);
        var cos = Vector256.ConditionalSelect(odd, sinR, cp);
        sin = (sin.AsUInt64() ^ ((q & Vector256.Create(2UL)) << 62)).AsDouble();
        cos = (cos.AsUInt64() ^ (((q + Vector256<ulong>.One) & Vector256.Create(2UL)) << 62)).AsDouble();
        return (r * cos, r * sin);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Fma(Vector256<double> x, Vector256<double> y, double c) => Vector256.FusedMultiplyAdd(x, y, Vector256.Create(c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> Fma(Vector256<double> x, double y, double c) => Vector256.FusedMultiplyAdd(x, Vector256.Create(y), Vector256.Create(c));

    /// <summary>The Vector256 transform, line for line, on eight blocks (the AVX-512 fills).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static (Vector512<double> Cos, Vector512<double> Sin) Transform(Vector512<ulong> a, Vector512<ulong> b)
    {
        // Logarithm, as Log: the exponent by a logical shift of a biased difference (AVX2 has no
        // 64-bit arithmetic shift); e ≥ −54 here, so the bias 64 keeps it non-negative.
        var bits = (Vector512.ConvertToDouble((a >> 11) + Vector512<ulong>.One) * TwoPow53Inv).AsInt64();
        var e = ((bits - Vector512.Create(SqrtHalfBits - (64L << 52))).AsUInt64() >> 52).AsInt64() - Vector512.Create(64L);
        var f = (bits - (e << 52)).AsDouble() - Vector512<double>.One;
        var s = f / (f + Vector512.Create(2.0));
        var z = s * s;
        var p = Fma(z, L10, L9);
        p = Fma(p, z, L8); p = Fma(p, z, L7); p = Fma(p, z, L6); p = Fma(p, z, L5);
        p = Fma(p, z, L4); p = Fma(p, z, L3); p = Fma(p, z, L2); p = Fma(p, z, L1);
        var logM = Vector512.FusedMultiplyAdd(s * z, p, s + s);
        var ed = Vector512.ConvertToDouble(e);
        var log = Vector512.FusedMultiplyAdd(ed, Vector512.Create(Ln2Hi), Vector512.FusedMultiplyAdd(ed, Vector512.Create(Ln2Lo), logM));
        var r = Vector512.Sqrt(log * -2.0);

        // Sine and cosine, as SinCosQuarterTurns and SinCosHalfPi.
        var k = b >> 11;
        var q = (k + Vector512.Create(1UL << 50)) >> 51;
        var t = Vector512.ConvertToDouble((k - (q << 51)).AsInt64()) * TwoPow51Inv;
        var zt = t * t;
        var sp = Fma(zt, S8, S7);
        sp = Fma(sp, zt, S6); sp = Fma(sp, zt, S5); sp = Fma(sp, zt, S4); sp = Fma(sp, zt, S3);
        sp = Fma(sp, zt, S2); sp = Fma(sp, zt, S1); sp = Fma(sp, zt, S0);
        var cp = Fma(zt, C9, C8);
        cp = Fma(cp, zt, C7); cp = Fma(cp, zt, C6); cp = Fma(cp, zt, C5); cp = Fma(cp, zt, C4);
        cp = Fma(cp, zt, C3); cp = Fma(cp, zt, C2); cp = Fma(cp, zt, C1); cp = Fma(cp, zt, 1.0);
        var sinR = t * sp;
        var odd = Vector512.Equals(q & Vector512<ulong>.One, Vector512<ulong>.One).AsDouble();
        var sin = Vector512.ConditionalSelect(odd, cp, sinR);
        var cos = Vector512.ConditionalSelect(odd, sinR, cp);
        sin = (sin.AsUInt64() ^ ((q & Vector512.Create(2UL)) << 62)).AsDouble();
        cos = (cos.AsUInt64() ^ (((q + Vector512<ulong>.One) & Vector512.Create(2UL)) << 62)).AsDouble();
        return (r * cos, r * sin);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Fma(Vector512<double> x, Vector512<double> y, double c) => Vector512.FusedMultiplyAdd(x, y, Vector512.Create(c));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> Fma(Vector512<double> x, double y, double c) => Vector512.FusedMultiplyAdd(x, Vector512.Create(y), Vector512.Create(c));
}
