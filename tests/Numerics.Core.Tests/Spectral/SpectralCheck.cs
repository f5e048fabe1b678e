using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Spectral;
using Numerics.Testing;

namespace Numerics.Core.Tests.Spectral;

/// <summary>
/// Inputs with a known SVD and the checks that the documented semantics of
/// <see cref="SpectralClip.Apply{T}"/> imply for a result, against the SVD of the input as stored.
/// </summary>
internal static class SpectralCheck
{
    /// <summary>X = U·diag(σ)·Vᵀ with random orthonormal U (m×k) and V (n×k), k = σ.Length = min(m, n).</summary>
    public static (Matrix<double> X, Matrix<double> U, Matrix<double> V) Known(int m, int n, double[] sigma, int seed)
    {
        int k = Math.Min(m, n);
        var u = Lapack.Qr(Matrix<double>.Build.Dense(m, k, TestData.Random(m * k, seed))).Q;
        var v = Lapack.Qr(Matrix<double>.Build.Dense(n, k, TestData.Random(n * k, seed + 1))).Q;
        var x = u * Matrix<double>.Build.DenseOfDiagonalArray(sigma) * v.Transpose();
        return (x, u, v);
    }

    /// <summary>k values from hi down to lo, log-spaced.</summary>
    public static double[] LogSpaced(int k, double lo, double hi) =>
        Enumerable.Range(0, k).Select(i => k == 1 ? hi : hi * Math.Pow(lo / hi, (double)i / (k - 1))).ToArray();

    public static Matrix<float> ToSingle(Matrix<double> x) =>
        Matrix<float>.Build.Dense(x.RowCount, x.ColumnCount, Array.ConvertAll(x.ToColumnMajorArray(), d => (float)d));

