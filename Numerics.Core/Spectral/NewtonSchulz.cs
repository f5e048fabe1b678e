using Numerics.Arithmetic;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Spectral;

/// <summary>
/// Matrix functions of the singular values computed with GEMMs only, on the smaller Gram matrix:
/// the soft spectral clip H_c(X) = X(I + XᵀX/c²)^{-1/2}, the polar factor (matrix sign), and the
/// hard clip U·min(Σ, c)·Vᵀ from two sign computations. Written once against
/// <see cref="IMatrixArithmetic{TMatrix}"/>, so the same control code runs on host arrays and on
/// device buffers.
/// </summary>
/// <remarks>
/// <para>What <see cref="SolverStatus.Converged"/> means. The soft clip is certified by
/// ‖I − Z·Y₀·Z‖_F ≤ 2·tol, recomputed from Z and the unmodified Y₀ = (I + G/c²)/α after the last step
/// (never from the recursively updated iterate, which drifts), which bounds the relative error of every
/// output singular value by about tol. The Gram matrix G itself carries rounding of about u·k·‖X‖₂²,
/// which is a relative error of u·α·k in the slowest direction, so the status is never Converged when
/// u·α·k exceeds the tolerance (u the unit roundoff of the element type, k = min(rows, cols)). The polar
/// factor V is certified on its own Gram matrix N = VᵀV by ‖N² − N‖_F ≤ 2·tol: every output singular
/// value then lies within about tol of 1 or below √(2·tol) (an input direction that small after the
/// iteration's gain counts as null). The hard clip returns X itself when every σ ≤ c; otherwise it
/// needs both of its sign computations certified to tol·c/(2‖X‖_F), because the formula subtracts
/// terms of size ‖X‖ to leave one of size c, and both signs full (no null direction and no σ within
/// the sign's resolution of c); otherwise the status is Stalled.</para>
/// <para>Inputs of any finite magnitude work: the Gram matrix is formed from X/2^e when the entries
/// lie outside [2^-32, 2^32] (H_c(tX) = t·H_{c/t}(X)), and a non-finite value anywhere gives
/// <see cref="SolverStatus.Breakdown"/>, never a silent NaN.</para>
/// </remarks>
public static partial class NewtonSchulz
{
    /// <summary>
    /// Steps the soft clip needs so that every singular value is within <paramref name="tolerance"/>
    /// (relative) in exact arithmetic, from α = 1 + ŝ/c²: the scalar recurrences of the slowest
    /// direction (eigenvalue 1/α), p ← p(3 − p)²/4 for the coupled iteration and
    /// ℓ ← γℓ(3 − γ²ℓ²)/2 for the adaptive one, run until 1 − p ≤ 2·tolerance.
    /// </summary>
    /// <exception cref="ArgumentException">α &lt; 1 or the tolerance is not positive.</exception>
    public static int PredictedSteps(double alpha, SoftClipSchedule schedule, double tolerance)
    {
        if (!(alpha >= 1) || !double.IsFinite(alpha)) throw new ArgumentException($"alpha must be ≥ 1, got {alpha}.", nameof(alpha));
        if (!(tolerance > 0)) throw new ArgumentException($"tolerance must be positive, got {tolerance}.", nameof(tolerance));
        int steps = 0;
        if (schedule == SoftClipSchedule.Coupled)
        {
            for (double p = 1 / alpha; 1 - p > 2 * tolerance && steps < 200; steps++) p = p * (3 - p) * (3 - p) / 4;
            return steps;
        }
        for (double ell = 1 / Math.Sqrt(alpha); 1 - ell * ell > 2 * tolerance && steps < 200; steps++)
        {
            double gamma = Math.Sqrt(3 / (1 + ell + ell * ell));
            ell = Math.Min(1.0, gamma * ell * (3 - gamma * gamma * ell * ell) / 2);
        }
        return steps;
    }

    /// <summary>Dispatches <paramref name="mode"/> to <see cref="SoftClip"/>, <see cref="HardClip"/> or <see cref="Polar"/>.</summary>
    /// <exception cref="ArgumentException">The mode is unknown, c is not positive and finite (soft and hard), or the options ask for what the mode cannot do.</exception>
    public static NewtonSchulzResult<TMatrix> Apply<TMatrix>(SpectralMode mode, IMatrixArithmetic<TMatrix> ops, TMatrix x, double c, NewtonSchulzOptions options, double tolerance) => mode switch
    {
        SpectralMode.Soft => SoftClip(ops, x, c, options, tolerance),
        SpectralMode.Hard => HardClip(ops, x, c, options, tolerance),
        SpectralMode.Polar => Polar(ops, x, options, tolerance),
        _ => throw new ArgumentException($"Unknown mode {mode}.", nameof(mode)),
    };

