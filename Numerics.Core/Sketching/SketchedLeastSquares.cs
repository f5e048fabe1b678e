using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>
/// Tall least squares min ‖A·x − b‖₂ by sketching: sketch-and-solve with an a-posteriori ℓ∞
/// bound, sketch-and-precondition (Blendenpik) to a tolerance, and the dense QR/SVD baselines.
/// </summary>
/// <remarks>
/// Every method works on A and b scaled by powers of two (so no finite input overflows or
/// underflows inside) and scales its results back exactly.
/// </remarks>
public static class SketchedLeastSquares
{
    /// <summary>Solves min ‖A·x − b‖₂ (plus Damp²·‖x‖² when damped) for tall A (n ≥ d). Inputs are not modified.</summary>
    /// <remarks>The same as <c>Factor(a, options).Solve(b)</c>, with S·A and S·b computed in one pass.
    /// A cancellation during the sketch gives a result with status Cancelled and x = 0.</remarks>
    /// <exception cref="ArgumentException">A or b is empty, holds NaN/∞, shapes mismatch, n &lt; d, or an option is out of range.</exception>
    public static LeastSquaresResult Solve(Matrix<double> a, MathNet.Numerics.LinearAlgebra.Vector<double> b, SketchedLeastSquaresOptions? options = null)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        ArgumentNullException.ThrowIfNull(b);
        if (b.Count != a.RowCount) throw new ArgumentException($"b has length {b.Count}; a has {a.RowCount} rows.", nameof(b));
        var bValues = DenseStorage.Values(b);
        DenseStorage.RequireFinite<double>(bValues, nameof(b));
        return Create(a, options, bValues).Result!;
    }

    /// <summary>
    /// Factors tall A (n ≥ d) for many right-hand sides: the sketch S·A and its factorization (or
    /// the dense QR, per <see cref="SketchedLeastSquaresOptions.Method"/>), reused by every
    /// <see cref="SketchedLeastSquaresFactorization.Solve(MathNet.Numerics.LinearAlgebra.Vector{double})"/>.
    /// A is copied only when it must be scaled; the factorization keeps a reference to its values, so
    /// do not modify A while using it.
    /// </summary>
    /// <exception cref="ArgumentException">A is empty or holds NaN/∞, n &lt; d, or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token fired during the sketch.</exception>
    public static SketchedLeastSquaresFactorization Factor(Matrix<double> a, SketchedLeastSquaresOptions? options = null)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        return Create(a, options, null).Factorization;
    }

    /// <summary>
    /// The factorization, and when <paramref name="b"/> is given (checked by the caller) its solve,
    /// with S·b computed together with S·A.
    /// </summary>
    private static (SketchedLeastSquaresFactorization Factorization, LeastSquaresResult? Result) Create(Matrix<double> a,
        SketchedLeastSquaresOptions? options, double[]? b)
    {
        options ??= new SketchedLeastSquaresOptions();
        int n = a.RowCount, d = a.ColumnCount;
        if (n < d) throw new ArgumentException($"a must be tall (rows ≥ columns), got {n}×{d}.", nameof(a));
        options.Validate(nameof(options));
        if (options.Certificate && options.CertificateRows is { } m2 && m2 < d)
            throw new ArgumentException($"CertificateRows must be at least the column count {d}, got {m2}.", nameof(options));
        if (options.Rows is { } requested && requested > n && options.Method is LeastSquaresMethod.SketchAndSolve or LeastSquaresMethod.SketchAndPrecondition)
            throw new ArgumentException($"Rows ({requested}) exceeds the rows of a ({n}): a sketch larger than A saves nothing; use the QR method.", nameof(options));
        double rcond = options.Rcond ?? DenseBaselines.DefaultRelativeCutoff(n, d);
        var (method, rows, reason) = Plan(n, d, options);
        if (method is LeastSquaresMethod.SketchAndSolve or LeastSquaresMethod.SketchAndPrecondition && rows < d) throw new ArgumentException($"Rows must be at least the column count {d}, got {rows}.", nameof(options));

        var scaled = ScaledLeastSquaresProblem.Of(DenseStorage.ColumnMajor(a), []);
        double damp = scaled.ScaleDamp(options.Damp);
        var backend = options.Backend ?? CpuSketchBackend.Instance;
        if (method is LeastSquaresMethod.Qr or LeastSquaresMethod.Svd)
        {
            var dense = damp > 0 ? scaled.WithDampingRows(n, d, damp) : scaled;
            var qr = method == LeastSquaresMethod.Qr ? PivotedQr.Factor(dense.A, damp > 0 ? n + d : n, d, rcond) : null;
            var factorization = new SketchedLeastSquaresFactorization(dense, options, n, d, damp, method, reason, rcond, null, backend, null, qr, 0);
            return (factorization, b is null ? null : factorization.SolveValidated(factorization.RightHandSide(b), null));
        }

        var sketch = new SketchOperator(options.Sketch, rows, n, options.Seed);
        var withB = b is null ? null : scaled.WithRightHandSide(b);
        var clock = Stopwatch.StartNew();
        double[] sab;
        try
        {
            sab = backend.SketchAugmented(sketch, scaled.A, d, withB is null ? [] : withB.B, options.CancellationToken);
        }
        catch (OperationCanceledException) when (b is not null && options.CancellationToken.IsCancellationRequested)
        {
            return (null!, Cancelled(n, d, method, reason, withB!));
        }
        double sketchSeconds = clock.Elapsed.TotalSeconds;
        int total = d + (b is null ? 0 : 1);
        if (sab.Length != (long)rows * total) throw new InvalidOperationException($"The sketch backend '{backend.Name}' returned {sab.Length} values; {(long)rows * total} expected.");

        var sa = damp > 0 ? WithDampingRows(sab, rows, d, damp) : sab.Length == rows * d ? sab : sab[..(rows * d)];
        var pre = SketchPreconditioner.Factor(sa, damp > 0 ? rows + d : rows, d, rcond, options.SingularValues);
        if (SketchLostRank(scaled.A, n, d, damp, pre, rcond) is { } lost)
        {
            // A full-rank direction that the sketch cannot see: no answer in the sketch's range is right.
            var dense = damp > 0 ? scaled.WithDampingRows(n, d, damp) : scaled;
            var qr = PivotedQr.Factor(dense.A, damp > 0 ? n + d : n, d, rcond);
            var fallback = new SketchedLeastSquaresFactorization(dense, options, n, d, damp, LeastSquaresMethod.Qr, lost, rcond, null, backend, null, qr, sketchSeconds);
            return (fallback, b is null ? null : fallback.SolveValidated(fallback.RightHandSide(b), null));
        }
        var result = new SketchedLeastSquaresFactorization(scaled, options, n, d, damp, method, reason, rcond, sketch, backend, pre, null, sketchSeconds);
        return (result, withB is null ? null : result.SolveValidated(withB, sab[(rows * d)..]));
    }

    /// <summary>A result for a solve cancelled during the sketch: x = 0, whose residual is b itself.</summary>
    private static LeastSquaresResult Cancelled(int n, int d, LeastSquaresMethod method, string? reason, ScaledLeastSquaresProblem problem) => new()
    {
        X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(d),
        Method = method, MethodReason = reason, Rank = 0, RankDeficient = true,
        Status = SolverStatus.Cancelled,
        ResidualNorm = problem.UnscaleResidual(GolubKahan.Norm(problem.B)),
    };

    /// <summary>[S·A; damp·I] ((m + d)×d): the sketch of the damped problem's matrix [A; damp·I] by diag(S, I).</summary>
    private static double[] WithDampingRows(double[] sa, int m, int d, double damp)
    {
        int rows = m + d;
        var stacked = new double[(long)rows * d];
        for (int j = 0; j < d; j++)
        {
            sa.AsSpan(j * m, m).CopyTo(stacked.AsSpan(j * rows, m));
            stacked[j * rows + m + j] = damp;
        }
        return stacked;
    }

    /// <summary>
    /// The method and sketch size: as requested, except that a default sketch size above n/2 is
    /// replaced by sketch-and-precondition at max(4d, ⌈d·ln(d/δ)⌉) rows, or by QR when that too exceeds n/2.
    /// </summary>
    private static (LeastSquaresMethod Method, int Rows, string? Reason) Plan(int n, int d, SketchedLeastSquaresOptions options)
    {
        var method = options.Method;
        if (method is LeastSquaresMethod.Qr or LeastSquaresMethod.Svd) return (method, 0, null);
        if (options.Rows is { } rows) return (method, rows, null);
        int m = SketchSize.Default(d, n, options.Sketch, options.Epsilon, options.Delta);
        if (2L * m <= n) return (method, m, null);
        int preconditioning = (int)Math.Max(4.0 * d, Math.Ceiling(d * Math.Log(Math.Max(1, d / options.Delta))));
        if (2L * preconditioning <= n)
            return (LeastSquaresMethod.SketchAndPrecondition, preconditioning,
                $"the default sketch size {m} exceeds n/2 = {n / 2}: sketch-and-precondition with m = {preconditioning}");
        return (LeastSquaresMethod.Qr, 0,
            $"the default sketch size {m} and the preconditioning size {preconditioning} exceed n/2 = {n / 2}: dense QR");
    }

    /// <summary>
    /// When the sketch's rank r is below d: whether A itself vanishes on the sketch's null space (one
    /// n×d×(d − r) product). ‖A·v‖ above 10·rcond·σ_max(R) for a null vector v means the sketch lost a
    /// direction that A has (too few rows, an unlucky sketch); the reason is returned, or null.
    /// </summary>
    private static string? SketchLostRank(double[] a, int n, int d, double damp, SketchPreconditioner pre, double rcond)
    {
        if (pre.NullSpace is not { } nullSpace || pre.SigmaMax == 0) return null;
        int k = nullSpace.Length / d;
        var av = new double[(long)n * k];
        LinearAlgebraBackend.Current.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, n, k, d, 1.0, a, n, nullSpace, d, 0.0, av, n);
        double worst = 0;
        // With damping, ‖[A; damp·I]·v‖² = ‖A·v‖² + damp² for a unit v.
        for (int j = 0; j < k; j++) worst = Math.Max(worst, double.Hypot(GolubKahan.Norm(av.AsSpan(j * n, n)), damp));
        double threshold = 10 * rcond * pre.SigmaMax;
        return worst > threshold
            ? $"the sketch has rank {pre.Rank} of {d}, but A does not vanish on its null space (‖A·v‖ = {worst / pre.SigmaMax:E2}·σ_max): dense pivoted QR"
            : null;
    }

    /// <summary>r = b − A·x and Aᵀr in one fused pass over A.</summary>
    internal static (double[] Residual, double[] NormalResidual) Residuals(ILinearOperator op, double[] b, double[] x)
    {
        var y = (double[])b.Clone();
        var z = new double[op.Columns];
        op.MultiplyThenTransposed(x, 1.0, y, z);
        for (int i = 0; i < y.Length; i++) y[i] = -y[i];
        for (int i = 0; i < z.Length; i++) z[i] = -z[i];
        return (y, z);
    }

    /// <summary>
    /// The ℓ∞ error statistic ε̂ = √d·‖x − x*‖∞ / (‖r*‖₂·‖A⁺‖₂) of the analysis, for tests and benchmarks
    /// where x*, the optimal residual norm ‖r*‖ and ‖A⁺‖ = 1/σ_min(A) are known.
    /// </summary>
    public static double LinfErrorStatistic(MathNet.Numerics.LinearAlgebra.Vector<double> x, MathNet.Numerics.LinearAlgebra.Vector<double> xStar, double residualNorm, double pseudoInverseNorm)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(xStar);
        if (x.Count != xStar.Count) throw new ArgumentException($"x has length {x.Count}, xStar {xStar.Count}.", nameof(xStar));
        if (!(residualNorm > 0) || !(pseudoInverseNorm > 0)) throw new ArgumentException("residualNorm and pseudoInverseNorm must be positive.", nameof(residualNorm));
        return Math.Sqrt(x.Count) * (x - xStar).InfinityNorm() / (residualNorm * pseudoInverseNorm);
    }
}
