using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Spectral;

/// <summary>Which function of the singular values.</summary>
public enum SpectralMode
{
    /// <summary>Soft clip σ ↦ σ/√(1 + σ²/c²) (SPECTRA): smooth, always below min(σ, c).</summary>
    Soft,

    /// <summary>Hard clip σ ↦ min(σ, c): the projection onto the spectral-norm ball.</summary>
    Hard,

    /// <summary>Polar factor σ ↦ 1 (0 stays 0): orthogonalisation, as in Muon.</summary>
    Polar,
}

/// <summary>How the function is computed.</summary>
public enum SpectralMethod
{
    /// <summary>GEMM-only Newton–Schulz iterations on the Gram matrix (the method that also runs on a GPU). Default.</summary>
    NewtonSchulz,

    /// <summary>Exact: LAPACK SVD (gesdd) in double, then U·f(Σ)·Vᵀ. The oracle; the slowest.</summary>
    Svd,

    /// <summary>
    /// Exact CPU path: syrk, syevd of the k×k Gram matrix, then X·Q·g(Λ)·Qᵀ, in double (see
    /// <see cref="SpectralEigen"/>). No iteration, every α, not fragile at σ ≈ c; several times faster
    /// than the SVD.
    /// </summary>
    Eigen,
}

/// <summary>Options of <see cref="SpectralClip.Apply{T}"/>.</summary>
public sealed record SpectralClipOptions
{
    /// <summary>The method. Default <see cref="SpectralMethod.NewtonSchulz"/>.</summary>
    public SpectralMethod Method { get; init; } = SpectralMethod.NewtonSchulz;

    /// <summary>The Newton–Schulz options (tolerance, schedule, fixed step count). The tolerance also sets the bound checks of the exact methods.</summary>
    public NewtonSchulzOptions NewtonSchulz { get; init; } = new();

    /// <summary>
    /// When a result cannot be certified, compute it again by the next exact method: Newton–Schulz
    /// that does not converge falls back to <see cref="SpectralMethod.Eigen"/>, and an eigen result
    /// whose proven norm bound exceeds c(1 + 10·tol) (1 + 10·tol for the polar factor) falls back to
    /// <see cref="SpectralMethod.Svd"/>. The result says which method produced it. Default true.
    /// </summary>
    public bool Fallback { get; init; } = true;
}

/// <summary>The outcome of <see cref="SpectralClip.Apply{T}"/>.</summary>
/// <param name="Value">f applied to the singular values of the input (same shape).</param>
/// <param name="Mode">The function.</param>
/// <param name="Method">The method that produced <paramref name="Value"/> (see <paramref name="RequestedMethod"/>).</param>
/// <param name="Steps">Newton–Schulz steps of the requested method (0 when it was not Newton–Schulz).</param>
/// <param name="Residual">The Newton–Schulz certificate (see <see cref="NewtonSchulzResult{TMatrix}"/>); 0 for the exact methods.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when the value is certified: Newton–Schulz's certificate met the
/// tolerance, or an exact method's result passed its norm bound check. Otherwise the status of the
/// last method tried (with <see cref="SpectralClipOptions.Fallback"/> off, or on cancellation).
/// </param>
/// <param name="MaxSingularValueBound">
/// A proven upper bound on ‖Value‖₂ (as stored, in T): from the eigenvalues of Value's Gram matrix,
/// widened by the rounding of that computation.
/// </param>
/// <param name="RequestedMethod">The method the options asked for.</param>
public sealed record SpectralClipResult<T>(Matrix<T> Value, SpectralMode Mode, SpectralMethod Method, int Steps,
    double Residual, SolverStatus Status, double MaxSingularValueBound, SpectralMethod RequestedMethod) where T : struct, IEquatable<T>, IFormattable
{
    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;

    /// <summary>True when the value came from a fallback method rather than the requested one.</summary>
    public bool FellBack => Method != RequestedMethod;
}

/// <summary>
/// Spectral clipping and orthogonalisation of matrices of any shape (tall, wide, vectors, 1×1, zero,
/// rank-deficient), in float or double, by Newton–Schulz (GEMMs only), by one eigendecomposition of
/// the Gram matrix, or by SVD.
/// </summary>
public static class SpectralClip
{
    /// <summary>The soft-clip map f(σ) = σ/√(1 + σ²/c²).</summary>
    public static double SoftValue(double sigma, double c) => sigma <= c ? sigma / Math.Sqrt(1 + sigma / c * (sigma / c)) : c / Math.Sqrt(1 + c / sigma * (c / sigma));

