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
    /// <summary>GEMM-only Newton–Schulz iterations on the Gram matrix. Default.</summary>
    NewtonSchulz,

    /// <summary>Exact: LAPACK SVD (gesdd) in double, then U·f(Σ)·Vᵀ. The oracle.</summary>
    Svd,
}

/// <summary>Options of <see cref="SpectralClip.Apply{T}"/>.</summary>
public sealed record SpectralClipOptions
{
    /// <summary>The method. Default <see cref="SpectralMethod.NewtonSchulz"/>.</summary>
    public SpectralMethod Method { get; init; } = SpectralMethod.NewtonSchulz;

    /// <summary>The Newton–Schulz options (tolerance, schedule, fixed step count).</summary>
    public NewtonSchulzOptions NewtonSchulz { get; init; } = new();
}

/// <summary>The outcome of <see cref="SpectralClip.Apply{T}"/>.</summary>
/// <param name="Value">f applied to the singular values of the input (same shape).</param>
/// <param name="Mode">The function.</param>
/// <param name="Method">How it was computed.</param>
/// <param name="Steps">Newton–Schulz steps (0 for the SVD).</param>
/// <param name="Residual">The iteration's final residual (0 for the SVD).</param>
/// <param name="Status">How the iteration stopped (<see cref="SolverStatus.Converged"/> only when the final residual met the tolerance; always converged for the SVD).</param>
/// <param name="MaxSingularValue">
/// ‖Value‖₂: exact for the SVD; for Newton–Schulz an upper estimate: f(√ŝ) with ŝ ≥ σ_max² for the
/// soft clip (unconverged iterations only shrink), c for the hard clip, 1 for the polar factor.
/// </param>
public sealed record SpectralClipResult<T>(Matrix<T> Value, SpectralMode Mode, SpectralMethod Method, int Steps,
    double Residual, SolverStatus Status, double MaxSingularValue) where T : struct, IEquatable<T>, IFormattable
{
    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;
}

/// <summary>
/// Spectral clipping and orthogonalisation of matrices of any shape (tall, wide, vectors, 1×1, zero,
/// rank-deficient), in float or double, by Newton–Schulz (GEMMs only) or by SVD.
/// </summary>
public static class SpectralClip
{
    /// <summary>The soft-clip map f(σ) = σ/√(1 + σ²/c²).</summary>
    public static double SoftValue(double sigma, double c) => sigma / Math.Sqrt(1 + sigma / c * (sigma / c));

    /// <summary>
    /// The upper estimate of ‖f(X)‖₂ that a Newton–Schulz run gives: f(√ŝ) with ŝ = (α − 1)·c² ≥ σ_max²
    /// for the soft clip (an unconverged iteration only shrinks), c for the hard clip, 1 for the
    /// polar factor, and 0 for a zero input.
    /// </summary>
    public static double MaxSingularValueBound(SpectralMode mode, double alpha, double c, bool zeroInput) => zeroInput ? 0 : mode switch
    {
        SpectralMode.Soft => SoftValue(Math.Sqrt((alpha - 1) * c * c), c),
        SpectralMode.Hard => c,
        _ => 1.0,
    };

    /// <summary>Applies <paramref name="mode"/> to the singular values of <paramref name="x"/> (input unchanged).</summary>
    /// <param name="mode">Soft, hard or polar.</param>
    /// <param name="x">The matrix (float or double).</param>
    /// <param name="c">The clip level c &gt; 0 (ignored by <see cref="SpectralMode.Polar"/>).</param>
    /// <param name="options">Method and iteration options.</param>
    /// <exception cref="ArgumentException">x holds NaN/∞, c is not positive and finite, or an option is out of range.</exception>
    public static SpectralClipResult<T> Apply<T>(SpectralMode mode, Matrix<T> x, double c, SpectralClipOptions? options = null)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(x);
        options ??= new SpectralClipOptions();
        if (!Enum.IsDefined(mode)) throw new ArgumentException($"Unknown mode {mode}.", nameof(mode));
        if (mode != SpectralMode.Polar && (!(c > 0) || !double.IsFinite(c))) throw new ArgumentException($"c must be positive and finite, got {c}.", nameof(c));
        var ns = options.NewtonSchulz ?? throw new ArgumentException("options.NewtonSchulz must not be null.", nameof(options));
        ns.Validate(nameof(options));
        var values = DenseStorage.ColumnMajor(x);
        DenseStorage.RequireFinite<T>(values, nameof(x));

        if (options.Method == SpectralMethod.Svd) return Svd(mode, x, c);
        double tolerance = ns.Tolerance ?? NewtonSchulz.DefaultTolerance(typeof(T) == typeof(float));
        var ops = HostArithmetic<T>.Instance;
        var input = new HostMatrix<T>(x.RowCount, x.ColumnCount, values);
        var r = NewtonSchulz.Apply(mode, ops, input, c, ns, tolerance);
        return new SpectralClipResult<T>(Matrix<T>.Build.Dense(x.RowCount, x.ColumnCount, r.Value.Values), mode,
            SpectralMethod.NewtonSchulz, r.Steps, r.Residual, r.Status,
            MaxSingularValueBound(mode, r.Alpha, c, ops.Norm(input) == 0));
    }

    /// <summary>The exact function by fp64 SVD: U·f(Σ)·Vᵀ.</summary>
    private static SpectralClipResult<T> Svd<T>(SpectralMode mode, Matrix<T> x, double c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var xd = Matrix<double>.Build.Dense(x.RowCount, x.ColumnCount,
            Array.ConvertAll(DenseStorage.ColumnMajor(x), v => double.CreateTruncating(v)));
        var (value, max) = Reference(mode, xd, c);
        var converted = Matrix<T>.Build.Dense(x.RowCount, x.ColumnCount,
            Array.ConvertAll(value.ToColumnMajorArray(), v => T.CreateTruncating(v)));
        return new SpectralClipResult<T>(converted, mode, SpectralMethod.Svd, 0, 0, SolverStatus.Converged, max);
    }

    /// <summary>
    /// The SVD oracle in double: U·f(Σ)·Vᵀ and ‖f(Σ)‖∞. Polar maps singular values below
    /// max(m,n)·ε·σ_max to zero (numerical rank).
    /// </summary>
    public static (Matrix<double> Value, double MaxSingularValue) Reference(SpectralMode mode, Matrix<double> x, double c)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.RowCount == 0 || x.ColumnCount == 0) return (x.Clone(), 0);
        if (x.FrobeniusNorm() == 0) return (x.Clone(), 0);
        double cutoff = 0;
        if (mode == SpectralMode.Polar)
        {
            var s = Lapack.Svd(x, SvdVectors.None).S;
            cutoff = DenseBaselines.DefaultRelativeCutoff(x.RowCount, x.ColumnCount) * s[0];
        }
        Func<double, double> f = mode switch
        {
            SpectralMode.Soft => sigma => SoftValue(sigma, c),
            SpectralMode.Hard => sigma => Math.Min(sigma, c),
            _ => sigma => sigma > cutoff ? 1.0 : 0.0,
        };
        var value = DenseBaselines.MatrixFunction(x, f);
        var top = Lapack.Svd(x, SvdVectors.None).S[0];
        return (value, f(top));
    }
}
