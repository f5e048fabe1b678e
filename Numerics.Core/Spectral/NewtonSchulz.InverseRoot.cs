using Numerics.Arithmetic;
using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Spectral;

public static partial class NewtonSchulz
{
    /// <summary>
    /// Coupled Newton–Schulz (the official SPECTRA loop): T = (3I − Z·Y)/2, Y ← Y·T, Z ← T·Z,
    /// so Z → Y₀^{-1/2}. The eigenvalues p of Z·Y start at ≥ 1/α and follow p ← p(3 − p)²/4;
    /// ‖I − Z·Y‖_F ≥ max |1 − p| also bounds them from below, and the larger of the two lower
    /// bounds decides when the quadratic phase (p ≥ 0.8), where a residual that stops falling has
    /// reached the rounding floor, has begun.
    /// </summary>
    private static (int Steps, double Residual, SolverStatus Status) CoupledInverseRoot<TMatrix>(
        IMatrixArithmetic<TMatrix> ops, TMatrix y0, ref TMatrix z, int k, double alpha, bool wide, NewtonSchulzOptions options, double tolerance)
    {
        var y = ops.Create(k, k);
        ops.Copy(y0, y);
        var w = ops.Create(k, k);
        var t = ops.Create(k, k);
        var control = new InverseRootControl(options, tolerance);
        double p = 1 / alpha;
        int steps = 0;
        double residual;
        SolverStatus status;
        while (true)
        {
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, z, y, 0.0, w);
            // With a fixed step count the residual (a host synchronisation on a GPU) is taken once, at the end.
            residual = control.Measures(steps) ? ops.DistanceToIdentity(w) : double.NaN;
            if (residual < 1) p = Math.Max(p, 1 - residual);
            var decision = control.Next(steps, residual, quadratic: p >= 0.8);
            if (decision.Verify)
            {
                double certified = Certificate(ops, y0, z, wide, t, w);
                if (control.Accepts(certified, decision, steps, out status))
                {
                    residual = certified;
                    break;
                }
                // Drift: restart the recursion from Y = Y₀·Z (= t, as Z and Y₀ commute) and go on.
                ops.Copy(t, y);
                p = certified < 1 ? 1 - certified : 0;
                continue;
            }
            if (decision.Stop is { } stop) { status = stop; break; }
            ops.Axpby(-0.5, w, 0.0, t);
            ops.AddToDiagonal(t, 1.5);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, y, t, 0.0, w);
            (y, w) = (w, y);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, t, z, 0.0, w);
            (z, w) = (w, z);
            p = p * (3 - p) * (3 - p) / 4;
            steps++;
        }
        ops.Release(y);
        ops.Release(w);
        ops.Release(t);
        return (steps, residual, status);
    }

    /// <summary>
    /// Scaled Newton–Schulz on the Gram form. With R = M·Mᵀ for M = Z·M₀ and σ(M) ⊂ [ℓ, 1]:
    /// H = (3γ/2)I − (γ³/2)R, Z ← H·Z, R ← H·R·H, ℓ ← γℓ(3 − γ²ℓ²)/2. γ equalises the images of ℓ
    /// and 1, which is the optimal scaling of the cubic (Chen and Chow); once ℓ ≈ 1 it is plain
    /// Newton–Schulz with quadratic convergence. ℓ starts at 1/√α, the worst case, and is raised to
    /// the measured √(1 − ‖I − R‖_F) whenever that is larger, so a well-conditioned input is not
    /// pushed away from 1 by a scaling meant for a wider interval.
    /// </summary>
    private static (int Steps, double Residual, SolverStatus Status) AdaptiveInverseRoot<TMatrix>(
        IMatrixArithmetic<TMatrix> ops, TMatrix y0, ref TMatrix z, int k, double alpha, bool wide, NewtonSchulzOptions options, double tolerance)
    {
        var r = ops.Create(k, k);
        ops.Copy(y0, r);
        var h = ops.Create(k, k);
        var w = ops.Create(k, k);
        var control = new InverseRootControl(options, tolerance);
        // ℓ = 0 would make the step annihilate the top of the spectrum; u keeps it a valid, useful floor.
        double ell = Math.Max(1 / Math.Sqrt(alpha), ops.UnitRoundoff);
        int steps = 0;
        double residual;
        SolverStatus status;
        while (true)
        {
            residual = control.Measures(steps) ? ops.DistanceToIdentity(r) : double.NaN;
            if (residual < 1) ell = Math.Max(ell, Math.Sqrt(1 - residual));
            var decision = control.Next(steps, residual, quadratic: ell >= 0.9);
            if (decision.Verify)
            {
                double certified = Certificate(ops, y0, z, wide, w, h);
                if (control.Accepts(certified, decision, steps, out status))
                {
                    residual = certified;
                    break;
                }
                ops.Copy(h, r);
                ell = certified < 1 ? Math.Max(Math.Sqrt(1 - certified), ops.UnitRoundoff) : ops.UnitRoundoff;
                continue;
            }
            if (decision.Stop is { } stop) { status = stop; break; }
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
        ops.Release(r);
        ops.Release(h);
        ops.Release(w);
        return (steps, residual, status);
    }

    /// <summary>
    /// ‖I − M·Y₀·Mᵀ‖_F with M = Z (wide: H = Z·X/√α, so H·Hᵀ = Z·G·Zᵀ/α) or M = Zᵀ (tall), from Z and
    /// the unmodified Y₀, so the certificate is exactly the Gram matrix of the output whatever rounding
    /// did to Z's symmetry; leaves M·Y₀ in <paramref name="product"/> and M·Y₀·Mᵀ in <paramref name="gram"/>.
    /// </summary>
    private static double Certificate<TMatrix>(IMatrixArithmetic<TMatrix> ops, TMatrix y0, TMatrix z, bool wide, TMatrix product, TMatrix gram)
    {
        if (wide)
        {
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, z, y0, 0.0, product);
            ops.Gemm(Transpose.NoTranspose, Transpose.Transpose, 1.0, product, z, 0.0, gram);
        }
        else
        {
            ops.Gemm(Transpose.Transpose, Transpose.NoTranspose, 1.0, z, y0, 0.0, product);
            ops.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, 1.0, product, z, 0.0, gram);
        }
        return ops.DistanceToIdentity(gram);
    }

    /// <summary>What the loop does after a residual check.</summary>
    /// <param name="Verify">Recompute the certificate from the iterate and decide with <see cref="InverseRootControl.Accepts"/>.</param>
    /// <param name="Stop">Stop at once with this status (no certificate: breakdown, or cancellation mid fixed count).</param>
    /// <param name="Failure">The status if the certificate misses the tolerance and no restart is allowed.</param>
    /// <param name="MayRestart">A missed certificate may restart the recursion from the recomputed iterate.</param>
    private readonly record struct LoopDecision(bool Verify, SolverStatus? Stop, SolverStatus Failure, bool MayRestart)
    {
        public static LoopDecision Continue => new(false, null, default, false);
    }

    /// <summary>
    /// The stopping logic the iterations share. A recursive residual only proposes a stop; the
    /// status comes from a certificate recomputed from the iterate, and a recursion that has drifted
    /// (recursive residual met, certificate not) restarts from the recomputed iterate at most
    /// <see cref="MaxRestarts"/> times before it is reported as stalled.
    /// </summary>
    private sealed class InverseRootControl(NewtonSchulzOptions options, double tolerance)
    {
        /// <summary>Restarts of a drifted recursion before giving up.</summary>
        public const int MaxRestarts = 2;

        private readonly IterationMonitor _monitor = new(options, 2 * tolerance, options.StepLimit);
        private double _previous = double.PositiveInfinity;
        private int _restarts;

        /// <summary>Whether the residual is needed after <paramref name="steps"/> steps (fixed counts measure only at their end).</summary>
        public bool Measures(int steps) => options.Steps is not { } n || steps >= n;

        /// <summary>The decision after <paramref name="steps"/> steps with recursive residual <paramref name="residual"/>.</summary>
        /// <param name="steps">Completed steps.</param>
        /// <param name="residual">The recursive residual (NaN when not measured).</param>
        /// <param name="quadratic">Whether every eigenvalue is proven to be in the quadratic basin, where a residual that stops falling is at the rounding floor.</param>
        public LoopDecision Next(int steps, double residual, bool quadratic)
        {
            _monitor.Report(steps, double.NaN, residual);
            if (options.Steps is { } n)
            {
                if (steps < n) return _monitor.CancellationRequested ? new(false, SolverStatus.Cancelled, default, false) : LoopDecision.Continue;
                return new(true, null, SolverStatus.MaxIterations, false);
            }
            if (!double.IsFinite(residual)) return new(false, SolverStatus.Breakdown, default, false);
            if (residual <= 2 * tolerance) return new(true, null, SolverStatus.Stalled, steps < options.StepLimit);
            if (quadratic && residual >= _previous) return new(true, null, SolverStatus.Stalled, false);
            _previous = residual;
            if (steps >= options.StepLimit) return new(true, null, SolverStatus.MaxIterations, false);
            if (_monitor.CancellationRequested) return new(true, null, SolverStatus.Cancelled, false);
            return LoopDecision.Continue;
        }

        /// <summary>
        /// True (with the final status) when the loop ends on this certificate; false when it should
        /// restart the recursion from the recomputed iterate and continue.
        /// </summary>
        public bool Accepts(double certified, LoopDecision decision, int steps, out SolverStatus status)
        {
            status = !double.IsFinite(certified) ? SolverStatus.Breakdown
                : certified <= 2 * tolerance ? SolverStatus.Converged
                : decision.Failure;
            if (status != SolverStatus.Stalled || !decision.MayRestart || _restarts >= MaxRestarts || steps >= options.StepLimit) return true;
            _restarts++;
            _previous = double.PositiveInfinity;
            return false;
        }
    }
}
