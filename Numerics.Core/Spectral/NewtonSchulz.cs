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
public static class NewtonSchulz
{
    private static readonly (double A, double B, double C)[] s_polarExpress =
    [
        (8.156554524902461, -22.48329292557795, 15.878769915207462),
        (4.042929935166739, -2.808917465908714, 0.5000178451051316),
        (3.8916678022926607, -2.772484153217685, 0.5060648178503393),
        (3.285753657755655, -2.3681294933425376, 0.46449024233003106),
        (2.3465413258596377, -1.7097828382687081, 0.42323551169305323),
    ];

    private static readonly (double A, double B, double C) s_muon = (3.4445, -4.7750, 2.0315);

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
    /// <exception cref="ArgumentException">The mode is unknown, or c is not positive and finite (soft and hard).</exception>
    public static NewtonSchulzResult<TMatrix> Apply<TMatrix>(SpectralMode mode, IMatrixArithmetic<TMatrix> ops, TMatrix x, double c, NewtonSchulzOptions options, double tolerance) => mode switch
    {
        SpectralMode.Soft => SoftClip(ops, x, c, options, tolerance),
        SpectralMode.Hard => HardClip(ops, x, c, options, tolerance),
        SpectralMode.Polar => Polar(ops, x, options, tolerance),
        _ => throw new ArgumentException($"Unknown mode {mode}.", nameof(mode)),
    };

    /// <summary>The default tolerance for an element type.</summary>
    public static double DefaultTolerance(bool singlePrecision) => singlePrecision ? 1e-5 : 1e-12;