    /// <summary>Applies <paramref name="mode"/> to the singular values of <paramref name="x"/> (input unchanged).</summary>
    /// <param name="mode">Soft, hard or polar.</param>
    /// <param name="x">The matrix (float or double).</param>
    /// <param name="c">The clip level c &gt; 0 (positive and finite for every mode; the polar factor ignores it).</param>
    /// <param name="options">Method, iteration and fallback options.</param>
    /// <exception cref="ArgumentException">x holds NaN/∞, c is not positive and finite, or an option is out of range.</exception>
    public static SpectralClipResult<T> Apply<T>(SpectralMode mode, Matrix<T> x, double c, SpectralClipOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        options ??= new SpectralClipOptions();
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"Unknown mode {mode}.", nameof(mode));
        if (!Enum.IsDefined(options.Method)) throw new ArgumentException($"Unknown method {options.Method}.", nameof(options));
        if (!(c > 0) || !double.IsFinite(c)) throw new ArgumentException($"c must be positive and finite, got {c}.", nameof(c));
        var ns = options.NewtonSchulz ?? throw new ArgumentException("options.NewtonSchulz must not be null.", nameof(options));
        ns.Validate(nameof(options));
        var values = DenseStorage.ColumnMajor(x);
        DenseStorage.RequireFinite<T>(values, nameof(x));
        double tolerance = ns.Tolerance ?? NewtonSchulz.DefaultTolerance(typeof(T) == typeof(float));
        int rows = x.RowCount, cols = x.ColumnCount;
        var requested = options.Method;
        int steps = 0;
        double residual = 0;

        // Outputs of size c below the element type's normal range lose relative precision to the subnormal spacing.
        bool representable = mode == SpectralMode.Polar || c * tolerance >= SmallestSubnormal<T>();

