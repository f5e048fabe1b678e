using System.Diagnostics;
using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Sketching;

/// <summary>How <see cref="SketchedLeastSquares.Solve"/> computes x.</summary>
public enum LeastSquaresMethod
{
    /// <summary>x′ = argmin ‖S·A·x − S·b‖ by Householder QR of the m×d sketch: fast, ε-accurate.</summary>
    SketchAndSolve,

    /// <summary>
    /// Blendenpik: LSQR on A with the sketch's R (or V·Σ⁻¹ when rank-deficient) as right
    /// preconditioner, warm-started from the sketch-and-solve answer, to the tolerance: a drop-in for QR.
    /// </summary>
    SketchAndPrecondition,

    /// <summary>The dense baseline: Householder QR of A (LAPACK gels). Full rank only.</summary>
    Qr,

    /// <summary>The dense baseline: minimum-norm solution by SVD (gesdd), any rank.</summary>
    Svd,
}

/// <summary>
/// Options of <see cref="SketchedLeastSquares.Solve"/>. The defaults are the documented ones.
/// <see cref="IterativeOptions.Tolerance"/> (sketch-and-precondition): stop when
/// ‖(A·N)ᵀr‖ ≤ Tolerance·‖A·N‖·‖r‖ with N the preconditioner; null means <see cref="DefaultTolerance"/>.
/// <see cref="IterativeOptions.MaxIterations"/> limits the LSQR iterations of all sweeps together;
/// null means <see cref="DefaultMaxIterations"/>. Cancellation and progress apply to the LSQR iterations.
/// </summary>
public sealed record SketchedLeastSquaresOptions : IterativeOptions
{
    /// <summary>The method. Default <see cref="LeastSquaresMethod.SketchAndSolve"/>.</summary>
    public LeastSquaresMethod Method { get; init; } = LeastSquaresMethod.SketchAndSolve;

    /// <summary>The sketch. Default <see cref="SketchKind.Srht"/>.</summary>
    public SketchKind Sketch { get; init; } = SketchKind.Srht;

    /// <summary>The sketch size m (d ≤ m); null uses <see cref="SketchSize.Default"/> with <see cref="Epsilon"/> and <see cref="Delta"/>.</summary>
    public int? Rows { get; init; }

    /// <summary>Target ℓ∞ error statistic for the default row count. Default 1.</summary>
    public double Epsilon { get; init; } = 1.0;

    /// <summary>Failure probability for the default row count. Default 0.05.</summary>
    public double Delta { get; init; } = 0.05;

    /// <summary>The sketch seed. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Compute the per-coordinate ℓ∞ certificate (costs a few passes over A). Default true.</summary>
    public bool Certificate { get; init; } = true;

    /// <summary>
    /// Singular values of the sketch below RankTolerance·σ_max count as zero. Default
    /// max(m, d)·ε_machine, as numpy's lstsq.
    /// </summary>
    public double? RankTolerance { get; init; }

    /// <summary>Where S·[A | b] is computed. Default <see cref="CpuSketchBackend.Instance"/>.</summary>
    public ISketchBackend? Backend { get; init; }

    /// <summary>The LSQR tolerance when <see cref="IterativeOptions.Tolerance"/> is null.</summary>
    public const double DefaultTolerance = 1e-14;

    /// <summary>The LSQR iteration limit when <see cref="IterativeOptions.MaxIterations"/> is null (the preconditioned system has κ ≲ 3, so about 40 reach 1e-14).</summary>
    public const int DefaultMaxIterations = 100;

    /// <inheritdoc />
    /// <remarks>Also rejects an undefined method or sketch and a rank tolerance outside [0, 1).</remarks>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!Enum.IsDefined(Method)) throw new ArgumentException($"Unknown method {Method}.", paramName);
        if (!Enum.IsDefined(Sketch)) throw new ArgumentException($"Unknown sketch {Sketch}.", paramName);
        if (RankTolerance is { } rt && !(rt >= 0 && rt < 1)) throw new ArgumentException($"RankTolerance must lie in [0, 1), got {rt}.", paramName);
    }
}

