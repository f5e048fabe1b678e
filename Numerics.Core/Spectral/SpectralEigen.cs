using Numerics.Arithmetic;
using Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>
/// The exact CPU path: one symmetric eigendecomposition of the k×k Gram matrix G = Q·Λ·Qᵀ (syrk,
/// then syevd) and H = X·Q·g(Λ)·Qᵀ with g(λ) = f(√λ)/√λ, so soft, hard and polar are one pass each,
/// with no iteration and without the hard clip's sign of c − σ. Computed in double whatever the
/// caller's element type.
/// </summary>
/// <remarks>
/// Accuracy: the Gram matrix carries rounding of about u·k·‖X‖₂², so the eigenvalue of a direction
/// with singular value σᵢ is known to a relative u·k·σ_max²/σᵢ². The relative error of an output
/// singular value is that times |d log g/d log λ| (<see cref="EigenResult.AccuracyFloor"/>): at most
/// about u·k·α with α = 1 + σ_max²/c² for the clips (reached by σ ≪ c), u·k·σ_max²/σ_min² for the kept
/// directions of the polar factor, and only u·k·κ² for clips of well-conditioned inputs far above c;
/// <see cref="SpectralClip"/> certifies a result only when that floor is within the tolerance, and
/// falls back to the SVD otherwise. Singular values below √(max(rows, cols)·u)·σ_max are not resolved
/// at all: the polar factor maps them to zero (<see cref="PolarCutoff"/>).
/// </remarks>
public static class SpectralEigen
{
    private const double UnitRoundoff = 1.1102230246251565e-16;

    /// <summary>
    /// Singular values at or below this fraction of σ_max are null for the polar factor:
    /// √(max(rows, cols)·u), where the Gram matrix stops resolving them.
    /// </summary>
    public static double PolarCutoff(int rows, int cols) => Math.Sqrt(Math.Max(rows, cols) * UnitRoundoff);

    /// <summary>The value of <see cref="Apply"/> and the accuracy its Gram matrix allows.</summary>
    /// <param name="Value">f of the singular values, rows×cols column-major.</param>
    /// <param name="Alpha">The condition of the computation: 1 + σ_max²/c² (soft, hard) or σ_max²/σ_min² over the kept directions (polar).</param>
    /// <param name="AccuracyFloor">The relative accuracy of each output singular value that the Gram matrix's rounding allows (at most about u·k·α; see the remarks).</param>
    public sealed record EigenResult(double[] Value, double Alpha, double AccuracyFloor);

    /// <summary>f applied to the singular values of the rows×cols column-major <paramref name="x"/>, into a new array.</summary>
    /// <exception cref="ArgumentException">Shape and length disagree, c is not positive and finite (soft, hard), or x is not finite.</exception>
    /// <exception cref="ArithmeticException">syevd did not converge.</exception>
    public static EigenResult Apply(SpectralMode mode, int rows, int cols, ReadOnlySpan<double> x, double c, LinearAlgebraBackend? backend = null)
    {
        backend ??= LinearAlgebraBackend.Current;
        RequireShape(rows, cols, x.Length, nameof(x));
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"Unknown mode {mode}.", nameof(mode));
        if (mode != SpectralMode.Polar && (!(c > 0) || !double.IsFinite(c))) throw new ArgumentException($"c must be positive and finite, got {c}.", nameof(c));
        int k = Math.Min(rows, cols);
        var result = new double[x.Length];
        double maxAbs = MaxAbs(x, nameof(x));
        if (k == 0 || maxAbs == 0) return new(result, 1, 0);

        // Work on X̃ = X/2^e (entries in [1, 2)); each direction's output σ is formed in true units.
        int e = Math.ILogB(maxAbs);
        var xs = Scaled(x, -e);
        bool wide = rows <= cols;
        var q = new double[k * k];
        Gram(backend, rows, cols, xs, q);
        var lambda = new double[k];
        int info = backend.Syevd(true, TriangularPart.Lower, k, q, k, lambda);
        if (info > 0) throw new ArithmeticException($"syevd did not converge (info = {info}).");
        double top = Math.Max(lambda[k - 1], 0);

