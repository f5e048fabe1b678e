using Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>
/// The exact CPU path: one symmetric eigendecomposition of the k×k Gram matrix G = Q·Λ·Qᵀ (syrk,
/// then syevd) and H = X·Q·g(Λ)·Qᵀ with g(λ) = f(√λ)/√λ, so soft, hard and polar are one pass each,
/// with no iteration, for every α, and without the hard clip's sign of c − σ. Computed in double
/// whatever the caller's element type.
/// </summary>
/// <remarks>
/// Accuracy: the Gram matrix carries rounding of about u·k·‖X‖₂², so singular values below
/// √(u·k)·σ_max are not resolved (the polar factor maps them to zero, <see cref="PolarCutoff"/>), and
/// the result is accurate to about u·k·‖X‖₂ in norm. <see cref="SpectralClip"/> checks every result
/// against a proven bound on its spectral norm and falls back to the SVD when the bound is violated.
/// </remarks>
public static class SpectralEigen
{
    /// <summary>
    /// Singular values at or below this fraction of σ_max are null for the polar factor:
    /// √(max(rows, cols)·u), where the Gram matrix stops resolving them.
    /// </summary>
    public static double PolarCutoff(int rows, int cols) => Math.Sqrt(Math.Max(rows, cols) * 1.1102230246251565e-16);

    /// <summary>
    /// f applied to the singular values of the rows×cols column-major <paramref name="x"/>, into a
    /// new array; also returns α = 1 + λ_max/c² (soft clip; 1 otherwise).
    /// </summary>
    /// <exception cref="ArgumentException">Shape and length disagree, c is not positive and finite (soft, hard), or x is not finite.</exception>
    /// <exception cref="ArithmeticException">syevd did not converge.</exception>
    public static (double[] Value, double Alpha) Apply(SpectralMode mode, int rows, int cols, ReadOnlySpan<double> x, double c, LinearAlgebraBackend? backend = null)
    {
        backend ??= LinearAlgebraBackend.Current;
        if (rows < 0 || cols < 0 || (long)rows * cols != x.Length) throw new ArgumentException($"x holds {x.Length} values, not {rows}×{cols}.", nameof(x));
        if (mode != SpectralMode.Polar && (!(c > 0) || !double.IsFinite(c))) throw new ArgumentException($"c must be positive and finite, got {c}.", nameof(c));
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"Unknown mode {mode}.", nameof(mode));
        int k = Math.Min(rows, cols);
        var result = new double[x.Length];
        double maxAbs = 0;
        foreach (double v in x)
        {
            if (!double.IsFinite(v)) throw new ArgumentException("x contains NaN or infinite values.", nameof(x));
            maxAbs = Math.Max(maxAbs, Math.Abs(v));
        }
        if (k == 0 || maxAbs == 0) return (result, 1);

        // f(tX) = t·f_{c/t}(X) for the clips (and msign(tX) = msign(X)): work on X/2^e, entries in [1, 2).
        int e = Math.ILogB(maxAbs);
        var xs = new double[x.Length];
        double down = Math.ScaleB(1.0, -e / 2), down2 = Math.ScaleB(1.0, -e + e / 2);
        for (int i = 0; i < xs.Length; i++) xs[i] = x[i] * down * down2;
        double cs = Math.ScaleB(c, -e);

        bool wide = rows <= cols;
        var q = new double[k * k];
        if (wide) backend.Syrk(TriangularPart.Lower, Transpose.NoTranspose, k, cols, 1.0, xs, rows, 0.0, q, k);
        else backend.Syrk(TriangularPart.Lower, Transpose.Transpose, k, rows, 1.0, xs, rows, 0.0, q, k);
        var lambda = new double[k];
        int info = backend.Syevd(true, TriangularPart.Lower, k, q, k, lambda);
        if (info > 0) throw new ArithmeticException($"syevd did not converge (info = {info}).");
        double top = Math.Max(lambda[k - 1], 0);