/// <summary>The outcome of <see cref="SketchedLeastSquares.Solve"/>.</summary>
public sealed record LeastSquaresResult
{
    /// <summary>The solution (length d).</summary>
    public required MathNet.Numerics.LinearAlgebra.Vector<double> X { get; init; }

    /// <summary>The method used.</summary>
    public required LeastSquaresMethod Method { get; init; }

    /// <summary>The sketch used, or null for the dense baselines.</summary>
    public SketchKind? Sketch { get; init; }

    /// <summary>The sketch size m (0 for the dense baselines).</summary>
    public int SketchRows { get; init; }

    /// <summary>The numerical rank found (d when full rank).</summary>
    public required int Rank { get; init; }

    /// <summary>True when the rank is below d: X is then the minimum-norm solution of the sketched (or, for SVD, exact) problem.</summary>
    public bool RankDeficient { get; init; }

    /// <summary>Converged, or MaxIterations/Breakdown when LSQR stopped short of the tolerance.</summary>
    public required SolverStatus Status { get; init; }

    /// <summary>LSQR iterations (0 for the direct methods).</summary>
    public int Iterations { get; init; }

    /// <summary>‖b − A·x‖₂, computed.</summary>
    public required double ResidualNorm { get; init; }

    /// <summary>‖Aᵀ(b − A·x)‖₂, computed (null when neither a certificate nor LSQR needed it).</summary>
    public double? NormalResidualNorm { get; init; }

    /// <summary>
    /// Per-coordinate bound |xᵢ − x*ᵢ| ≤ LinfBound[i] from the sketch's preconditioner N:
    /// ‖Nᵀeᵢ‖·‖(A·N)ᵀr‖ / σ_min(A·N)², with σ_min(A·N) estimated by Golub–Kahan (see docs); null when not requested.
    /// </summary>
    public double[]? LinfBound { get; init; }

    /// <summary>The estimated condition number of the preconditioned matrix A·N (sketch methods with a certificate or LSQR).</summary>
    public double? PreconditionedCondition { get; init; }

    /// <summary>Seconds spent computing the sketch.</summary>
    public double SketchSeconds { get; init; }
}

/// <summary>
/// Tall least squares min ‖A·x − b‖₂ by sketching: sketch-and-solve with an a-posteriori ℓ∞
/// certificate, sketch-and-precondition (Blendenpik) to machine accuracy, and the dense QR/SVD baselines.
/// </summary>
public static class SketchedLeastSquares
{
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>
    /// The Golub–Kahan σ_min estimate converges from above, slowly when the bottom of the spectrum
    /// is dense (as it is for a sketch-preconditioned A); the certificate divides by (Safety·σ̂_min)².
    /// </summary>
    internal const double CertificateSafety = 0.9;

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
        var aValues = DenseStorage.ColumnMajor(a);