    public static Matrix<double> ToDouble<T>(Matrix<T> x) where T : unmanaged, IFloatingPointIeee754<T> =>
        x is Matrix<double> d ? d.Clone() : Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount, Array.ConvertAll(x.ToColumnMajorArray(), v => double.CreateTruncating(v)));

    public static double Tolerance<T>() => NewtonSchulz.DefaultTolerance(typeof(T) == typeof(float));

    public static double UnitRoundoff<T>() => typeof(T) == typeof(float) ? Tolerances.SingleEpsilon : Tolerances.DoubleEpsilon;

    /// <summary>‖A‖₂ by LAPACK's SVD in double (0 for an empty matrix).</summary>
    public static double Norm2(Matrix<double> a) => a.RowCount == 0 || a.ColumnCount == 0 ? 0 : Lapack.Svd(a, SvdVectors.None).S[0];

    /// <summary>f(σ) of the mode; for the polar factor 1 (callers handle null directions).</summary>
    public static double F(SpectralMode mode, double sigma, double c) => mode switch
    {
        SpectralMode.Soft => SpectralClip.SoftValue(sigma, c),
        SpectralMode.Hard => Math.Min(sigma, c),
        _ => 1.0,
    };

    /// <summary>
    /// The violations of the documented semantics by one result <paramref name="h"/> (in double,
    /// as stored in T) of mode f applied to <paramref name="x"/> (the input as stored, in double),
    /// assuming the result claims <see cref="SolverStatus.Converged"/>. Empty when it meets them.
    /// <list type="bullet">
    /// <item>soft: |uᵢᵀĤvᵢ − f(σᵢ)| ≤ 10·tol·f(σᵢ) + a·u_T·k·σ_max;</item>
    /// <item>hard: |uᵢᵀĤvᵢ − min(σᵢ, c)| ≤ 10·tol·c + a·u_T·k·c;</item>
    /// <item>polar: uᵢᵀĤvᵢ within 10·tol + a·u_T·k of 1 for σᵢ ≥ 10⁻³σ_max, at most
    /// 2·√(2·tol) for σᵢ at or below <paramref name="nullLevel"/>·σ_max, and every singular
    /// value of Ĥ in [0, 2√(2·tol)] ∪ [1 − 10·tol − r, 1 + 10·tol + r];</item>
    /// <item>off-diagonal leakage ‖UᵀĤV − diag‖_F ≤ 10·tol·‖f(σ)‖_F + √k·r (between resolved directions);</item>
    /// <item>‖Ĥ‖₂ ≤ c(1 + 10·tol) + r (soft, hard) or 1 + 10·tol + r (polar).</item>
    /// </list>
    /// </summary>
    public static List<string> ConvergedViolations(SpectralMode mode, Matrix<double> x, Matrix<double> h, double c, double tol, double unitRoundoff, double nullLevel)
    {
        var problems = new List<string>();
        int k = Math.Min(x.RowCount, x.ColumnCount);
        if (k == 0) return problems;
        var svd = Lapack.Svd(x);
        var s = svd.S;
        double sMax = s[0];
        var core = svd.U!.TransposeThisAndMultiply(h) * svd.VT!.Transpose();
        double scale = mode switch { SpectralMode.Soft => sMax, SpectralMode.Hard => c, _ => 1.0 };
        double r = Tolerances.SpectralOutputRounding * unitRoundoff * k * scale;
        double band = Tolerances.SpectralBand * tol;
        double nullBand = Tolerances.PolarNullBand * Math.Sqrt(2 * tol);
        bool Resolved(int i) => mode != SpectralMode.Polar || s[i] >= 1e-3 * sMax;
        double fNorm = 0, off = 0;
        for (int i = 0; i < k; i++)
        {
            double f = F(mode, s[i], c), got = core[i, i];
            if (mode == SpectralMode.Polar)
            {
                if (sMax == 0 || s[i] <= nullLevel * sMax)
                {
                    f = 0;
                    if (!(Math.Abs(got) <= nullBand)) problems.Add($"null direction {i} (σ = {s[i]:E3}) maps to {got:E3} > {nullBand:E2}");
                }
                else if (Resolved(i) && !(Math.Abs(got - 1) <= band + r))
                    problems.Add($"direction {i} (σ/σ_max = {s[i] / sMax:E3}) maps to 1 + {got - 1:E3}, allowed ±{band + r:E2}");
            }
            else
            {
                double allowed = mode == SpectralMode.Soft ? band * f + r : band * c + r;
                if (!(Math.Abs(got - f) <= allowed))
                    problems.Add($"direction {i}: σ = {s[i]:R}, f = {f:R}, got {got:R} (error {got - f:E3}, allowed {allowed:E2})");
            }
            if (Resolved(i)) fNorm += f * f;
            for (int j = 0; j < k; j++)
                if (i != j && Resolved(i) && Resolved(j)) off += core[i, j] * core[i, j];
        }
        // The per-direction allowance, summed in Frobenius norm: relative for the soft clip and the
        // polar factor (f = 1), absolute (c) for the hard clip.
        double frobeniusAllowed = (mode == SpectralMode.Hard ? band * c * Math.Sqrt(k) : band * Math.Sqrt(fNorm)) + Math.Sqrt(k) * r;
        double leakage = Math.Sqrt(off);
        if (!(leakage <= frobeniusAllowed)) problems.Add($"off-diagonal leakage {leakage:E3} > {frobeniusAllowed:E2}");
        // The whole error, including the components outside the input's singular subspaces and in
        // its null space, against U·f(Σ)·Vᵀ (the polar factor's null directions may keep up to the null band).
        var expected = Matrix<double>.Build.Dense(k, k);
        int nulls = 0;
        for (int i = 0; i < k; i++)
        {
            bool isNull = mode == SpectralMode.Polar && (sMax == 0 || s[i] <= nullLevel * sMax);
            if (isNull) nulls++;
            expected[i, i] = isNull ? 0 : F(mode, s[i], c);
        }
        double error = (h - svd.U * expected * svd.VT).FrobeniusNorm();
        double errorAllowed = frobeniusAllowed + Math.Sqrt(nulls) * nullBand;
        if (mode == SpectralMode.Polar)
            for (int i = 0; i < k; i++)
                if (!Resolved(i) && s[i] > nullLevel * sMax) errorAllowed = double.PositiveInfinity;   // not produced by the generators
        if (!(error <= errorAllowed)) problems.Add($"‖Ĥ − U·f(Σ)·Vᵀ‖_F = {error:E3} > {errorAllowed:E2}");
        var hs = Lapack.Svd(h, SvdVectors.None).S;
        double top = hs[0];
        double normAllowed = mode == SpectralMode.Polar ? 1 + band + r : c * (1 + band) + r;
        if (!(top <= normAllowed)) problems.Add($"‖Ĥ‖₂ = {top:R} > {normAllowed:R}");
        if (mode == SpectralMode.Polar)
            foreach (double sv in hs)
                if (!(sv <= nullBand || Math.Abs(sv - 1) <= band + r))
                    problems.Add($"output singular value {sv:R} outside [0, {nullBand:E2}] ∪ 1 ± {band + r:E2}");
        return problems;
    }

    /// <summary>The checks every result meets, whatever its status: a bound that is NaN only for a breakdown and never below ‖Ĥ‖₂.</summary>
    public static List<string> BoundViolations(SolverStatus status, double bound, Matrix<double> h)
    {
        var problems = new List<string>();
        bool finite = h.Enumerate().All(double.IsFinite);
        if (double.IsNaN(bound) && status != SolverStatus.Breakdown) problems.Add($"bound is NaN with status {status}");
        if (!finite && status != SolverStatus.Breakdown) problems.Add($"non-finite value with status {status}");
        if (finite && double.IsFinite(bound))
        {
            double top = Norm2(h);
            if (!(top <= bound * (1 + Tolerances.SvdNormRounding))) problems.Add($"MaxSingularValueBound {bound:R} < ‖Ĥ‖₂ = {top:R}");
        }
        return problems;
    }
}
