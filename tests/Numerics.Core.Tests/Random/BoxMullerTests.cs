using System.Numerics;
using MathNet.Numerics.Distributions;
using Numerics.Random;

namespace Numerics.Core.Tests.Random;

/// <summary>The own logarithm and sine/cosine of <see cref="BoxMuller"/> against the platform's, and the normals it makes.</summary>
public class BoxMullerTests
{
    /// <summary>The accuracy <see cref="BoxMuller"/> documents for its logarithm and its sine/cosine, in ulp of the true value.</summary>
    private const double ClaimedUlp = 2;

    /// <summary>
    /// The reference sine/cosine are evaluated at a double-double angle with about 2⁻¹⁰⁵ absolute
    /// error, so near a zero of the function the comparison allows that much besides the ulps.
    /// </summary>
    private static readonly double ReferenceAbsoluteError = Math.ScaleB(1, -100);

    private const double P53 = 1.0 / (1UL << 53), P51 = 1.0 / (1UL << 51);

    private static double Ulp(double x) => Math.BitIncrement(Math.Abs(x)) - Math.Abs(x);

    [Fact]
    public void Log_is_within_two_ulp_of_Math_Log_from_two_to_the_minus_53_up_to_one()
    {
        var js = new List<ulong>();
        for (ulong j = 1; j <= 4096; j++) js.Add(j);                                  // u₁ near 0
        for (ulong j = 0; j < 4096; j++) js.Add((1UL << 53) - j);                     // u₁ near 1, including 1
        for (int e = 1; e < 53; e++)
            foreach (long d in new long[] { -2, -1, 0, 1, 2 }) js.Add((ulong)((1L << e) + d)); // around powers of two
        foreach (double m in new[] { Math.Sqrt(0.5), Math.Sqrt(2) / 2 })               // around the √½ split
            for (int e = 1; e <= 52; e++)
            {
                ulong j = (ulong)(m * Math.Pow(2, e + 1));
                for (ulong d = 0; d < 3; d++) js.Add(j + d - 1);
            }
        var random = new System.Random(5);
        for (int i = 0; i < 200_000; i++) js.Add(1 + ((ulong)random.NextInt64() >> 11));
        double worst = 0;
        foreach (ulong j in js.Where(j => j >= 1 && j <= 1UL << 53))
        {
            double x = j * P53, expected = Math.Log(x), actual = BoxMuller.LogUnit<HostFusedMultiplyAdd>(j);
            if (expected == 0) { Assert.Equal(0.0, actual); continue; }
            worst = Math.Max(worst, Math.Abs(actual - expected) / Ulp(expected));
        }
        Assert.True(worst <= ClaimedUlp, $"log error {worst:F2} ulp");
    }

    [Fact]
    public void Reduced_sine_and_cosine_are_within_two_ulp()
    {
        var fs = new List<double> { 0, -0.5, 0.5, P51, -P51, 0.5 - P51, 1e-300 };
        var random = new System.Random(6);
        for (int i = 0; i < 200_000; i++) fs.Add(((long)((ulong)random.NextInt64() >> 13) - (1L << 50)) * P51);
        double worst = 0;
        foreach (double f in fs)
        {
            var (sin, cos) = BoxMuller.SinCosHalfPi<HostFusedMultiplyAdd>(f);
            var (refSin, refCos) = Reference(Math.PI / 2, HalfPiLow, f);
            worst = Math.Max(worst, Math.Max(UlpError(sin, refSin), UlpError(cos, refCos)));
        }
        Assert.True(worst <= ClaimedUlp, $"reduced sin/cos error {worst:F2} ulp");
    }

    [Fact]
    public void Sine_and_cosine_of_whole_turns_are_within_two_ulp_including_quadrant_edges()
    {
        var ks = new List<ulong>();
        for (ulong q = 0; q <= 4; q++)
            for (long d = -3; d <= 3; d++)
            {
                long k = (long)(q << 51) + d;
                if (k >= 0 && k < 1L << 53) ks.Add((ulong)k);
            }
        foreach (ulong q in new ulong[] { 1, 3, 5, 7 })
            for (long d = -2; d <= 2; d++) ks.Add((ulong)((long)(q << 50) + d));           // the ±½ rounding edges
        var random = new System.Random(7);
        for (int i = 0; i < 200_000; i++) ks.Add((ulong)random.NextInt64() >> 11);
        double worst = 0;
        foreach (ulong k in ks)
        {
            var (sin, cos) = BoxMuller.SinCosQuarterTurns<HostFusedMultiplyAdd>(k);
            var (refSin, refCos) = Reference(2 * Math.PI, 4 * HalfPiLow, k * P53);
            worst = Math.Max(worst, Math.Max(UlpError(sin, refSin), UlpError(cos, refCos)));
        }
        Assert.True(worst <= ClaimedUlp, $"sin/cos error {worst:F2} ulp");
    }

    /// <summary>π/2 − fl(π/2).</summary>
    private const double HalfPiLow = 6.123233995736766e-17;

    /// <summary>sin and cos of c·x with c = cHi + cLo, the angle carried as a double-double.</summary>
    private static (double Sin, double Cos) Reference(double cHi, double cLo, double x)
    {
        double hi = cHi * x, lo = Math.FusedMultiplyAdd(cHi, x, -hi) + cLo * x;
        double s = Math.Sin(hi), c = Math.Cos(hi);
        return (s + c * lo, c - s * lo);
    }