        return options.Method switch
        {
            LeastSquaresMethod.Qr => Dense(a, b, aValues, bValues, LeastSquaresMethod.Qr, DenseBaselines.LeastSquaresQr(a, b), d),
            LeastSquaresMethod.Svd => SolveSvd(a, b, aValues, bValues, options),
            _ => SolveSketched(aValues, bValues, n, d, options),
        };
    }

    private static LeastSquaresResult SolveSvd(Matrix<double> a, MathNet.Numerics.LinearAlgebra.Vector<double> b, double[] aValues, double[] bValues, SketchedLeastSquaresOptions options)
    {
        double cutoff = options.RankTolerance ?? DenseBaselines.DefaultRelativeCutoff(a.RowCount, a.ColumnCount);
        var s = Lapack.Svd(a, SvdVectors.None).S;
        int rank = s.Count(v => v > cutoff * s[0]);
        return Dense(a, b, aValues, bValues, LeastSquaresMethod.Svd, DenseBaselines.LeastSquaresSvd(a, b, cutoff), rank);
    }

    private static LeastSquaresResult Dense(Matrix<double> a, MathNet.Numerics.LinearAlgebra.Vector<double> b, double[] aValues, double[] bValues,
        LeastSquaresMethod method, MathNet.Numerics.LinearAlgebra.Vector<double> x, int rank)
    {
        var r = Residual(new DenseOperator(aValues, a.RowCount, a.ColumnCount, a.RowCount), bValues, DenseStorage.Values(x));
        return new LeastSquaresResult
        {
            X = x, Method = method, Rank = rank, RankDeficient = rank < a.ColumnCount, Status = SolverStatus.Converged,
            ResidualNorm = GolubKahan.Norm(r),
        };
    }

    private static LeastSquaresResult SolveSketched(double[] a, double[] b, int n, int d, SketchedLeastSquaresOptions options)
    {
        int m = options.Rows ?? SketchSize.Default(d, n, options.Sketch, options.Epsilon, options.Delta);
        if (m < d) throw new ArgumentException($"Rows must be at least the column count {d}, got {m}.", nameof(options));
        var sketch = new SketchOperator(options.Sketch, m, n, options.Seed);
        var backend = options.Backend ?? CpuSketchBackend.Instance;

        var clock = Stopwatch.StartNew();
        var sab = backend.SketchAugmented(sketch, a, d, b);
        double sketchSeconds = clock.Elapsed.TotalSeconds;
        if (sab.Length != (long)m * (d + 1)) throw new InvalidOperationException($"The sketch backend '{backend.Name}' returned {sab.Length} values; {(long)m * (d + 1)} expected.");

        var pre = SketchPreconditioner.Factor(sab, m, d, options.RankTolerance ?? Math.Max(m, d) * MachineEpsilon);
        var op = new DenseOperator(a, n, d, n);
        var x = pre.SketchSolution();
        int iterations = 0;
        var status = SolverStatus.Converged;
        double sigmaMin = double.NaN, sigmaMax = double.NaN;

        double[] r;
        if (options.Method == LeastSquaresMethod.SketchAndPrecondition)
            (x, r, iterations, status, sigmaMin, sigmaMax) = Precondition(op, pre, b, options);
        else r = Residual(op, b, x);

        double residualNorm = GolubKahan.Norm(r);
        double? normalResidual = null;
        double[]? bound = null;
        if (options.Certificate || options.Method == LeastSquaresMethod.SketchAndPrecondition)
        {
            var atr = new double[d];
            op.MultiplyTransposed(r, atr);
            normalResidual = GolubKahan.Norm(atr);
            if (options.Certificate)
            {
                if (options.Method == LeastSquaresMethod.SketchAndSolve || iterations < 3)
                    (sigmaMin, sigmaMax) = EstimateExtremeSingularValues(new PreconditionedOperator(op, pre), r);
                bound = Certify(pre, atr, sigmaMin);
            }
        }
        return new LeastSquaresResult
        {
            X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(x),
            Method = options.Method, Sketch = options.Sketch, SketchRows = m,
            Rank = pre.Rank, RankDeficient = pre.Rank < d, Status = status, Iterations = iterations,
            ResidualNorm = residualNorm, NormalResidualNorm = normalResidual, LinfBound = bound,
            PreconditionedCondition = double.IsNaN(sigmaMin) ? null : sigmaMax / sigmaMin,
            SketchSeconds = sketchSeconds,
        };
    }

    /// <summary>
    /// LSQR on B = A·N warm-started at the sketch coordinates, then up to two refinement sweeps
    /// (LSQR from zero on the recomputed residual b − A·x) while the true ‖Bᵀr‖ misses the
    /// tolerance: at large κ the recurrence's residual drifts from the true one, and recomputing r in
    /// the original variables restores forward stability (sketch-and-precondition with iterative
    /// refinement). A sweep is kept only if it lowers ‖Bᵀr‖. Returns x with its residual b − A·x.
    /// </summary>
    private static (double[] X, double[] Residual, int Iterations, SolverStatus Status, double SigmaMin, double SigmaMax) Precondition(
        DenseOperator op, SketchPreconditioner pre, double[] b, SketchedLeastSquaresOptions options)
    {
        var preconditioned = new PreconditionedOperator(op, pre);
        double tolerance = options.Tolerance ?? SketchedLeastSquaresOptions.DefaultTolerance;
        int maxIterations = options.MaxIterations ?? SketchedLeastSquaresOptions.DefaultMaxIterations;
        LsqrOptions lsqrOptions(int used) => new()
        {
            Tolerance = tolerance,
            MaxIterations = Math.Max(0, maxIterations - used),
            CancellationToken = options.CancellationToken,
            Progress = options.Progress,
        };
        var first = Lsqr.Solve(preconditioned, b, pre.SketchCoordinates(), lsqrOptions(0));
        var x = pre.Apply(first.X);
        int iterations = first.Iterations;
        var status = first.Status;
        double sigmaMin = first.SmallestSingularValue, sigmaMax = first.LargestSingularValue;
        var r = Residual(op, b, x);
        double gradient = PreconditionedGradientNorm(preconditioned, r);
        for (int sweep = 0; sweep < 2 && status == SolverStatus.Converged; sweep++)
        {
            double rNorm = GolubKahan.Norm(r);
            if (gradient <= 10 * tolerance * sigmaMax * rNorm || iterations >= maxIterations) break;
            var correction = Lsqr.Solve(preconditioned, r, options: lsqrOptions(iterations));
            iterations += correction.Iterations;
            var dx = pre.Apply(correction.X);
            var candidate = (double[])x.Clone();
            for (int i = 0; i < x.Length; i++) candidate[i] += dx[i];
            var rCandidate = Residual(op, b, candidate);
            double gCandidate = PreconditionedGradientNorm(preconditioned, rCandidate);
            if (correction.Status != SolverStatus.Converged) status = correction.Status;
            if (!(gCandidate < 0.5 * gradient)) break;
            (x, r, gradient) = (candidate, rCandidate, gCandidate);
        }
        return (x, r, iterations, status, sigmaMin, sigmaMax);
    }

    private static double PreconditionedGradientNorm(ILinearOperator b, double[] r)
    {
        var g = new double[b.Columns];
        b.MultiplyTransposed(r, g);
        return GolubKahan.Norm(g);
    }

    private static double[] Residual(DenseOperator op, double[] b, double[] x)
    {
        var ax = new double[op.Rows];
        op.Multiply(x, ax);
        var r = (double[])b.Clone();
        for (int i = 0; i < r.Length; i++) r[i] -= ax[i];
        return r;
    }

    /// <summary>bound_i = ‖Nᵀeᵢ‖·‖Nᵀ·Aᵀr‖ / (Safety·σ̂_min(A·N))².</summary>
    private static double[] Certify(SketchPreconditioner pre, double[] atr, double sigmaMin)
    {
        double g = GolubKahan.Norm(pre.ApplyTransposed(atr));
        double s = CertificateSafety * sigmaMin;
        var rowNorms = pre.RowNorms();
        var bound = new double[rowNorms.Length];
        for (int i = 0; i < bound.Length; i++) bound[i] = s > 0 ? rowNorms[i] * g / (s * s) : double.PositiveInfinity;
        return bound;
    }

    /// <summary>
    /// Golub–Kahan on B = A·N from the residual until σ̂_min settles (relative change &lt; 1e-2 over
    /// two steps; at most 30 steps), about 12 steps (24 passes over A) at m = 4d. The estimate
    /// approaches σ_min from above; at that point it is within a few per cent, which
    /// <see cref="CertificateSafety"/> covers.
    /// </summary>
    private static (double Min, double Max) EstimateExtremeSingularValues(ILinearOperator b, double[] start)
    {
        var startVector = start;
        if (GolubKahan.Norm(start) == 0)
        {
            // b ∈ range(A) exactly: any generic start vector will do.
            startVector = new double[b.Rows];
            new Numerics.Random.CounterRng(0x4345_5254).FillNormal(startVector);
        }
        var gk = new GolubKahan(b, startVector);
        double previous = double.PositiveInfinity, beforePrevious = double.PositiveInfinity;
        (double Min, double Max) estimate = (gk.Alpha, gk.Alpha);
        for (int k = 0; k < Math.Min(30, b.Columns + 1); k++)
        {
            gk.Step();
            estimate = gk.SingularValueEstimates();
            if (gk.Beta == 0 || gk.Alpha == 0) break;
            if (k >= 3 && Math.Abs(beforePrevious - estimate.Min) <= 1e-2 * estimate.Min) break;
            beforePrevious = previous;
            previous = estimate.Min;
        }
        return estimate;
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