    /// <summary>The default tolerance for an element type.</summary>
    public static double DefaultTolerance(bool singlePrecision) => singlePrecision ? 1e-5 : 1e-12;

    /// <summary>
    /// The accuracy floor the element type's rounding puts under a result whose Gram matrix has
    /// condition α: u·α·k (see <see cref="NewtonSchulz"/>).
    /// </summary>
    public static double RoundingFloor(double unitRoundoff, double alpha, int k) => unitRoundoff * alpha * Math.Max(1, k);

    /// <summary>Soft spectral clip H_c(X) = X(I + XᵀX/c²)^{-1/2}: σ ↦ σ/√(1 + σ²/c²).</summary>
    /// <exception cref="ArgumentException">c is not positive and finite, or the options are invalid.</exception>
    public static NewtonSchulzResult<TMatrix> SoftClip<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x, double c, NewtonSchulzOptions options, double tolerance)
    {
        RequireArguments(ops, options, tolerance);
        RequirePositive(c);
        int rows = ops.Rows(x), cols = ops.Columns(x), k = Math.Min(rows, cols);
        bool wide = rows <= cols;
        // H_c(X) = t·H_{c/t}(X/t) with t = 2^e: exact, and the Gram matrix of X/t cannot overflow.
        var prepared = Prepare(ops, x);
        if (prepared.Done is { } done) return done;
        var (result, xs, e) = (prepared.Result, prepared.Scaled, prepared.Exponent);
        double cs = Math.ScaleB(c, -e);
        var y0 = GramBounds.Gram(ops, xs, 1.0);
        double s = GramBounds.LargestEigenvalue(ops, y0);
        // α = 1 + s/c̃² through the ratio √s/c̃, so neither c̃² nor s/c̃² has to be representable.
        double ratio = Math.Sqrt(s) / cs;
        double alpha = 1 + ratio * ratio;
        if (alpha == 1)
        {
            // σ²/c² below the double rounding unit: H_c(X) = X(1 − σ²/2c² + …) equals X to rounding.
            ops.Copy(x, result);
            ops.Release(y0);
            if (e != 0) ops.Release(xs);
            return new(result, 0, 0, 1, SolverStatus.Converged, Math.ScaleB(Math.Sqrt(s), e));
        }
        // Y₀ = (I + G/c̃²)/α = G/(c̃² + s) + (c̃²/(c̃² + s))·I, eigenvalues in [1/α, 1].
        double inverseAlpha = 1 / alpha;
        ops.Axpby(1 / (cs * cs + s), y0, 0.0, y0);
        ops.AddToDiagonal(y0, inverseAlpha);
        double floor = RoundingFloor(ops.UnitRoundoff, alpha, k);
        if (options.StopWhenUncertifiable && !(floor <= tolerance))
        {
            ops.Release(y0);
            if (e != 0) ops.Release(xs);
            ops.Fill(result, double.NaN);
            return new(result, 0, double.NaN, alpha, SolverStatus.Stalled, double.NaN);
        }
        if (!(floor <= 1))
        {
            // The slowest direction is below the element type's rounding (u·α·k > 1): the iteration
            // cannot resolve it and in low precision diverges; report that instead of iterating.
            ops.Release(y0);
            if (e != 0) ops.Release(xs);
            return NonFinite(ops, result, 0, alpha);
        }
        var z = ops.Create(k, k);
        ops.SetIdentity(z, 1.0);
        if (options.Steps is null && options.StepRule == StepRule.Predicted)
        {
            int predicted = double.IsFinite(alpha) ? PredictedSteps(alpha, options.SoftSchedule, tolerance) : options.StepLimit;
            options = options with { Steps = Math.Min(options.StepLimit, predicted) };
        }
        var (steps, residual, status) = options.SoftSchedule == SoftClipSchedule.Coupled
            ? CoupledInverseRoot(ops, y0, ref z, k, alpha, wide, options, tolerance)
            : AdaptiveInverseRoot(ops, y0, ref z, k, alpha, wide, options, tolerance);
        if (status == SolverStatus.Converged && (floor > tolerance || !Representable(ops, c, tolerance))) status = SolverStatus.Stalled;
        // H = (Z/√α)·X̃ (wide) or X̃·(Z/√α) (tall), then ×t; Z is symmetric.
        double scale = Math.Sqrt(inverseAlpha);
        if (wide) ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, scale, z, xs, 0.0, result);
        else ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, scale, xs, z, 0.0, result);
        if (e != 0)
        {
            GramBounds.ScaleBy(ops, result, e, result);
            ops.Release(xs);
        }
        ops.Release(y0);
        ops.Release(z);
        if (status == SolverStatus.Breakdown || ops.HasNonFinite(result)) return NonFinite(ops, result, steps, alpha);
        // HᵀH/c² = MᵀY₀M − MᵀM/α + Mᵀ(G − G̃)M/(αc²) ≼ (1 + r)(1 + u·n·α)·I (M = Z or Zᵀ, Y₀ ≽ I/α);
        // r itself is computed with rounding of about u·k·α, and the output is stored with subnormal spacing.
        int inner = Math.Max(rows, cols);
        double bound = double.IsFinite(residual)
            ? c * Math.Sqrt((1 + residual + floor) * (1 + ops.UnitRoundoff * inner * alpha)) + SubnormalSpacing(ops, rows, cols)
            : double.PositiveInfinity;
        return new(result, steps, residual, alpha, status, bound);
    }

    /// <summary>
    /// What every function starts with: the result matrix; the answers for an empty, non-finite or zero
    /// input (<see cref="Prepared{TMatrix}.Done"/>); otherwise X/2^e when the entries lie outside
    /// [2^-32, 2^32], so no finite input overflows the Gram matrix (the caller releases it when e ≠ 0).
    /// </summary>
    private static Prepared<TMatrix> Prepare<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x)
    {
        int rows = ops.Rows(x), cols = ops.Columns(x);
        var result = ops.Create(rows, cols);
        if (rows == 0 || cols == 0) return new(result, x, 0, new(result, 0, 0, 1, SolverStatus.Converged, 0));
        double maxAbs = ops.MaxAbs(x);
        if (!double.IsFinite(maxAbs)) return new(result, x, 0, NonFinite(ops, result));
        if (maxAbs == 0)
        {
            ops.Fill(result, 0.0);
            return new(result, x, 0, new(result, 0, 0, 1, SolverStatus.Converged, 0));
        }
        int e = GramBounds.ScalingExponent(maxAbs);
        if (e == 0) return new(result, x, 0, null);
        var xs = ops.Create(rows, cols);
        GramBounds.ScaleBy(ops, x, -e, xs);
        return new(result, xs, e, null);
    }

    /// <summary>
    /// Whether outputs of size c keep their relative precision in the element type: c·tol at or above
    /// the smallest subnormal number (below it the spacing of subnormals exceeds the tolerance).
    /// </summary>
    private static bool Representable<TMatrix>(IMatrixArithmetic<TMatrix> ops, double c, double tolerance) =>
        c * tolerance >= SmallestSubnormal(ops);

    /// <summary>The smallest positive subnormal number of the element type (told apart by its unit roundoff).</summary>
    private static double SmallestSubnormal<TMatrix>(IMatrixArithmetic<TMatrix> ops) =>
        ops.UnitRoundoff > 1e-10 ? float.Epsilon : double.Epsilon;

    /// <summary>An absolute term that covers the rounding of stored outputs to subnormal spacing in every entry.</summary>
    private static double SubnormalSpacing<TMatrix>(IMatrixArithmetic<TMatrix> ops, int rows, int cols) =>
        Math.Sqrt((double)rows * cols) * SmallestSubnormal(ops);

    /// <summary>The outcome of <see cref="Prepare{TMatrix}"/>.</summary>
    private readonly record struct Prepared<TMatrix>(TMatrix Result, TMatrix Scaled, int Exponent, NewtonSchulzResult<TMatrix>? Done);

    /// <summary>A result whose values are not finite: reported as a breakdown, never as an answer.</summary>
    private static NewtonSchulzResult<TMatrix> NonFinite<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix result, int steps = 0, double alpha = double.NaN)
    {
        ops.Fill(result, double.NaN);
        return new(result, steps, double.NaN, alpha, SolverStatus.Breakdown, double.NaN);
    }

    /// <summary>The checks every public entry point makes before touching its input.</summary>
    private static void RequireArguments<TMatrix>(IMatrixArithmetic<TMatrix> ops, NewtonSchulzOptions options, double tolerance)
    {
        ArgumentNullException.ThrowIfNull(ops);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(nameof(options));
        if (!(tolerance > 0) || !double.IsFinite(tolerance)) throw new ArgumentException($"tolerance must be positive and finite, got {tolerance}.", nameof(tolerance));
    }

    private static void RequirePositive(double c)
    {
        if (!(c > 0) || !double.IsFinite(c)) throw new ArgumentException($"c must be positive and finite, got {c}.", nameof(c));
    }

    /// <summary>The status of a run whose step count was fixed in advance, from its recomputed certificate.</summary>
    private static SolverStatus FixedCountStatus(double residual, double tolerance) =>
        !double.IsFinite(residual) ? SolverStatus.Breakdown : residual <= 2 * tolerance ? SolverStatus.Converged : SolverStatus.MaxIterations;
}
