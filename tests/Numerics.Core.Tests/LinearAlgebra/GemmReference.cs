using Numerics.LinearAlgebra;

namespace Numerics.Core.Tests.LinearAlgebra;

/// <summary>
/// A double-double reference for C ← α·op(A)·op(B) + β·C and the componentwise forward-error bound
/// any GEMM must meet, shared by every GEMM test.
/// </summary>
/// <remarks>
/// Bound: each entry of C is an inner product of length k (≤ k roundings per product term, Higham,
/// Accuracy and Stability, §3.1 and Thm 3.5), one more for α·s and one more to add β·c, so
/// |ĉᵢⱼ − cᵢⱼ| ≤ γ_{k+2}·(|α|·(|A||B|)ᵢⱼ + |β|·|cᵢⱼ|) with γₙ = n·u/(1 − n·u). A blocked kernel
/// that adds each KC block's α·acc to C stays within it (kc + 1 + blocks ≤ k + 2 roundings), and so
/// does a gemv that folds α into x and starts from β·c. The reference sums in double-double
/// (error-free products by FMA, error-free sums), so its own error, u_d·|c| + O(k·u_d²), is added.
/// </remarks>
internal static class GemmReference
{
    public const double DoubleRoundoff = 1.0 / (1L << 53);
    public const double SingleRoundoff = 1.0 / (1L << 24);

    public static double Gamma(int n, double u) => n * u / (1 - n * u);

    /// <summary>
    /// The reference α·op(A)·op(B) + β·<paramref name="before"/> (m×n, leading dimension m) and the
    /// bound on each entry for unit roundoff <paramref name="u"/>. With β = 0 the reference ignores C
    /// (BLAS semantics: NaN there must not survive).
    /// </summary>
    public static (double[] Values, double[] Bounds) Compute(Transpose ta, Transpose tb, int m, int n, int k, double alpha,
        double[] a, int lda, double[] b, int ldb, double beta, double[] before, int ldc, double u)
    {
        var values = new double[m * n];
        var bounds = new double[m * n];
        for (int j = 0; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                var (value, magnitude) = Entry(ta, tb, i, j, k, alpha, a, lda, b, ldb, beta, before[i + j * ldc]);
                values[i + j * m] = value;
                bounds[i + j * m] = Gamma(k + 2, u) * magnitude * (1 + Gamma(k + 2, DoubleRoundoff))
                    + DoubleRoundoff * Math.Abs(value) + 4 * (k + 4) * DoubleRoundoff * DoubleRoundoff * magnitude;
            }
        return (values, bounds);
    }

    /// <summary>
    /// Asserts that <paramref name="computed"/> matches the reference within its bounds and that the
    /// rows between m and ldc still hold <paramref name="before"/>, bit for bit.
    /// </summary>
    public static void AssertWithin((double[] Values, double[] Bounds) reference, int m, int n, double[] before, int ldc,
        double[] computed, string context)
    {
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                double got = computed[i + j * ldc], value = reference.Values[i + j * m], bound = reference.Bounds[i + j * m];
                Assert.True(Math.Abs(got - value) <= bound,
                    $"C[{i},{j}] = {got:R}, reference {value:R}, |Δ| = {Math.Abs(got - value):E3} > bound {bound:E3} ({context})");
            }
            for (int i = m; i < ldc && i + j * ldc < computed.Length; i++)
                Assert.True(BitConverter.DoubleToInt64Bits(before[i + j * ldc]) == BitConverter.DoubleToInt64Bits(computed[i + j * ldc]),
                    $"C[{i},{j}] below row m = {m} was written ({context})");
        }
    }

    /// <summary><see cref="Compute"/> then <see cref="AssertWithin"/>, for a test with one result to check.</summary>
    public static void AssertProduct(Transpose ta, Transpose tb, int m, int n, int k, double alpha, double[] a, int lda,
        double[] b, int ldb, double beta, double[] before, int ldc, double[] computed, double u) =>
        AssertWithin(Compute(ta, tb, m, n, k, alpha, a, lda, b, ldb, beta, before, ldc, u), m, n, before, ldc, computed,
            $"m={m}, n={n}, k={k}, {ta}/{tb}, α={alpha}, β={beta}");

    /// <summary>The reference entry and |α|·(|A||B|)ᵢⱼ + |β|·|cᵢⱼ|.</summary>
    private static (double Value, double Magnitude) Entry(Transpose ta, Transpose tb, int i, int j, int k, double alpha,
        double[] a, int lda, double[] b, int ldb, double beta, double c)
    {
        double hi = 0, lo = 0, abs = 0;
        for (int p = 0; p < k; p++)
        {
            double x = TestData.Op(a, lda, ta, i, p), y = TestData.Op(b, ldb, tb, p, j);
            double ph = x * y, pl = Math.FusedMultiplyAdd(x, y, -ph);
            var (s, e) = TwoSum(hi, ph);
            hi = s;
            lo += e + pl;
            abs += Math.Abs(x * y);
        }
        double th = alpha * hi, tl = Math.FusedMultiplyAdd(alpha, hi, -th) + alpha * lo;
        double magnitude = Math.Abs(alpha) * abs;
        if (beta == 0) return (th + tl, magnitude);
        double uh = beta * c, ul = Math.FusedMultiplyAdd(beta, c, -uh);
        var (vh, ve) = TwoSum(th, uh);
        return (vh + (ve + tl + ul), magnitude + Math.Abs(beta * c));
    }

    /// <summary>Knuth's error-free sum: s + e = x + y exactly.</summary>
    private static (double S, double E) TwoSum(double x, double y)
    {
        double s = x + y, bb = s - x;
        return (s, (x - (s - bb)) + (y - bb));
    }

    /// <summary>The row and column counts of op(X) stored column-major: (rows, cols) of X itself.</summary>
    public static (int Rows, int Cols) Stored(Transpose t, int opRows, int opCols) =>
        t == Transpose.NoTranspose ? (opRows, opCols) : (opCols, opRows);
}
