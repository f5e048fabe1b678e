using Numerics.Arithmetic;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Spectral;

public static partial class NewtonSchulz
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

    /// <summary>Cubic steps of the converged polar schedule between restarts from the output's Gram matrix.</summary>
    private const int RestartInterval = 8;

    /// <summary>Steps of the Polar Express schedule.</summary>
    public const int PolarExpressSteps = 5;

    /// <summary>Steps of Muon's schedule when <see cref="NewtonSchulzOptions.Steps"/> is null.</summary>
    public const int MuonDefaultSteps = 5;

    /// <summary>
    /// The orthogonal polar factor msign(X) = U·Vᵀ. With <see cref="PolarSchedule.Converged"/> the
    /// status is certified on the output's own Gram matrix (see <see cref="NewtonSchulz"/>); Muon's and
    /// Polar Express's fixed schedules report whether they happened to meet the tolerance.
    /// </summary>
    /// <exception cref="ArgumentException">The options ask for a step count the schedule cannot run.</exception>
    public static NewtonSchulzResult<TMatrix> Polar<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x, NewtonSchulzOptions options, double tolerance)
    {
        RequireArguments(ops, options, tolerance);
        RequirePolarSteps(options, nameof(options));
        int rows = ops.Rows(x), cols = ops.Columns(x), k = Math.Min(rows, cols);
        bool wide = rows <= cols;
        // msign(tX) = msign(X): work on X/2^e so the Gram matrix cannot overflow.
        var prepared = Prepare(ops, x);
        if (prepared.Done is { } done) return done;
        var (result, xs, e) = (prepared.Result, prepared.Scaled, prepared.Exponent);
        var r = GramBounds.Gram(ops, xs, 1.0);
        // Muon normalises by ‖X‖_F (its coefficients were tuned for that); the others by a proven,
        // sharper bound on σ_max with Polar Express's 1.02 cushion.
        double top = options.PolarSchedule == PolarSchedule.Muon ? ops.Norm(xs) : 1.02 * Math.Sqrt(GramBounds.LargestEigenvalue(ops, r));
        double scale = 1 / top;
        ops.Axpby(scale * scale, r, 0.0, r);
        var z = ops.Create(k, k);
        ops.SetIdentity(z, 1.0);
        var work = new PolarWork<TMatrix>(ops, k);
        int steps = 0;
        SolverStatus? status = null;
        var fixedSchedule = options.PolarSchedule switch
        {
            PolarSchedule.Muon => Enumerable.Repeat(s_muon, options.Steps ?? MuonDefaultSteps).ToArray(),
            PolarSchedule.PolarExpress => s_polarExpress.Take(options.Steps ?? PolarExpressSteps).ToArray(),
            _ => s_polarExpress,
        };
        foreach (var coefficients in fixedSchedule)
        {
            if (options.CancellationToken.IsCancellationRequested) { status = SolverStatus.Cancelled; break; }
            work.Step(ref r, ref z, coefficients);
            steps++;
        }
        double residual = double.NaN;
        bool outputFormed = false;
        if (status is null && options.PolarSchedule == PolarSchedule.Converged)
        {
            // The cubic (1.5, −0.5) converges quadratically once the Polar Express band is reached;
            // small singular values climb by 1.5× per step meanwhile, so a rising recursive residual
            // is progress, and only a residual at the rounding floor of the Gram products stalls.
            // The recursion R ← H·R·H also multiplies its own rounding (a slightly negative
            // eigenvalue grows by 2.25× per step), so every RestartInterval steps, and whenever it
            // proposes to stop, R is replaced by the Gram matrix of the actual output.
            var monitor = new IterationMonitor(options, 2 * tolerance, options.StepLimit);
            double floor = 8 * k * ops.UnitRoundoff, previous = double.PositiveInfinity;
            int restarts = 0, sinceRestart = 0;
            while (true)
            {
                double recursive = work.ProjectorResidual(r);
                monitor.Report(steps, double.NaN, recursive);
                bool atFloor = recursive <= floor && recursive >= previous;
                previous = recursive;
                bool proposesStop = recursive <= 2 * tolerance || atFloor || steps >= options.StepLimit || monitor.CancellationRequested;
                if (proposesStop || sinceRestart >= RestartInterval || !double.IsFinite(recursive))
                {
                    double certified = work.OutputResidual(xs, z, scale, wide, result, r, restart: true);
                    (residual, outputFormed) = (certified, true);
                    sinceRestart = 0;
                    previous = double.PositiveInfinity;
                    if (certified <= 2 * tolerance) { status = SolverStatus.Converged; break; }
                    if (!double.IsFinite(certified)) { status = SolverStatus.Breakdown; break; }
                    if (monitor.CancellationRequested) { status = SolverStatus.Cancelled; break; }
                    if (steps >= options.StepLimit) { status = SolverStatus.MaxIterations; break; }
                    // A drifted recursion gets a few restarts; a floor that the true iterate confirms is final.
                    if (atFloor || (recursive <= 2 * tolerance && ++restarts > InverseRootControl.MaxRestarts)) { status = SolverStatus.Stalled; break; }
                }
                work.Step(ref r, ref z, (1.5, -0.5, 0.0));
                steps++;
                sinceRestart++;
                outputFormed = false;
            }
        }
        // The output V = scale·X̃·Z, and its certificate ‖N² − N‖_F with N = VᵀV.
        if (!outputFormed) residual = work.OutputResidual(xs, z, scale, wide, result, r, restart: false);
        status ??= FixedCountStatus(residual, tolerance);
        if (status == SolverStatus.Converged && !(residual <= 2 * tolerance)) status = SolverStatus.Stalled;
        if (e != 0) ops.Release(xs);
        work.Release();
        ops.Release(r);
        ops.Release(z);
        if (status == SolverStatus.Breakdown || ops.HasNonFinite(result)) return NonFinite(ops, result, steps);
        // Every eigenvalue μ of N has |μ² − μ| ≤ ‖N² − N‖_F = ρ, so μ ≤ (1 + √(1 + 4ρ))/2; N itself
        // is accurate to about n·u.
        double bound = Math.Sqrt((1 + Math.Sqrt(1 + 4 * residual)) / 2 * (1 + 2 * Math.Max(rows, cols) * ops.UnitRoundoff));
        return new(result, steps, residual, 1, status.Value, double.IsFinite(bound) ? bound : double.PositiveInfinity);
    }

    /// <summary>
    /// Hard clip U·min(Σ, c)·Vᵀ without an SVD: with O = msign(X) and D = c·O − X = U(c − σ)Vᵀ,
    /// clip = ½(c·O + X − D·msign(D)ᵀ·O). The formula subtracts terms of size ‖X‖ to leave one of
    /// size c, so both sign computations run to tol·c/(2‖X‖_F); when that lies below the rounding
    /// floor the result is reported as <see cref="SolverStatus.Stalled"/> (the exact methods of
    /// <see cref="SpectralClip"/> have no such limit). Fragile when some σ ≈ c: the sign of c − σ is
    /// then resolved only to the iteration's accuracy.
    /// </summary>
    /// <exception cref="ArgumentException">c is not positive and finite, or <see cref="NewtonSchulzOptions.Steps"/> is set (both sign computations run the converged schedule).</exception>
    public static NewtonSchulzResult<TMatrix> HardClip<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix x, double c, NewtonSchulzOptions options, double tolerance)
    {
        RequireArguments(ops, options, tolerance);
        RequirePositive(c);
        if (options.Steps is not null)
            throw new ArgumentException("The hard clip runs two converged sign iterations; NewtonSchulzOptions.Steps cannot be honoured.", nameof(options));
        int rows = ops.Rows(x), cols = ops.Columns(x), k = Math.Min(rows, cols);
        // clip_c(tX) = t·clip_{c/t}(X) with t = 2^e.
        var prepared = Prepare(ops, x);
        if (prepared.Done is { } done) return done;
        var (result, xs, e) = (prepared.Result, prepared.Scaled, prepared.Exponent);
        double cs = Math.ScaleB(c, -e);
        var gram = GramBounds.Gram(ops, xs, 1.0);
        double top = GramBounds.LargestEigenvalue(ops, gram);
        ops.Release(gram);
        if (Math.Sqrt(top) <= cs)
        {
            // Every σ ≤ c: the clip is X itself, exactly (the formula would add noise of size tol·c).
            ops.Copy(x, result);
            if (e != 0) ops.Release(xs);
            // The Gram product itself is accurate to about n·u relative (n the long side).
            double bound = Math.ScaleB(Math.Sqrt(top * (1 + 2 * Math.Max(rows, cols) * ops.UnitRoundoff)), e);
            return new(result, 0, 0, 1, SolverStatus.Converged, bound + SubnormalSpacing(ops, rows, cols));
        }
        double norm = ops.Norm(xs);
        double signTolerance = Math.Min(tolerance, tolerance * cs / (2 * norm));
        bool reachable = signTolerance >= 8 * k * ops.UnitRoundoff;
        if (!reachable && options.StopWhenUncertifiable)
        {
            if (e != 0) ops.Release(xs);
            ops.Fill(result, double.NaN);
            return new(result, 0, double.NaN, 1, SolverStatus.Stalled, double.NaN);
        }
        var signOptions = options with { PolarSchedule = PolarSchedule.Converged, Steps = null };
        // Below the rounding floor the sign iterations still run (to their floor) for the best answer.
        double signTarget = Math.Max(signTolerance, 8 * k * ops.UnitRoundoff);
        var o = Polar(ops, xs, signOptions, signTarget);
        var d = ops.Create(rows, cols);
        ops.Axpby(-1.0, xs, 0.0, d);
        ops.Axpby(cs, o.Value, 1.0, d);                      // D = c·O − X
        var p = Polar(ops, d, signOptions, signTarget);
        ops.Copy(xs, result);
        ops.Axpby(cs, o.Value, 1.0, result);                 // c·O + X
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
        GramBounds.ScaleBy(ops, result, e - 1, result);      // ½, and back to the input's scale
        ops.Release(d);
        if (e != 0) ops.Release(xs);
        int steps = o.Steps + p.Steps;
        var status = o.Status != SolverStatus.Converged ? o.Status : p.Status;
        // A direction in either sign's null band (|σ| ≤ √(2·tol)) leaves up to c·√(tol/2) in the formula:
        // certified only when both signs are full (‖O‖_F² = ‖P‖_F² = k to within their bands), that is
        // X has no null direction and no σ within the sign's resolution of c.
        double normO = ops.Norm(o.Value), normP = ops.Norm(p.Value);
        bool full = normO * normO >= k - 0.5 && normP * normP >= k - 0.5;
        ops.Release(o.Value);
        ops.Release(p.Value);
        if (status == SolverStatus.Breakdown || ops.HasNonFinite(result)) return NonFinite(ops, result, steps);
        if (status == SolverStatus.Converged && (!reachable || !full || !Representable(ops, c, tolerance))) status = SolverStatus.Stalled;
        return new(result, steps, Math.Max(o.Residual, p.Residual), 1, status, GramBounds.SpectralNorm(ops, result) + SubnormalSpacing(ops, rows, cols));
    }

    /// <summary>
    /// The step counts the polar schedules can honour: the converged schedule stops on its certificate
    /// (Steps must be null), Polar Express runs 1 to 5 of its steps, Muon at least one, and the fixed
    /// part (Steps, else five, also the converged schedule's warm-up) must fit the step limit.
    /// </summary>
    /// <param name="options">The options to check.</param>
    /// <param name="paramName">The parameter the exception names.</param>
    /// <param name="context">Prepended to the message (the caller's setting).</param>
    internal static void RequirePolarSteps(NewtonSchulzOptions options, string paramName, string context = "")
    {
        switch (options.PolarSchedule)
        {
            case PolarSchedule.Converged when options.Steps is not null:
                throw new ArgumentException($"{context}The converged polar schedule stops on its certificate; NewtonSchulzOptions.Steps cannot be honoured (got {options.Steps}; use PolarExpress or Muon for a fixed count).", paramName);
            case PolarSchedule.PolarExpress when options.Steps is < 1 or > PolarExpressSteps:
                throw new ArgumentException($"{context}The Polar Express schedule runs 1 to {PolarExpressSteps} of its steps; Steps = {options.Steps}.", paramName);
            case PolarSchedule.Muon when options.Steps is < 1:
                throw new ArgumentException($"{context}Muon's schedule needs at least one step; Steps = {options.Steps}.", paramName);
        }
        int fixedSteps = options.Steps ?? (options.PolarSchedule == PolarSchedule.Muon ? MuonDefaultSteps : PolarExpressSteps);
        if (fixedSteps > options.StepLimit)
            throw new ArgumentException($"{context}The {options.PolarSchedule} schedule runs {fixedSteps} fixed steps, above the step limit MaxIterations = {options.StepLimit}.", paramName);
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
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, _h, z, 0.0, _w);
            ops.Copy(_w, z);
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

        /// <summary>
        /// Forms the output V = scale·Z·X̃ (wide) or scale·X̃·Z (tall) into <paramref name="output"/> and
        /// returns ‖N² − N‖_F for its Gram matrix N; with <paramref name="restart"/>, N is copied into
        /// <paramref name="r"/> so the recursion can continue from the true iterate.
        /// </summary>
        public double OutputResidual(TMatrix xs, TMatrix z, double scale, bool wide, TMatrix output, TMatrix r, bool restart)
        {
            if (wide) ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, scale, z, xs, 0.0, output);
            else ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, scale, xs, z, 0.0, output);
            var n = GramBounds.Gram(ops, output, 1.0);
            double residual = ProjectorResidual(n);
            if (restart) ops.Copy(n, r);
            ops.Release(n);
            return residual;
        }

        public void Release()
        {
            ops.Release(_h);
            ops.Release(_r2);
            ops.Release(_w);
        }
    }
}
