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
    /// <summary>Solves min ‖A·x − b‖₂ for tall A (n ≥ d). Inputs are not modified.</summary>
    /// <exception cref="ArgumentException">A or b is empty, holds NaN/∞, shapes mismatch, n &lt; d, or an option is out of range.</exception>
    public static LeastSquaresResult Solve(Matrix<double> a, MathNet.Numerics.LinearAlgebra.Vector<double> b, SketchedLeastSquaresOptions? options = null)
    {
        options ??= new SketchedLeastSquaresOptions();
        DenseStorage.RequireFinite(a, nameof(a));
        ArgumentNullException.ThrowIfNull(b);
        int n = a.RowCount, d = a.ColumnCount;
        if (b.Count != n) throw new ArgumentException($"b has length {b.Count}; a has {n} rows.", nameof(b));
        if (n < d) throw new ArgumentException($"a must be tall (rows ≥ columns), got {n}×{d}.", nameof(a));
        var bValues = DenseStorage.Values(b);
        DenseStorage.RequireFinite<double>(bValues, nameof(b));
        options.Validate(nameof(options));
        if (options.Certificate && options.CertificateRows is { } m2 && m2 < d)
            throw new ArgumentException($"CertificateRows must be at least the column count {d}, got {m2}.", nameof(options));
        if (options.Rows is { } requested && requested > n && options.Method is LeastSquaresMethod.SketchAndSolve or LeastSquaresMethod.SketchAndPrecondition)
            throw new ArgumentException($"Rows ({requested}) exceeds the rows of a ({n}): a sketch larger than A saves nothing; use the QR method.", nameof(options));
        double rcond = options.Rcond ?? DenseBaselines.DefaultRelativeCutoff(n, d);
        var (method, rows, reason) = Plan(n, d, options);
        if (method is LeastSquaresMethod.SketchAndSolve or LeastSquaresMethod.SketchAndPrecondition && rows < d) throw new ArgumentException($"Rows must be at least the column count {d}, got {rows}.", nameof(options));

        var problem = ScaledLeastSquaresProblem.Of(DenseStorage.ColumnMajor(a), bValues);
        var result = method switch
        {
            LeastSquaresMethod.Qr => DenseLeastSquares.Qr(problem, n, d, rcond),
            LeastSquaresMethod.Svd => DenseLeastSquares.Svd(problem, n, d, rcond),
            _ => SolveSketched(problem, n, d, method, rows, rcond, options),
        };
        // Scaling back can leave the range of double for solutions of extreme problems (A·1e-300 with b·1e300).
        if (!result.X.All(double.IsFinite)) result = result with { Status = SolverStatus.Breakdown };
        return result with { MethodReason = reason ?? result.MethodReason };
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

    private static LeastSquaresResult SolveSketched(ScaledLeastSquaresProblem problem, int n, int d, LeastSquaresMethod method, int m,
        double rcond, SketchedLeastSquaresOptions options)
    {
        var sketch = new SketchOperator(options.Sketch, m, n, options.Seed);
        var backend = options.Backend ?? CpuSketchBackend.Instance;

        var clock = Stopwatch.StartNew();
        var sab = backend.SketchAugmented(sketch, problem.A, d, problem.B);
        double sketchSeconds = clock.Elapsed.TotalSeconds;
        if (sab.Length != (long)m * (d + 1)) throw new InvalidOperationException($"The sketch backend '{backend.Name}' returned {sab.Length} values; {(long)m * (d + 1)} expected.");

        var pre = SketchPreconditioner.Factor(sab, m, d, rcond, options.SingularValues);
        var op = new DenseOperator(problem.A, n, d, n);
        if (SketchLostRank(problem.A, n, d, pre, rcond) is { } lost)
        {
            // A full-rank direction that the sketch cannot see: no answer in the sketch's range is right.
            return DenseLeastSquares.Qr(problem, n, d, rcond) with { MethodReason = lost };
        }
        double tolerance = options.Tolerance ?? LsqrOptions.DefaultToleranceFor(n);
        LsqrResult? lsqr = null;
        double[] x;
        if (method == LeastSquaresMethod.SketchAndPrecondition && pre.Rank > 0)
        {
            lsqr = Lsqr.Solve(new PreconditionedOperator(op, pre), problem.B, pre.SketchCoordinates(), new LsqrOptions
            {
                Tolerance = tolerance,
                MaxIterations = options.MaxIterations ?? SketchedLeastSquaresOptions.DefaultMaxIterations,
                CancellationToken = options.CancellationToken,
                Progress = options.Progress,
            });
            x = pre.Apply(lsqr.X);
        }
        else x = pre.SketchSolution();

        var (r, atr) = Residuals(op, problem.B, x);
        double residualNorm = GolubKahan.Norm(r), normalResidual = GolubKahan.Norm(atr);
        var status = SolverStatus.Converged;
        var stopTest = LsqrStopTest.None;
        double? relativeNormal = null;
        if (lsqr is not null)
        {
            // Paige and Saunders' tests in the original variables on the recomputed r and Aᵀr, with ‖A‖
            // replaced by ‖A·v‖ ≤ ‖A‖₂ (v the top right singular vector of R), so neither test is looser
            // than with the true norm: LSQR's own test on B = A·N proposes, this decides.
            var av = new double[n];
            op.Multiply(pre.TopVector, av);
            double normA = GolubKahan.Norm(av), xNorm = GolubKahan.Norm(x);
            relativeNormal = normalResidual == 0 ? 0 : normalResidual / (normA * residualNorm);
            stopTest = residualNorm <= tolerance * (GolubKahan.Norm(problem.B) + normA * xNorm) ? LsqrStopTest.Residual
                : normalResidual <= tolerance * normA * residualNorm ? LsqrStopTest.NormalResidual
                : LsqrStopTest.None;
            status = stopTest != LsqrStopTest.None ? SolverStatus.Converged
                : lsqr.Status is SolverStatus.Cancelled or SolverStatus.Breakdown or SolverStatus.MaxIterations ? lsqr.Status
                : SolverStatus.Stalled;
        }
        LinfCertificate? certificate = null;
        if (options.Certificate && pre.Rank == d && status != SolverStatus.Cancelled)
        {
            certificate = LinfCertificate.Compute(problem.A, n, d, pre, atr, GolubKahan.Norm(x), residualNorm, GolubKahan.Norm(problem.B),
                options.Seed, options.CertificateRows ?? LinfCertificate.DefaultRows(d), options.CertificateFailureProbability, options.CancellationToken);
            if (certificate is null) status = SolverStatus.Cancelled;
        }
        return new LeastSquaresResult
        {
            X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(problem.UnscaleSolution(x)),
            Method = method, Sketch = options.Sketch, SketchRows = m,
            Rank = pre.Rank, RankDeficient = pre.Rank < d, Rcond = rcond,
            SingularValues = pre.SingularValues is { } sv ? problem.UnscaleSingularValues((double[])sv.Clone()) : null,
            Factorization = pre.Factorization,
            Status = status, StopTest = stopTest, Iterations = lsqr?.Iterations ?? 0,
            ResidualNorm = problem.UnscaleResidual(residualNorm),
            NormalResidualNorm = problem.UnscaleNormalResidual(normalResidual),
            RelativeNormalResidual = relativeNormal,
            LinfBound = certificate is null ? null : AtLeastSmallest(certificate.Bound, problem.UnscaleSolution(certificate.Bound)),
            CertificateFailureProbability = certificate is null ? null : options.CertificateFailureProbability,
            PreconditionedCondition = lsqr is { Iterations: > 2 } ? lsqr.LargestSingularValue / lsqr.SmallestSingularValue : certificate?.ConditionEstimate,
            SketchSeconds = sketchSeconds,
        };
    }

    /// <summary>
    /// When the sketch's rank r is below d: whether A itself vanishes on the sketch's null space (one
    /// n×d×(d − r) product). ‖A·v‖ above 10·rcond·σ_max(R) for a null vector v means the sketch lost a
    /// direction that A has (too few rows, an unlucky sketch); the reason is returned, or null.
    /// </summary>
    private static string? SketchLostRank(double[] a, int n, int d, SketchPreconditioner pre, double rcond)
    {
        if (pre.NullSpace is not { } nullSpace || pre.SigmaMax == 0) return null;
        int k = nullSpace.Length / d;
        var av = new double[(long)n * k];
        LinearAlgebraBackend.Current.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, n, k, d, 1.0, a, n, nullSpace, d, 0.0, av, n);
        double worst = 0;
        for (int j = 0; j < k; j++) worst = Math.Max(worst, GolubKahan.Norm(av.AsSpan(j * n, n)));
        double threshold = 10 * rcond * pre.SigmaMax;
        return worst > threshold
            ? $"the sketch has rank {pre.Rank} of {d}, but A does not vanish on its null space (‖A·v‖ = {worst / pre.SigmaMax:E2}·σ_max): dense pivoted QR"
            : null;
    }

    /// <summary>
    /// A positive bound that scaling back took below the smallest double stays a bound when raised to
    /// it (the error it bounds is smaller still), and never reads as an exact zero.
    /// </summary>
    private static double[] AtLeastSmallest(double[] scaled, double[] bound)
    {
        for (int i = 0; i < bound.Length; i++) if (bound[i] == 0 && scaled[i] > 0) bound[i] = double.Epsilon;
        return bound;
    }

    /// <summary>r = b − A·x and Aᵀr in one fused pass over A.</summary>
    internal static (double[] Residual, double[] NormalResidual) Residuals(DenseOperator op, double[] b, double[] x)
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