        // m_j = f(σ_j)/σ̃_j, the factor that takes X̃·q_j (norm σ̃_j) to norm f(σ_j); for the clips
        // it is formed as 2^p·(f(σ_j)·2^-p/σ̃_j) so that neither c/σ nor 2^e has to be representable.
        var m = new double[k];
        double polarFloor = PolarCutoff(rows, cols) * PolarCutoff(rows, cols) * top;
        double smallestKept = top;
        int p = 0;
        if (mode == SpectralMode.Polar)
        {
            for (int j = 0; j < k; j++)
                if (lambda[j] > polarFloor && lambda[j] > 0)
                {
                    m[j] = 1 / Math.Sqrt(lambda[j]);
                    smallestKept = Math.Min(smallestKept, lambda[j]);
                }
        }
        else
        {
            var output = new double[k];
            for (int j = 0; j < k; j++)
            {
                double sigmaScaled = Math.Sqrt(Math.Max(lambda[j], 0));
                // f(σ)/σ → 1 as σ → 0: such a direction passes unchanged (factor 2^e in scaled units).
                output[j] = sigmaScaled > 0 ? F(mode, Math.ScaleB(sigmaScaled, e), c) : 0;
                int exponent = sigmaScaled > 0 && output[j] > 0 ? Math.ILogB(output[j]) - Math.ILogB(sigmaScaled) : e;
                p = j == 0 ? exponent : Math.Max(p, exponent);
            }
            for (int j = 0; j < k; j++)
            {
                double sigmaScaled = Math.Sqrt(Math.Max(lambda[j], 0));
                m[j] = sigmaScaled > 0 && output[j] > 0 ? Math.ScaleB(output[j], -p) / sigmaScaled : Math.ScaleB(1.0, e - p);
            }
        }

