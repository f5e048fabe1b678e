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
        return Create(DenseStorage.ColumnMajor(a), a.RowCount, a.ColumnCount, options, bValues).Result!;
    }

    /// <summary>
    /// Solves min ‖A·x − b‖₂ for a float32 A and b, kept in float32: the sketch and every product
    /// read A as float and accumulate in double (half the memory traffic of a double copy, and no
    /// such copy), and x is computed in double, so the answer is that of the double problem with the
    /// same (exactly representable) entries, to double-precision accuracy. The dense methods, and
    /// the dense fallback of a sketch that lost rank, work on a double copy.
    /// </summary>
    /// <exception cref="ArgumentException">A or b is empty, holds NaN/∞, shapes mismatch, n &lt; d, or an option is out of range.</exception>
    public static LeastSquaresResult Solve(Matrix<float> a, MathNet.Numerics.LinearAlgebra.Vector<float> b, SketchedLeastSquaresOptions? options = null)
    {
        var values = SingleValues(a);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Count != a.RowCount) throw new ArgumentException($"b has length {b.Count}; a has {a.RowCount} rows.", nameof(b));
        var bSingle = DenseStorage.Values(b);
        DenseStorage.RequireFinite<float>(bSingle, nameof(b));
        return Create(values, a.RowCount, a.ColumnCount, options, Array.ConvertAll(bSingle, v => (double)v)).Result!;
    }

    /// <summary>
    /// <see cref="Factor(Matrix{double}, SketchedLeastSquaresOptions?)"/> for a float32 A, kept in
    /// float32 as described at <see cref="Solve(Matrix{float}, MathNet.Numerics.LinearAlgebra.Vector{float}, SketchedLeastSquaresOptions?)"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A is empty or holds NaN/∞, n &lt; d, or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token fired during the sketch.</exception>
    public static SketchedLeastSquaresFactorization Factor(Matrix<float> a, SketchedLeastSquaresOptions? options = null) =>
        Create(SingleValues(a), a.RowCount, a.ColumnCount, options, null).Factorization;

    private static float[] SingleValues(Matrix<float> a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.RowCount == 0 || a.ColumnCount == 0) throw new ArgumentException($"a must not be empty, got {a.RowCount}×{a.ColumnCount}.", nameof(a));
        var values = DenseStorage.ColumnMajor(a);
        DenseStorage.RequireFinite<float>(values, nameof(a));
        return values;
    }

    /// <summary>
    /// Factors tall A (n ≥ d) for many right-hand sides: the sketch S·A and its factorization (or
    /// the dense QR, per <see cref="SketchedLeastSquaresOptions.Method"/>), reused by every
    /// <see cref="SketchedLeastSquaresFactorization.Solve(MathNet.Numerics.LinearAlgebra.Vector{double}, CancellationToken)"/>.
    /// A is copied only when it must be scaled; the factorization keeps a reference to its values, so
    /// do not modify A while using it.
    /// </summary>
    /// <exception cref="ArgumentException">A is empty or holds NaN/∞, n &lt; d, or an option is out of range.</exception>
    /// <exception cref="OperationCanceledException">The options' cancellation token fired during the sketch.</exception>
    public static SketchedLeastSquaresFactorization Factor(Matrix<double> a, SketchedLeastSquaresOptions? options = null)
    {
        DenseStorage.RequireFinite(a, nameof(a));
        return Create(DenseStorage.ColumnMajor(a), a.RowCount, a.ColumnCount, options, null).Factorization;
    }

    /// <summary>
    /// The factorization of the column-major n×d <paramref name="values"/> (double, or float kept as
    /// float), and when <paramref name="b"/> is given (checked by the caller) its solve, with S·b
    /// computed together with S·A.
    /// </summary>
    private static (SketchedLeastSquaresFactorization Factorization, LeastSquaresResult? Result) Create<T>(T[] values, int n, int d,
        SketchedLeastSquaresOptions? options, double[]? b) where T : unmanaged
    {
        options ??= new SketchedLeastSquaresOptions();
        if (n < d) throw new ArgumentException($"a must be tall (rows ≥ columns), got {n}×{d}.", "a");
        options.Validate(nameof(options));
        if (options.Certificate && options.CertificateRows is { } m2 && m2 < d)
            throw new ArgumentException($"CertificateRows must be at least the column count {d}, got {m2}.", nameof(options));
        if (options.Rows is { } requested && requested > n && options.Method is LeastSquaresMethod.SketchAndSolve or LeastSquaresMethod.SketchAndPrecondition)
            throw new ArgumentException($"Rows ({requested}) exceeds the rows of a ({n}): a sketch larger than A saves nothing; use the QR method.", nameof(options));
        double rcond = options.Rcond ?? DenseBaselines.DefaultRelativeCutoff(n, d);
        var (method, rows, reason) = Plan(n, d, options);
        if (method is LeastSquaresMethod.SketchAndSolve or LeastSquaresMethod.SketchAndPrecondition && rows < d) throw new ArgumentException($"Rows must be at least the column count {d}, got {rows}.", nameof(options));

        // A double A (and λ with it) is scaled by a power of two when the range demands it. A float A
        // never needs it (its squares and sums stay far inside double's range) and is kept as it is.
        var single = values as float[];
        double[] Widened() => values is double[] d64 ? d64 : Array.ConvertAll((float[])(object)values, v => (double)v);
        var scaled = ScaledLeastSquaresProblem.Of(single is null ? Widened() : [], [], options.Damp);
        double damp = scaled.Damp;
        if (damp > ScaledLeastSquaresProblem.MaxScaledDamp)
            throw new ArgumentException($"Damp ({options.Damp:E3}) exceeds 2^400 times the largest entry of a: the ridge term dominates beyond double's range, and x = Aᵀb/Damp² to far below rounding.", nameof(options));
        var backend = options.Backend ?? CpuSketchBackend.Instance;
        var token = options.CancellationToken;
        (SketchedLeastSquaresFactorization, LeastSquaresResult?) Dense(LeastSquaresMethod dense, string? why, double seconds)
        {
            var problem = single is null ? scaled : ScaledLeastSquaresProblem.Of(Widened(), [], options.Damp);
            if (token.IsCancellationRequested)
            {
                if (b is null) token.ThrowIfCancellationRequested();
                return (null!, Cancelled(d, dense, why, problem.WithRightHandSide(b!)));
            }
            // QR factors the stacked damped matrix; the SVD method filters A's own singular values.
            bool stack = problem.Damp > 0 && dense == LeastSquaresMethod.Qr;
            var matrix = stack ? problem.WithDampingRows(n, d) : problem;
            var qr = dense == LeastSquaresMethod.Qr ? PivotedQr.Factor(matrix.A, stack ? n + d : n, d, rcond) : null;
            var factorization = new SketchedLeastSquaresFactorization(matrix, null, options, n, d, problem.Damp, false, dense, why, rcond, null, backend, null, qr, seconds);
            return (factorization, b is null ? null : factorization.SolveValidated(factorization.RightHandSide(b), null, token));
        }
        if (method is LeastSquaresMethod.Qr or LeastSquaresMethod.Svd) return Dense(method, reason, 0);

        var sketch = new SketchOperator(options.Sketch, rows, n, options.Seed);
        var withB = b is null ? null : scaled.WithRightHandSide(b);
        var clock = Stopwatch.StartNew();
        double[] sab;
        try
        {
            ReadOnlySpan<double> sketchedB = withB is null ? [] : withB.B;
            sab = single is null
                ? backend.SketchAugmented(sketch, scaled.A, d, sketchedB, token)
                : backend.SketchAugmented(sketch, single, d, sketchedB, token);
        }
        catch (OperationCanceledException) when (b is not null && token.IsCancellationRequested)
        {
            return (null!, Cancelled(d, method, reason, withB!));
        }
        double sketchSeconds = clock.Elapsed.TotalSeconds;
        int total = d + (b is null ? 0 : 1);
        if (sab.Length != (long)rows * total) throw new InvalidOperationException($"The sketch backend '{backend.Name}' returned {sab.Length} values; {(long)rows * total} expected.");

        // S·A is sab's first rows·d values (column-major, leading dimension rows), S·b the rest:
        // the factor reads S·A in place rather than from a copy, which would add m·d doubles to
        // the solve's peak memory.
        var sa = sab;
        bool dampingFirst = damp > Numerics.Arithmetic.SpanArithmetic.MaxAbs<double>(sab.AsSpan(0, rows * d));
        if (damp > 0) sa = WithDampingRows(sa, rows, d, damp, dampingFirst);
        var pre = SketchPreconditioner.Factor(sa, damp > 0 ? rows + d : rows, d, rcond, options.SingularValues);
        ILinearOperator op = single is null ? new DenseOperator(scaled.A, n, d, n) : new SingleDenseOperator(single, n, d, n);
        if (SketchLostRank(op, d, damp, pre, rcond) is { } lost)
        {
            // A full-rank direction that the sketch cannot see: no answer in the sketch's range is right.
            return Dense(LeastSquaresMethod.Qr, lost, sketchSeconds);
        }
        var result = new SketchedLeastSquaresFactorization(scaled, single, options, n, d, damp, dampingFirst, method, reason, rcond, sketch, backend, pre, null, sketchSeconds);
        return (result, withB is null ? null : result.SolveValidated(withB, sab[(rows * d)..], token));
    }

    /// <summary>A result for a solve cancelled during the sketch: x = 0, whose residual is b itself.</summary>
    private static LeastSquaresResult Cancelled(int d, LeastSquaresMethod method, string? reason, ScaledLeastSquaresProblem problem) => new()
    {
        X = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(d),
        Method = method, MethodReason = reason, Rank = 0, RankDeficient = true,
        Status = SolverStatus.Cancelled,
        ResidualNorm = problem.UnscaleResidual(GolubKahan.Norm(problem.B)),
    };

    /// <summary>
    /// The sketch of the damped problem's matrix by diag(S, I) ((m + d)×d): [damp·I; S·A] when
    /// <paramref name="first"/> (damp above every entry of S·A, for Householder's row-wise stability),
    /// else [S·A; damp·I].
    /// </summary>
    private static double[] WithDampingRows(double[] sa, int m, int d, double damp, bool first)
    {
        int rows = m + d, aOffset = first ? d : 0, dampOffset = first ? 0 : m;
        var stacked = new double[(long)rows * d];
        for (int j = 0; j < d; j++)
        {
            sa.AsSpan(j * m, m).CopyTo(stacked.AsSpan(j * rows + aOffset, m));
            stacked[j * rows + dampOffset + j] = damp;
        }
        return stacked;
    }

    /// <summary>
    /// The method and sketch size: as requested, except that a default sketch size above n/2 is
    /// replaced by sketch-and-precondition at max(4d, ⌈d·ln(d/δ)⌉) rows, or by QR when that too exceeds n/2.
    /// </summary>
    internal static (LeastSquaresMethod Method, int Rows, string? Reason) Plan(int n, int d, SketchedLeastSquaresOptions options)
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
    internal static string? SketchLostRank(ILinearOperator a, int d, double damp, SketchPreconditioner pre, double rcond)
    {
        if (damp > 0 && pre.NullSpace is null) return DampingHidesLostRank(a, d, damp, pre);
        if (pre.NullSpace is not { } nullSpace || pre.SigmaMax == 0) return null;
        int n = a.Rows, k = nullSpace.Length / d;
        var av = new double[(long)n * k];
        if (a is DenseOperator dense) dense.MultiplyColumns(nullSpace, k, av);
        else for (int j = 0; j < k; j++) a.Multiply(nullSpace.AsSpan(j * d, d), av.AsSpan(j * n, n));
        double worst = 0;
        // With damping, ‖[A; damp·I]·v‖² = ‖A·v‖² + damp² for a unit v.
        for (int j = 0; j < k; j++) worst = Math.Max(worst, double.Hypot(a.RowSpaceNorm(av.AsSpan(j * n, n)), damp));
        double threshold = 10 * rcond * pre.SigmaMax;
        return worst > threshold
            ? $"the sketch has rank {pre.Rank} of {d}, but A does not vanish on its null space (‖A·v‖ = {worst / pre.SigmaMax:E2}·σ_max): dense pivoted QR"
            : null;
    }

    /// <summary>
    /// With damping the stacked sketch [S·A; λI] always has full rank, so a direction that S·A lost
    /// shows as R's smallest singular value near λ while ‖[A; λI]·v‖ is far larger. For R's smallest
    /// right singular vector v (inverse iteration, one pass over A): the sketch lost a direction when
    /// ‖[A; λI]·v‖ exceeds <see cref="LostDirectionRatio"/>·σ_min(R) (a subspace embedding shrinks no
    /// direction by more than (1 − √(d/m))⁻¹, far below that unless m is within 0.2% of d).
    /// </summary>
    private static string? DampingHidesLostRank(ILinearOperator a, int d, double damp, SketchPreconditioner pre)
    {
        var (sigma, v) = pre.SmallestSingularPair();
        var av = new double[a.Rows];
        a.Multiply(v, av);
        double stretched = double.Hypot(GolubKahan.Norm(av), damp);
        return stretched > LostDirectionRatio * sigma
            ? $"the sketch shrinks a direction of [A; λI] by {stretched / sigma:E2} (beyond {LostDirectionRatio:E0}): dense pivoted QR"
            : null;
    }

    /// <summary>How much the sketch may shrink a direction before it is taken as lost (see <see cref="DampingHidesLostRank"/>).</summary>
    private const double LostDirectionRatio = 1e3;

    /// <summary>
    /// The status of a sketch-and-precondition answer x, earned on its recomputed residual norm ‖r‖
    /// and normal residual ‖Aᵀr‖: Paige and Saunders' tests in the original variables, with ‖A‖
    /// replaced by ‖A·v‖ ≤ ‖A‖₂ (v the top right singular vector of R), so neither test is looser
    /// than with the true norm. LSQR's own test on B = A·N proposes; this decides. Row-space norms go
    /// through <see cref="ILinearOperator.RowSpaceNorm"/>, so an operator spread over ranks decides
    /// on the global values, the same on every rank.
    /// </summary>
    /// <param name="op">A (this rank's rows when distributed).</param>
    /// <param name="b">b (this rank's rows).</param>
    /// <param name="x">The answer.</param>
    /// <param name="pre">The sketch's factor, whose top right singular vector estimates ‖A‖.</param>
    /// <param name="lsqrStatus">LSQR's own status, kept when no test holds and it says why (iterations, cancellation, breakdown).</param>
    /// <param name="tolerance">The tolerance of both tests.</param>
    /// <param name="residualNorm">The recomputed ‖r‖.</param>
    /// <param name="normalResidual">The recomputed ‖Aᵀr‖.</param>
    /// <param name="rows">n, the global row count (the operator may hold one rank's rows).</param>
    /// <param name="roundingFloor">
    /// True for the default tolerance: test 2 also holds at the rounding floor of the recomputed test,
    /// the larger of <see cref="EvaluationFloorFactor"/>·√(n·d)·u·‖A‖·‖r‖ and
    /// <see cref="RoundingFloorFactor"/>·u·‖A‖·(‖b‖ + ‖A‖·‖x‖), below which no double-precision x can be
    /// told apart (see those constants). False for a tolerance the caller asked for, which is taken literally.
    /// The floor applies only to a run LSQR finished (its own test proposed the stop): a run cut short by
    /// the iteration cap, cancellation or breakdown is Converged only on the literal tests, because on a
    /// nearly consistent problem (‖r‖ ≪ ‖b‖) the floor's relative level c·u·(‖b‖ + ‖A‖‖x‖)/‖r‖ is large
    /// enough (~1e-3 at ‖r‖/‖b‖ = 1e-11) for a run capped after one to three iterations to reach it
    /// while x is still 50–90 times further from x* than Householder QR's answer.
    /// </param>
    internal static (SolverStatus Status, LsqrStopTest StopTest, double RelativeNormal) EarnedStatus(ILinearOperator op, double[] b, double[] x,
        SketchPreconditioner pre, SolverStatus lsqrStatus, double tolerance, double residualNorm, double normalResidual, long rows, bool roundingFloor)
    {
        var av = new double[op.Rows];
        op.Multiply(pre.TopVector, av);
        double normA = op.RowSpaceNorm(av), xNorm = GolubKahan.Norm(x);
        double relativeNormal = normalResidual == 0 ? 0 : normalResidual / (normA * residualNorm);
        double scale = op.RowSpaceNorm(b) + normA * xNorm;
        var stopTest = residualNorm <= tolerance * scale ? LsqrStopTest.Residual
            : normalResidual <= tolerance * normA * residualNorm ? LsqrStopTest.NormalResidual
            : roundingFloor && lsqrStatus is not (SolverStatus.MaxIterations or SolverStatus.Cancelled or SolverStatus.Breakdown)
                && normalResidual <= RoundingFloor(rows, op.Columns, normA, residualNorm, scale) ? LsqrStopTest.NormalResidual
            : LsqrStopTest.None;
        var status = stopTest != LsqrStopTest.None ? SolverStatus.Converged
            : lsqrStatus is SolverStatus.Cancelled or SolverStatus.Breakdown or SolverStatus.MaxIterations ? lsqrStatus
            : SolverStatus.Stalled;
        return (status, stopTest, relativeNormal);
    }

    /// <summary>u = 2⁻⁵³, the unit roundoff of double.</summary>
    private const double Unit = 1.1102230246251565e-16;

    /// <summary>
    /// The default tolerance's floor on ‖Aᵀr‖: max(<see cref="EvaluationFloorFactor"/>·√(n·d)·u·‖A‖·‖r‖,
    /// <see cref="RoundingFloorFactor"/>·u·‖A‖·(‖b‖ + ‖A‖·‖x‖)), with <paramref name="scale"/> = ‖b‖ + ‖A‖·‖x‖.
    /// </summary>
    internal static double RoundingFloor(long rows, int columns, double normA, double residualNorm, double scale) =>
        Math.Max(EvaluationFloorFactor * Math.Sqrt((double)rows * columns) * Unit * normA * residualNorm, RoundingFloorFactor * Unit * normA * scale);

    /// <summary>
    /// c of the default's evaluation floor c·√(n·d)·u on the relative normal residual: the rounding error
    /// of forming Aᵀr itself.
    /// </summary>
    /// <remarks>
    /// Each entry of Aᵀr sums n products, with an error of about √n·u·|a_j|ᵀ|r| (probabilistic
    /// accumulation), so ‖fl(Aᵀr) − Aᵀr‖ ≲ √n·u·‖A‖_F·‖r‖ ≤ √(n·d)·u·‖A‖₂·‖r‖: relative to ‖A‖₂‖r‖, up
    /// to √(n·d)·u, reached for a flat spectrum (a Gaussian A has ‖A‖_F ≈ √d·‖A‖₂). The tolerance
    /// max(1e-14, 4·√n·u) took ‖A‖_F for ‖A‖₂ and so misses the √d. Measured: n = 4·10⁶, d = 256
    /// (the scale report's 8 GB file) ended at 1.56e-12 = 0.44·√(n·d)·u, above both 4·√n·u = 8.9e-13
    /// and the rounding floor (32 units of 3.6e-14 = 1.1e-12). c = 4, the constant of the n-only rule.
    /// </remarks>
    internal const double EvaluationFloorFactor = 4;

    /// <summary>
    /// c of the default tolerance's rounding floor: with no tolerance requested, test 2 also holds when
    /// ‖Aᵀr‖ ≤ c·u·‖A‖·(‖b‖ + ‖A‖·‖x‖), i.e. when the relative normal residual ‖Aᵀr‖/(‖A‖‖r‖) is at most
    /// c·u·(‖b‖ + ‖A‖·‖x‖)/‖r‖.
    /// </summary>
    /// <remarks>
    /// Why this level: even the exact solution x* rounded to double, x* + δx with ‖δx‖ ≤ u/2·‖x*‖, has
    /// Aᵀ(b − A·(x* + δx)) = −AᵀA·δx, up to u/2·‖A‖²·‖x‖; evaluating r = b − A·x adds errors of order
    /// u·(‖b‖ + ‖A‖·‖x‖), whose image under Aᵀ is at most ‖A‖ times that. Below
    /// u·‖A‖·(‖b‖ + ‖A‖·‖x‖) the recomputed ‖Aᵀr‖ therefore says nothing about x, and a backward-stable
    /// solver lands a multiple above it. Measured in units of u·(‖b‖ + ‖A‖‖x‖)/‖r‖ on Gaussian A
    /// (n = 4 096…20 000, d = 16…1 024, ‖r‖/‖b‖ from 1e-7 to 0.1; docs/sketching.md): Householder QR
    /// (the LAPACK baseline) at 1.3–18 and this solver's LSQR answers at 0.9–3.5, both depending on
    /// MKL's blocking and threads. The level does not depend on n, unlike the evaluation error of Aᵀr that
    /// the tolerance max(1e-14, 4·√n·u) covers, so for large d or a small residual it is the larger of
    /// the two; the old default missed it and reported answers more accurate than QR's as Stalled
    /// (d = 256, ‖r‖ = 0.1·√n). c = 32 accepts every answer as accurate as the QR baseline's with a
    /// margin of about two. LSQR still iterates toward 4·√n·u, so the floor changes the label, not
    /// the work; on a large residual an unfinished run (each iteration gains a factor of about 2.5,
    /// 15 iterations leave ~1e-5) stays orders of magnitude above it, but on a nearly consistent
    /// problem the level is reached early, so a capped run does not get the floor (<see cref="EarnedStatus"/>).
    /// </remarks>
    internal const double RoundingFloorFactor = 32;

    /// <summary>What <see cref="Refine"/> found: x, the LSQR run (null without one), the residuals and the earned status.</summary>
    internal readonly record struct Refinement(double[] X, LsqrResult? Lsqr, double[] NormalResidual, double ResidualNorm,
        double NormalResidualNorm, SolverStatus Status, LsqrStopTest StopTest, double? RelativeNormal);

    /// <summary>
    /// The solve once the sketch is factored, for the one-process and the distributed solvers alike:
    /// x = N·z₀ from the sketch, refined by LSQR on A·N when <paramref name="refine"/>; then r and Aᵀr
    /// recomputed in one pass and the status earned on them (<see cref="EarnedStatus"/>; with
    /// <see cref="IterativeOptions.Tolerance"/> null, the default <paramref name="tolerance"/> comes with
    /// the rounding floor of <see cref="RoundingFloor"/>; <paramref name="rows"/> is the global n).
    /// Sketch-and-solve (no LSQR) is <c>Converged</c> by definition: it asks for no tolerance.
    /// </summary>
    internal static Refinement Refine(ILinearOperator op, double[] b, SketchPreconditioner pre, double[] z0, bool refine,
        double tolerance, long rows, SketchedLeastSquaresOptions options, CancellationToken token)
    {
        LsqrResult? lsqr = null;
        double[] x;
        if (refine)
        {
            lsqr = Lsqr.Solve(new PreconditionedOperator(op, pre), b, z0, new LsqrOptions
            {
                Tolerance = tolerance,
                MaxIterations = options.MaxIterations ?? SketchedLeastSquaresOptions.DefaultMaxIterations,
                CancellationToken = token,
                Progress = options.Progress,
            });
            x = pre.Apply(lsqr.X);
        }
        else x = pre.Apply(z0);

        var (r, atr) = Residuals(op, b, x);
        double residualNorm = op.RowSpaceNorm(r), normalResidual = GolubKahan.Norm(atr);
        var status = SolverStatus.Converged;
        var stopTest = LsqrStopTest.None;
        double? relativeNormal = null;
        if (lsqr is not null)
            (status, stopTest, relativeNormal) = EarnedStatus(op, b, x, pre, lsqr.Status, tolerance, residualNorm, normalResidual, rows, roundingFloor: options.Tolerance is null);
        return new Refinement(x, lsqr, atr, residualNorm, normalResidual, status, stopTest, relativeNormal);
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