    /// <summary>Soft spectral clip H_c(X) = X(I + XᵀX/c²)^{-1/2}: σ ↦ σ/√(1 + σ²/c²).</summary>
    /// <exception cref="ArgumentException">c is not positive and finite.</exception>
    public static NewtonSchulzResult<TMatrix> SoftClip<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x, double c, NewtonSchulzOptions options, double tolerance)
    {
        RequireArguments(ops, options, tolerance);
        RequirePositive(c);
        int rows = ops.Rows(x), cols = ops.Columns(x), k = Math.Min(rows, cols);
        bool wide = rows <= cols;
        var result = ops.Create(rows, cols);
        if (k == 0) return new(result, 0, 0, 1, SolverStatus.Converged);
        var gram = Gram(ops, x, k, wide, 1.0);
        double s = Math.Min(ops.MaxAbsRowSum(gram), ops.Norm(gram));
        if (s == 0)
        {
            // X = 0: H_c(0) = 0 exactly.
            ops.Axpby(1.0, x, 0.0, result);
            ops.Release(gram);
            return new(result, 0, 0, 1, SolverStatus.Converged);
        }
        double alpha = 1 + s / (c * c);
        // Y = (I + G/c²)/α, eigenvalues in [1/α, 1].
        var y = gram;
        ops.Axpby(1.0 / (c * c * alpha), gram, 0.0, y);
        ops.AddToDiagonal(y, 1.0 / alpha);
        var z = ops.Create(k, k);
        ops.SetIdentity(z, 1.0);
        if (options.Steps is null && options.StepRule == StepRule.Predicted) options = options with { Steps = Math.Min(options.StepLimit, PredictedSteps(alpha, options.SoftSchedule, tolerance)) };
        var (steps, residual, status) = options.SoftSchedule == SoftClipSchedule.Coupled
            ? CoupledInverseRoot(ops, ref y, ref z, k, options, tolerance)
            : AdaptiveInverseRoot(ops, ref y, ref z, k, alpha, options, tolerance);
        // H = (Z/√α)·X (wide) or X·(Z/√α) (tall); Z is symmetric.
        if (wide) ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0 / Math.Sqrt(alpha), z, x, 0.0, result);
        else ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0 / Math.Sqrt(alpha), x, z, 0.0, result);
        ops.Release(y);
        ops.Release(z);
        return new(result, steps, residual, alpha, status);
    }

    /// <summary>The orthogonal polar factor msign(X) = U·Vᵀ (zero singular values stay zero).</summary>
    public static NewtonSchulzResult<TMatrix> Polar<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x, NewtonSchulzOptions options, double tolerance)
    {
        RequireArguments(ops, options, tolerance);
        if (options.PolarSchedule == PolarSchedule.PolarExpress && options.Steps > s_polarExpress.Length)
            throw new ArgumentException($"The Polar Express schedule has {s_polarExpress.Length} steps; Steps = {options.Steps} asks for more.", nameof(options));
        int rows = ops.Rows(x), cols = ops.Columns(x), k = Math.Min(rows, cols);
        bool wide = rows <= cols;
        var result = ops.Create(rows, cols);
        if (k == 0) return new(result, 0, 0, 1, SolverStatus.Converged);
        double norm = ops.Norm(x);
        if (norm == 0)
        {
            ops.Axpby(1.0, x, 0.0, result);
            return new(result, 0, 0, 1, SolverStatus.Converged);
        }
        // Polar Express's safety factor keeps the scaled singular values strictly inside (0, 1].
        double scale = options.PolarSchedule == PolarSchedule.Muon ? 1.0 / norm : 1.0 / (1.02 * norm);
        var r = Gram(ops, x, k, wide, scale * scale);
        var z = ops.Create(k, k);
        ops.SetIdentity(z, 1.0);
        var work = new PolarWork<TMatrix>(ops, k);
        int steps = 0;
        double residual = double.NaN;
        SolverStatus? status = null;
        // The fixed part (Muon's or Polar Express's steps, or the converged schedule's five-step
        // Polar Express warm-up) counts against the step limit like every other step.
        int fixedSteps = Math.Min(options.PolarSchedule == PolarSchedule.Converged ? s_polarExpress.Length : options.Steps ?? 5, options.StepLimit);
        var fixedSchedule = options.PolarSchedule == PolarSchedule.Muon ? Enumerable.Repeat(s_muon, fixedSteps).ToArray()
            : s_polarExpress.Take(fixedSteps).ToArray();
        foreach (var coefficients in fixedSchedule)
        {
            if (options.CancellationToken.IsCancellationRequested) { status = SolverStatus.Cancelled; break; }
            work.Step(ref r, ref z, coefficients);
            steps++;
        }
        if (status is not null) residual = work.ProjectorResidual(r);
        else if (options.PolarSchedule == PolarSchedule.Converged)
        {
            // Quadratic convergence from the Polar Express band; the residual ‖R² − R‖_F also
            // accepts exact zero singular values (rank-deficient input).
            var monitor = Monitor(options, tolerance);
            while (true)
            {
                residual = work.ProjectorResidual(r);
                monitor.Report(steps, double.NaN, residual);
                if (monitor.Check(steps, residual) is { } stop) { status = stop; break; }
                work.Step(ref r, ref z, (1.5, -0.5, 0.0));
                steps++;
            }
        }
        else
        {
            // Muon and Polar Express stop after their schedule; whether that met the tolerance is reported, not assumed.
            residual = work.ProjectorResidual(r);
            status = FixedCountStatus(residual, tolerance);
        }
        if (wide) ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, scale, z, x, 0.0, result);
        else ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, scale, x, z, 0.0, result);
        work.Release();
        ops.Release(r);
        ops.Release(z);
        return new(result, steps, residual, 1, status!.Value);
    }

    /// <summary>
    /// Hard clip U·min(Σ, c)·Vᵀ without an SVD: with O = msign(X) and D = c·O − X = U(c − σ)Vᵀ,
    /// clip = ½(c·O + X − D·msign(D)ᵀ·O). Fragile when some σ ≈ c: the sign of c − σ is then
    /// resolved only to the iteration's accuracy.
    /// </summary>
    public static NewtonSchulzResult<TMatrix> HardClip<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x, double c, NewtonSchulzOptions options, double tolerance)
    {
        RequireArguments(ops, options, tolerance);
        RequirePositive(c);
        var signOptions = options with { PolarSchedule = PolarSchedule.Converged, Steps = null };
        var o = Polar(ops, x, signOptions, tolerance);
        int rows = ops.Rows(x), cols = ops.Columns(x);
        var d = ops.Create(rows, cols);
        ops.Axpby(-1.0, x, 0.0, d);
        ops.Axpby(c, o.Value, 1.0, d);                      // D = c·O − X
        var p = Polar(ops, d, signOptions, tolerance);
        var result = ops.Create(rows, cols);
        ops.Axpby(1.0, x, 0.0, result);
        ops.Axpby(c, o.Value, 1.0, result);                 // c·O + X
        if (rows <= cols)
        {
            var w = ops.Create(rows, rows);
            ops.Gemm(Transpose.NoTranspose, Transpose.Transpose, 1.0, d, p.Value, 0.0, w);       // D·Pᵀ
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, -1.0, w, o.Value, 1.0, result);
            ops.Release(w);
        }
        else
        {
            var w = ops.Create(cols, cols);
            ops.Gemm(Transpose.Transpose, Transpose.NoTranspose, 1.0, p.Value, o.Value, 0.0, w);  // Pᵀ·O
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, -1.0, d, w, 1.0, result);
            ops.Release(w);
        }
        ops.Axpby(0.5, result, 0.0, result);
        ops.Release(o.Value);
        ops.Release(p.Value);
        ops.Release(d);
        return new(result, o.Steps + p.Steps, Math.Max(o.Residual, p.Residual), 1, o.Status == SolverStatus.Converged ? p.Status : o.Status);
    }

    /// <summary>
    /// Below 1e-2 every schedule is in its quadratic phase, so a residual that fails to decrease
    /// there has reached the rounding floor of the element type.
    /// </summary>
    private static readonly StallRule s_roundingFloor = new(1e-2, 1);

    /// <summary>The shared stopping rule at 2·tolerance (the residual bounds twice the relative error of each σ).</summary>
    private static IterationMonitor Monitor(NewtonSchulzOptions options, double tolerance) =>
        new(options, 2 * tolerance, options.StepLimit, s_roundingFloor);

    /// <summary>
    /// The stopping decision of the inverse-root loops: a fixed step count runs to its end (only
    /// cancellation interrupts it) and then reports whether it met the tolerance; otherwise the monitor decides.
    /// </summary>
    private static SolverStatus? Stop(IterationMonitor monitor, NewtonSchulzOptions options, int steps, double residual, double tolerance)
    {
        if (options.Steps is not { } fixedSteps) return monitor.Check(steps, residual);
        if (steps < fixedSteps) return monitor.CancellationRequested ? SolverStatus.Cancelled : null;
        return FixedCountStatus(residual, tolerance);
    }

    /// <summary>The status of a run whose step count was fixed in advance.</summary>
    private static SolverStatus FixedCountStatus(double residual, double tolerance) =>
        !double.IsFinite(residual) ? SolverStatus.Breakdown : residual <= 2 * tolerance ? SolverStatus.Converged : SolverStatus.MaxIterations;

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

    /// <summary>scale·X·Xᵀ (wide) or scale·Xᵀ·X (tall): the k×k Gram matrix.</summary>
    private static TMatrix Gram<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x, int k, bool wide, double scale)
    {
        var g = ops.Create(k, k);
        if (wide) ops.Gemm(Transpose.NoTranspose, Transpose.Transpose, scale, x, x, 0.0, g);
        else ops.Gemm(Transpose.Transpose, Transpose.NoTranspose, scale, x, x, 0.0, g);
        return g;
    }

    /// <summary>
    /// Coupled Newton–Schulz (the official SPECTRA loop): T = (3I − Z·Y)/2, Y ← Y·T, Z ← T·Z,
    /// so Z → (A/α)^{-1/2}. The residual ‖I − Z·Y‖_F is the product the step needs anyway.
    /// </summary>
    private static (int Steps, double Residual, SolverStatus Status) CoupledInverseRoot<TMatrix>(
        IMatrixArithmetic<TMatrix> ops, ref TMatrix y, ref TMatrix z, int k, NewtonSchulzOptions options, double tolerance)
    {
        var w = ops.Create(k, k);
        var t = ops.Create(k, k);
        var monitor = Monitor(options, tolerance);
        int steps = 0;
        double residual;
        SolverStatus status;
        while (true)
        {
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, z, y, 0.0, w);
            // With a fixed step count the residual (a host synchronisation on a GPU) is taken once, at the end.
            residual = options.Steps is { } n && steps < n ? double.NaN : ops.DistanceToIdentity(w);
            monitor.Report(steps, double.NaN, residual);
            if (Stop(monitor, options, steps, residual, tolerance) is { } stop) { status = stop; break; }
            ops.Axpby(-0.5, w, 0.0, t);
            ops.AddToDiagonal(t, 1.5);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, y, t, 0.0, w);
            (y, w) = (w, y);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, t, z, 0.0, w);
            (z, w) = (w, z);
            steps++;
        }
        ops.Release(w);
        ops.Release(t);
        return (steps, residual, status);
    }

    /// <summary>
    /// Scaled Newton–Schulz on the Gram form. With R = M·Mᵀ for M = Z·M₀ and σ(M) ⊂ [ℓ, 1]:
    /// H = (3γ/2)I − (γ³/2)R, Z ← H·Z, R ← H·R·H, ℓ ← γℓ(3 − γ²ℓ²)/2. γ equalises the images of ℓ
    /// and 1, which is the optimal scaling of the cubic (Chen and Chow); once ℓ ≈ 1 it is plain
    /// Newton–Schulz with quadratic convergence. Residual ‖I − R‖_F.
    /// </summary>
    private static (int Steps, double Residual, SolverStatus Status) AdaptiveInverseRoot<TMatrix>(
        IMatrixArithmetic<TMatrix> ops, ref TMatrix r, ref TMatrix z, int k, double alpha, NewtonSchulzOptions options, double tolerance)
    {
        var h = ops.Create(k, k);
        var w = ops.Create(k, k);
        double ell = 1 / Math.Sqrt(alpha);
        var monitor = Monitor(options, tolerance);
        int steps = 0;
        double residual;
        SolverStatus status;
        while (true)
        {
            residual = options.Steps is { } n && steps < n ? double.NaN : ops.DistanceToIdentity(r);
            monitor.Report(steps, double.NaN, residual);
            if (Stop(monitor, options, steps, residual, tolerance) is { } stop) { status = stop; break; }
            double gamma = Math.Sqrt(3 / (1 + ell + ell * ell));
            ops.Axpby(-0.5 * gamma * gamma * gamma, r, 0.0, h);
            ops.AddToDiagonal(h, 1.5 * gamma);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, h, z, 0.0, w);
            (z, w) = (w, z);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, h, r, 0.0, w);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, w, h, 0.0, r);
            ell = Math.Min(1.0, gamma * ell * (3 - gamma * gamma * ell * ell) / 2);
            steps++;
        }
        ops.Release(h);
        ops.Release(w);
        return (steps, residual, status);
    }

    /// <summary>Scratch for the polar iteration's odd polynomial steps on the Gram form.</summary>
    private sealed class PolarWork<TMatrix>(IMatrixArithmetic<TMatrix> ops, int k)
    {
        private readonly TMatrix _h = ops.Create(k, k);
        private readonly TMatrix _r2 = ops.Create(k, k);
        private readonly TMatrix _w = ops.Create(k, k);

        /// <summary>M ← (a + b·MMᵀ + c·(MMᵀ)²)·M, as H = aI + bR + cR², Z ← H·Z, R ← H·R·H.</summary>
        public void Step(ref TMatrix r, ref TMatrix z, (double A, double B, double C) p)
        {
            if (p.C != 0)
            {
                ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, r, r, 0.0, _r2);
                ops.Axpby(p.C, _r2, 0.0, _h);
                ops.Axpby(p.B, r, 1.0, _h);
            }
            else ops.Axpby(p.B, r, 0.0, _h);
            ops.AddToDiagonal(_h, p.A);
            var zNew = _w;
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, _h, z, 0.0, zNew);
            ops.Axpby(1.0, zNew, 0.0, z);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, _h, r, 0.0, _w);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, _w, _h, 0.0, r);
        }

        /// <summary>‖R² − R‖_F: zero when every singular value of M is 0 or 1.</summary>
        public double ProjectorResidual(TMatrix r)
        {
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, r, r, 0.0, _r2);
            ops.Axpby(-1.0, r, 1.0, _r2);
            return ops.Norm(_r2);
        }

        public void Release()
        {
            ops.Release(_h);
            ops.Release(_r2);
            ops.Release(_w);
        }
    }
}