        if (requested == SpectralMethod.NewtonSchulz)
        {
            var ops = HostArithmetic<T>.Instance;
            var r = NewtonSchulz.Apply(mode, ops, new HostMatrix<T>(rows, cols, values), c, ns with { StopWhenUncertifiable = ns.StopWhenUncertifiable || options.Fallback }, tolerance);
            (steps, residual) = (r.Steps, r.Residual);
            var status = r.Status;
            double bound = r.MaxSingularValueBound;
            if (status == SolverStatus.Converged && (mode == SpectralMode.Hard || !WithinBand(mode, bound, c, tolerance)))
            {
                // The soft clip's and the polar factor's bounds follow from their certificates (with a
                // worst-case rounding term); the hard clip's from Gram-matrix norms. The host can afford
                // the eigenvalues of the output's Gram matrix, which also catch a certificate that met
                // the tolerance while the norm did not.
                bound = Math.Min(bound, SpectralEigen.SpectralNormBound(rows, cols, ToDouble(r.Value.Values)));
                if (!WithinBand(mode, bound, c, tolerance)) status = SolverStatus.Stalled;
            }
            if (status == SolverStatus.Converged || status == SolverStatus.Cancelled || !options.Fallback)
                return new(Wrap(rows, cols, r.Value.Values), mode, SpectralMethod.NewtonSchulz, steps, residual, status, bound, requested);
        }
        if (requested != SpectralMethod.Svd)
        {
            var eigen = SpectralEigen.Apply(mode, rows, cols, ToDouble(values), c);
            var converted = FromDouble<T>(eigen.Value);
            var (bound, band) = Check(mode, rows, cols, converted, c, tolerance);
            bool certified = representable && band && eigen.AccuracyFloor <= tolerance;
            if (certified || !options.Fallback)
                return new(Wrap(rows, cols, converted), mode, SpectralMethod.Eigen, steps, residual,
                    certified ? SolverStatus.Converged : SolverStatus.Stalled, bound, requested);
        }
        var xd = Matrix<double>.Build.Dense(rows, cols, ToDouble(values));
        var exact = FromDouble<T>(Reference(mode, xd, c).Value.AsColumnMajorArray());
        var (exactBound, _) = Check(mode, rows, cols, exact, c, tolerance);
        return new(Wrap(rows, cols, exact), mode, SpectralMethod.Svd, steps, residual,
            representable ? SolverStatus.Converged : SolverStatus.Stalled, exactBound, requested);
    }

    /// <summary>
    /// The proven norm bound of an exact method's output, and whether the output lies in the band the
    /// mode promises: ‖V‖₂ ≤ c(1 + 10·tol) for the clips; for the polar factor every singular value
    /// within 10·tol of 1 or of 0 (its Gram matrix's eigenvalues, from one syevd).
    /// </summary>
    private static (double Bound, bool InBand) Check<T>(SpectralMode mode, int rows, int cols, T[] value, double c, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var v = ToDouble(value);
        double bound = SpectralEigen.SpectralNormBound(rows, cols, v);
        if (mode != SpectralMode.Polar) return (bound, WithinBand(mode, bound, c, tolerance));
        // μ = σ² from the output's Gram matrix, known to about 4(rows + cols)·u·μ_max: within that, each
        // must be 1 ± 20·tol (σ = 1 ± 10·tol) or 0 (a null direction, resolved down to √noise).
        var (lambda, e) = SpectralEigen.GramEigenvalues(rows, cols, v);
        double noise = 4 * (rows + cols) * 1.1102230246251565e-16 * Math.Max(1, Math.ScaleB(Math.Max(lambda.Length > 0 ? lambda[^1] : 0, 0), 2 * e));
        bool inBand = true;
        foreach (double scaled in lambda)
        {
            double mu = Math.ScaleB(Math.Max(scaled, 0), 2 * e);
            inBand &= Math.Abs(mu - 1) <= 20 * tolerance + noise || mu <= noise + Math.Pow(10 * tolerance, 2);
        }
        return (bound, inBand && WithinBand(mode, bound, c, tolerance));
    }

    /// <summary>The smallest positive subnormal number of T.</summary>
    private static double SmallestSubnormal<T>() where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? float.Epsilon : double.Epsilon;

    /// <summary>Whether a proven norm bound is inside the band the mode promises: c(1 + 10·tol), or 1 + 10·tol for the polar factor.</summary>
    private static bool WithinBand(SpectralMode mode, double bound, double c, double tolerance) =>
        bound <= (mode == SpectralMode.Polar ? 1 : c) * (1 + 10 * tolerance);

    private static Matrix<T> Wrap<T>(int rows, int cols, T[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        Matrix<T>.Build.Dense(rows, cols, values);

    private static double[] ToDouble<T>(T[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        values is double[] d ? d : Array.ConvertAll(values, v => double.CreateTruncating(v));

    private static T[] FromDouble<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> =>
        values is T[] same ? same : Array.ConvertAll(values, v => T.CreateTruncating(v));

    /// <summary>
    /// The SVD oracle in double: U·f(Σ)·Vᵀ and ‖f(Σ)‖∞. Polar maps singular values below
    /// max(m,n)·ε·σ_max to zero (numerical rank).
    /// </summary>
    public static (Matrix<double> Value, double MaxSingularValue) Reference(SpectralMode mode, Matrix<double> x, double c)
    {
        ArgumentNullException.ThrowIfNull(x);
        var values = DenseStorage.ColumnMajor(x);
        DenseStorage.RequireFinite<double>(values, nameof(x));
        double maxAbs = 0;
        foreach (double v in values) maxAbs = Math.Max(maxAbs, Math.Abs(v));
        if (x.RowCount == 0 || x.ColumnCount == 0 || maxAbs == 0) return (x.Clone(), 0);
        // One thin SVD (gesdd) of X/2^e serves the cutoff, the function and the largest value; each
        // σ is taken back to true units (σ = σ̃·2^e) before f, so no scale under- or overflows.
        int e = Math.ILogB(maxAbs);
        var svd = Lapack.Svd(x.Map(v => Math.ScaleB(v, -e)));
        double cutoff = DenseBaselines.DefaultRelativeCutoff(x.RowCount, x.ColumnCount) * svd.S[0];
        double F(double scaled) => mode switch
        {
            SpectralMode.Soft => SoftValue(Math.ScaleB(scaled, e), c),
            SpectralMode.Hard => Math.Min(Math.ScaleB(scaled, e), c),
            _ => scaled > cutoff ? 1.0 : 0.0,
        };
        var us = svd.U!.Clone();
        for (int j = 0; j < svd.S.Count; j++)
        {
            double fs = F(svd.S[j]);
            for (int i = 0; i < us.RowCount; i++) us[i, j] *= fs;
        }
        return (Blas.Multiply(us, svd.VT!), F(svd.S[0]));
    }
}