        // W = Q·g(Λ)·Qᵀ = (Q·√g)(Q·√g)ᵀ: a syrk keeps W exactly symmetric and halves the flops.
        double polarFloor = PolarCutoff(rows, cols);
        polarFloor *= polarFloor * top;
        for (int j = 0; j < k; j++)
        {
            double root = Math.Sqrt(G(mode, Math.Max(lambda[j], 0), cs, polarFloor));
            for (int i = 0; i < k; i++) q[i + j * k] *= root;
        }
        var w = new double[k * k];
        backend.Syrk(TriangularPart.Lower, Transpose.NoTranspose, k, k, 1.0, q, k, 0.0, w, k);
        for (int j = 0; j < k; j++)
            for (int i = 0; i < j; i++) w[i + j * k] = w[j + i * k];

        if (wide) backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, k, cols, k, 1.0, w, k, xs, rows, 0.0, result, rows);
        else backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, rows, k, k, 1.0, xs, rows, w, k, 0.0, result, rows);
        if (mode != SpectralMode.Polar && e != 0)
        {
            double up = Math.ScaleB(1.0, e / 2), up2 = Math.ScaleB(1.0, e - e / 2);
            for (int i = 0; i < result.Length; i++) result[i] = result[i] * up * up2;
        }
        double ratio = Math.Sqrt(top) / cs;
        return (result, mode == SpectralMode.Soft ? 1 + ratio * ratio : 1);
    }

    /// <summary>
    /// A proven upper bound on ‖V‖₂ for the rows×cols column-major <paramref name="v"/>: √λ̂_max of
    /// VᵀV (or VVᵀ) by syevd, widened by the rounding of the Gram product and of the eigenvalue
    /// solver (both at most a few (rows + cols)·u relative).
    /// </summary>
    public static double SpectralNormBound(int rows, int cols, ReadOnlySpan<double> v, LinearAlgebraBackend? backend = null)
    {
        backend ??= LinearAlgebraBackend.Current;
        int k = Math.Min(rows, cols);
        if (k == 0) return 0;
        double maxAbs = 0;
        foreach (double value in v) maxAbs = Math.Max(maxAbs, Math.Abs(value));
        if (!double.IsFinite(maxAbs)) return double.NaN;
        if (maxAbs == 0) return 0;
        int e = Math.ILogB(maxAbs);
        var scaled = new double[v.Length];
        double down = Math.ScaleB(1.0, -e / 2), down2 = Math.ScaleB(1.0, -e + e / 2);
        for (int i = 0; i < scaled.Length; i++) scaled[i] = v[i] * down * down2;
        var g = new double[k * k];
        if (rows <= cols) backend.Syrk(TriangularPart.Lower, Transpose.NoTranspose, k, cols, 1.0, scaled, rows, 0.0, g, k);
        else backend.Syrk(TriangularPart.Lower, Transpose.Transpose, k, rows, 1.0, scaled, rows, 0.0, g, k);
        var lambda = new double[k];
        int info = backend.Syevd(false, TriangularPart.Lower, k, g, k, lambda);
        if (info > 0) throw new ArithmeticException($"syevd did not converge (info = {info}).");
        const double u = 1.1102230246251565e-16;
        double bound = Math.Sqrt(Math.Max(lambda[k - 1], 0) * (1 + 4 * (rows + cols) * u));
        return bound * Math.ScaleB(1.0, e / 2) * Math.ScaleB(1.0, e - e / 2);
    }

    /// <summary>g(λ) = f(√λ)/√λ, written so that no intermediate overflows for any λ/c².</summary>
    private static double G(SpectralMode mode, double lambda, double c, double polarFloor)
    {
        double sigma = Math.Sqrt(lambda);
        switch (mode)
        {
            case SpectralMode.Soft:
                double s = sigma / c;
                return s <= 1 ? 1 / Math.Sqrt(1 + s * s) : 1 / s / Math.Sqrt(1 + 1 / (s * s));
            case SpectralMode.Hard:
                return sigma <= c ? 1 : c / sigma;
            default:
                return lambda > polarFloor && lambda > 0 ? 1 / sigma : 0;
        }
    }
}