        // W = Q·diag(m)·Qᵀ = (Q·√m)(Q·√m)ᵀ: a syrk keeps W exactly symmetric and halves the flops.
        for (int j = 0; j < k; j++)
        {
            double root = Math.Sqrt(m[j]);
            for (int i = 0; i < k; i++) q[i + j * k] *= root;
        }
        var w = new double[k * k];
        SpanArithmetic.SymmetricRankK<double>(backend, false, k, k, 1.0, q, k, w, k);
        if (wide) backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, k, cols, k, 1.0, w, k, xs, rows, 0.0, result, rows);
        else backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, rows, k, k, 1.0, xs, rows, w, k, 0.0, result, rows);
        if (p != 0)
            for (int i = 0; i < result.Length; i++) result[i] = Math.ScaleB(result[i], p);

        double alpha = mode == SpectralMode.Polar
            ? (smallestKept > 0 ? top / smallestKept : 1)
            : 1 + Square(Math.ScaleB(Math.Sqrt(top), e) / c);
        return new(result, alpha, AccuracyFloor(mode, lambda, e, c, polarFloor, k));
    }

    /// <summary>
    /// The largest relative error of an output singular value that the Gram matrix's rounding
    /// δλ = u·k·λ_max allows: |d log g/d log λ|·δλ/λⱼ per direction, that is ½·δλ/(c² + λⱼ) for the soft
    /// clip, ½·δλ/λⱼ above c² for the hard clip (and ½·δλ/c² for a direction that δλ could move across
    /// c²), ½·δλ/λⱼ for the kept directions of the polar factor. Well-conditioned inputs far above c
    /// stay accurate however large α is; small σ far below c at large α do not.
    /// </summary>
    private static double AccuracyFloor(SpectralMode mode, double[] lambda, int e, double c, double polarFloor, int k)
    {
        double top = Math.Max(lambda[^1], 0);
        if (top == 0) return 0;
        double delta = UnitRoundoff * k;                       // δλ/λ_max
        double worst = 0;
        // ρⱼ² = λⱼ/c² in true units; ρ_max² = λ_max/c² (either may be ∞).
        double rhoTop = Square(Math.ScaleB(Math.Sqrt(top), e) / c);
        foreach (double l in lambda)
        {
            double lj = Math.Max(l, 0);
            double rho = Square(Math.ScaleB(Math.Sqrt(lj), e) / c);
            double error = mode switch
            {
                SpectralMode.Soft => 0.5 * delta * rhoTop / (1 + rho),
                SpectralMode.Hard => rho > 1 ? 0.5 * delta * top / lj : rho > 1 - delta * rhoTop ? 0.5 * delta * rhoTop : 0,
                _ => lj > polarFloor && lj > 0 ? 0.5 * delta * top / lj : 0,
            };
            worst = Math.Max(worst, double.IsNaN(error) ? double.PositiveInfinity : error);
        }
        return worst;
    }

    /// <summary>
    /// The eigenvalues (ascending) of VᵀV (or VVᵀ) for the rows×cols column-major <paramref name="v"/>,
    /// each the square of a singular value of V, as (mantissas, exponent): λᵢ = mantissasᵢ·4^e. Computed
    /// by syrk and syevd on V/2^e, so no finite V overflows or underflows.
    /// </summary>
    public static (double[] Scaled, int Exponent) GramEigenvalues(int rows, int cols, ReadOnlySpan<double> v, LinearAlgebraBackend? backend = null)
    {
        backend ??= LinearAlgebraBackend.Current;
        RequireShape(rows, cols, v.Length, nameof(v));
        int k = Math.Min(rows, cols);
        if (k == 0) return ([], 0);
        double maxAbs = MaxAbs(v, nameof(v));
        if (maxAbs == 0) return (new double[k], 0);
        int e = Math.ILogB(maxAbs);
        var g = new double[k * k];
        Gram(backend, rows, cols, Scaled(v, -e), g);
        var lambda = new double[k];
        int info = backend.Syevd(false, TriangularPart.Lower, k, g, k, lambda);
        if (info > 0) throw new ArithmeticException($"syevd did not converge (info = {info}).");
        return (lambda, e);
    }

    /// <summary>
    /// A proven upper bound on ‖V‖₂: √λ̂_max of V's Gram matrix (<see cref="GramEigenvalues"/>),
    /// widened by the rounding of the Gram product and of the eigenvalue solver (a few (rows + cols)·u
    /// relative) and by the spacing of the smallest subnormal numbers (absolute).
    /// </summary>
    public static double SpectralNormBound(int rows, int cols, ReadOnlySpan<double> v, LinearAlgebraBackend? backend = null)
    {
        var (lambda, e) = GramEigenvalues(rows, cols, v, backend);
        if (lambda.Length == 0) return 0;
        double top = Math.Sqrt(Math.Max(lambda[^1], 0) * (1 + 4 * (rows + cols) * UnitRoundoff));
        return Math.ScaleB(top, e) + Math.Sqrt((double)rows * cols) * double.Epsilon;
    }

    /// <summary>f(σ) in true units, for σ of any magnitude (∞ included: the clips give c).</summary>
    private static double F(SpectralMode mode, double sigma, double c) =>
        mode == SpectralMode.Soft ? SpectralClip.SoftValue(sigma, c) : Math.Min(sigma, c);

    private static void Gram(LinearAlgebraBackend backend, int rows, int cols, double[] xs, double[] g)
    {
        int k = Math.Min(rows, cols);
        if (rows <= cols) backend.Syrk(TriangularPart.Lower, Transpose.NoTranspose, k, cols, 1.0, xs, rows, 0.0, g, k);
        else backend.Syrk(TriangularPart.Lower, Transpose.Transpose, k, rows, 1.0, xs, rows, 0.0, g, k);
    }

    private static void RequireShape(int rows, int cols, int length, string name)
    {
        if (rows < 0 || cols < 0 || (long)rows * cols != length) throw new ArgumentException($"{name} holds {length} values, not {rows}×{cols}.", name);
    }

    /// <summary>max|xᵢ|, refusing NaN and ∞.</summary>
    private static double MaxAbs(ReadOnlySpan<double> x, string name)
    {
        double maxAbs = SpanArithmetic.MaxAbs<double>(x);
        if (!double.IsFinite(maxAbs)) throw new ArgumentException($"{name} contains NaN or infinite values.", name);
        return maxAbs;
    }

    /// <summary>x·2^e (exact unless the result is subnormal).</summary>
    private static double[] Scaled(ReadOnlySpan<double> x, int e)
    {
        var y = new double[x.Length];
        for (int i = 0; i < y.Length; i++) y[i] = Math.ScaleB(x[i], e);
        return y;
    }

    private static double Square(double v) => v * v;
}