    private static double UlpError(double actual, double expected) =>
        Math.Max(0, Math.Abs(actual - expected) - ReferenceAbsoluteError) / Ulp(expected);

    [Fact]
    public void Polynomial_coefficients_are_the_taylor_coefficients_correctly_rounded()
    {
        // π to 60 digits, as an exact rational; every comparison below is in integers scaled by 2¹²⁰⁰.
        var pi = BigInteger.Parse("3141592653589793238462643383279502884197169399375105820974944");
        var piDen = BigInteger.Pow(10, 60);
        double[] sines = [BoxMuller.S0, BoxMuller.S1, BoxMuller.S2, BoxMuller.S3, BoxMuller.S4, BoxMuller.S5, BoxMuller.S6, BoxMuller.S7, BoxMuller.S8];
        double[] cosines = [BoxMuller.C1, BoxMuller.C2, BoxMuller.C3, BoxMuller.C4, BoxMuller.C5, BoxMuller.C6, BoxMuller.C7, BoxMuller.C8, BoxMuller.C9];
        for (int k = 0; k < sines.Length; k++) AssertCorrectlyRounded(sines[k], k, 2 * k + 1);
        for (int k = 1; k <= cosines.Length; k++) AssertCorrectlyRounded(cosines[k - 1], k, 2 * k);

        void AssertCorrectlyRounded(double coefficient, int k, int n)
        {
            // (−1)ᵏ(π/2)ⁿ/n! = (−1)ᵏ·piⁿ / (2ⁿ·piDenⁿ·n!)
            var num = BigInteger.Pow(pi, n) * (k % 2 == 0 ? 1 : -1);
            var den = BigInteger.Pow(2, n) * BigInteger.Pow(piDen, n) * Factorial(n);
            var scale = BigInteger.Pow(2, 1200);
            var exact = num * scale / den;
            var value = Scaled(coefficient, 1200);
            var halfUlp = Scaled(Ulp(coefficient), 1200) / 2;
            Assert.True(BigInteger.Abs(value - exact) <= halfUlp + 1, $"coefficient k = {k}, n = {n}: {coefficient:R}");
        }
    }

    private static BigInteger Factorial(int n)
    {
        BigInteger f = 1;
        for (int i = 2; i <= n; i++) f *= i;
        return f;
    }

    /// <summary>x·2ˢ as an integer (exact for the doubles used here).</summary>
    private static BigInteger Scaled(double x, int s)
    {
        long bits = BitConverter.DoubleToInt64Bits(Math.Abs(x));
        int exponent = (int)(bits >> 52) - 1075;
        var mantissa = new BigInteger((bits & 0xFFFFFFFFFFFFFL) | (1L << 52));
        var v = exponent + s >= 0 ? mantissa << (exponent + s) : mantissa >> -(exponent + s);
        return x < 0 ? -v : v;
    }

    [Fact]
    public void Normals_pass_a_Kolmogorov_Smirnov_test_that_a_wrong_variance_or_mean_fails()
    {
        // D = sup|Fₙ − Φ| for n = 2¹⁸; the critical value at α = 10⁻⁴ is √(ln(2/α)/2)/√n ≈ 0.00435.
        // σ = 1.03 moves Φ by up to 0.03·φ(1) ≈ 0.0073 and a mean of 0.02 by 0.02·φ(0) ≈ 0.0080, so
        // both are rejected by the same test the generator passes.
        const int n = 1 << 18;
        double critical = Math.Sqrt(Math.Log(2 / 1e-4) / 2) / Math.Sqrt(n);
        var x = new double[n];
        new CounterRng(31, 4).FillNormal(x);
        Assert.True(KolmogorovSmirnov(x) < critical, $"D = {KolmogorovSmirnov(x):E3} ≥ {critical:E3}");
        Assert.True(KolmogorovSmirnov(x.Select(v => 1.03 * v).ToArray()) > critical);
        Assert.True(KolmogorovSmirnov(x.Select(v => v + 0.02).ToArray()) > critical);
    }

    private static double KolmogorovSmirnov(double[] sample)
    {
        var sorted = (double[])sample.Clone();
        Array.Sort(sorted);
        double d = 0, n = sorted.Length;
        for (int i = 0; i < sorted.Length; i++)
        {
            double cdf = Normal.CDF(0, 1, sorted[i]);
            d = Math.Max(d, Math.Max((i + 1) / n - cdf, cdf - i / n));
        }
        return d;
    }

    [Fact]
    public void Extreme_words_give_finite_normals_with_the_expected_radius()
    {
        // a = 0 is u₁ = 2⁻⁵³, the largest radius √(106·ln 2) ≈ 8.57; a = 2⁶⁴ − 1 is u₁ = 1, radius 0.
        var (cos, sin) = BoxMuller.Transform<HostFusedMultiplyAdd>(0, 0);
        Assert.Equal(Math.Sqrt(106 * Math.Log(2)), cos, 1e-15 * 8.57);
        Assert.Equal(0.0, sin);
        var (c1, s1) = BoxMuller.Transform<HostFusedMultiplyAdd>(ulong.MaxValue, ulong.MaxValue);
        Assert.Equal(0.0, Math.Abs(c1));
        Assert.Equal(0.0, Math.Abs(s1));
    }
}
