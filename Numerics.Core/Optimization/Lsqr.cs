namespace Numerics.Optimization;

/// <summary>
/// LSQR (Paige &amp; Saunders 1982): min ‖A·x − b‖² + damp²·‖x‖² by Golub–Kahan bidiagonalisation,
/// with a warm start. Mathematically CG on the normal equations, but it never forms AᵀA.
/// </summary>
/// <remarks>
/// <para><b>An earned status.</b> The recurrence's estimates of ‖r̄‖ and ‖Āᵀr̄‖ only <i>propose</i> a
/// stop. The solver then recomputes r̄ = b̄ − Ā·x and Āᵀr̄ by explicit products (one fused pass) and
/// applies the same test (<see cref="LsqrOptions"/>) to them: <see cref="SolverStatus.Converged"/>
/// only when it holds. When it does not (at large κ the recurrence drifts from the true residual),
/// LSQR restarts from the recomputed residual (iterative refinement); when a restart fails to halve
/// the recomputed ‖Āᵀr̄‖ the result is <see cref="SolverStatus.Stalled"/> with the best x and the
/// values it reached.</para>
/// <para><b>Damping.</b> With damp &gt; 0 LSQR runs on Ā = [A; damp·I], b̄ = [b; 0], which is
/// Paige and Saunders' damped LSQR in exact arithmetic and keeps warm starts and restarts exact
/// (the ridge applies to x, not to the correction).</para>
/// </remarks>
public static class Lsqr
{
    private const double U = 2.220446049250313e-16;

    /// <summary>Solves min ‖A·x − b‖² + damp²‖x‖² starting from <paramref name="x0"/> (zero when null).</summary>
    /// <exception cref="ArgumentException">Lengths do not match A, inputs hold NaN/∞, or an option is out of range.</exception>
    public static LsqrResult Solve(ILinearOperator a, ReadOnlySpan<double> b, ReadOnlySpan<double> x0 = default, LsqrOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        options ??= new LsqrOptions();
        int n = a.Columns;
        if (b.Length != a.Rows) throw new ArgumentException($"b has length {b.Length}; A has {a.Rows} rows.", nameof(b));
        if (!x0.IsEmpty && x0.Length != n) throw new ArgumentException($"x0 has length {x0.Length}; A has {n} columns.", nameof(x0));
        LinearAlgebra.DenseStorage.RequireFinite(b, nameof(b));
        LinearAlgebra.DenseStorage.RequireFinite(x0, nameof(x0));
        options.Validate(nameof(options));
        int maxIterations = options.MaxIterations ?? Math.Max(100, 4 * n);
        double atol = options.Tolerance ?? LsqrOptions.DefaultToleranceFor(a.Rows);
        var rules = new StoppingRules(atol, options.Btol ?? atol, options.Conlim, a.RowSpaceNorm(b));

        ILinearOperator op = options.Damp > 0 ? new DampedOperator(a, options.Damp) : a;
        var bBar = new double[op.Rows];
        b.CopyTo(bBar);
        var x = x0.IsEmpty ? new double[n] : x0.ToArray();
        var current = Checkpoint.Recompute(op, bBar, x, a.Rows);
        var best = current;
        double normA = 0, sMin = double.NaN, previousCheck = double.PositiveInfinity;
        int iterations = 0, restarts = 0, longestRun = -1;
        SolverStatus status;
        LsqrStopTest test;
        while (true)
        {
            var run = Recurrence(op, current.Residual, x, maxIterations - iterations, iterations, rules, normA, options);
            iterations += run.Steps;
            normA = Math.Max(normA, run.SMax);
            if (run.Steps > longestRun) (longestRun, sMin) = (run.Steps, run.SMin);
            current = Checkpoint.Recompute(op, bBar, x, a.Rows);
            test = rules.Test(normA, current.DampedResidualNorm, current.NormalResidualNorm, GolubKahan.Norm(x));
            if (test != LsqrStopTest.None || current.NormalResidualNorm < best.NormalResidualNorm) best = current;
            if (test != LsqrStopTest.None) { status = SolverStatus.Converged; break; }
            if (run.End == RunEnd.Proposed && current.NormalResidualNorm <= 0.5 * previousCheck)
            {
                // The recomputed test failed but the residual improves: restart from it (refinement).
                previousCheck = current.NormalResidualNorm;
                restarts++;
                continue;
            }
            (status, test) = run.End switch
            {
                RunEnd.Proposed => (SolverStatus.Stalled, LsqrStopTest.None),
                RunEnd.ConditionLimit => (SolverStatus.Stalled, LsqrStopTest.ConditionLimit),
                RunEnd.Cancelled => (SolverStatus.Cancelled, LsqrStopTest.None),
                RunEnd.Breakdown => (SolverStatus.Breakdown, LsqrStopTest.None),
                _ => (SolverStatus.MaxIterations, LsqrStopTest.None),
            };
            break;
        }
        double relative = best.NormalResidualNorm == 0 ? 0 : best.NormalResidualNorm / (normA * best.DampedResidualNorm);
        return new LsqrResult(best.X, status, iterations, best.ResidualNorm, best.NormalResidualNorm, sMin, normA)
        {
            StopTest = test, RelativeNormalResidual = relative, Restarts = restarts,
        };
    }

    private enum RunEnd { Proposed, ConditionLimit, MaxIterations, Cancelled, Breakdown }

    private readonly record struct Run(int Steps, RunEnd End, double SMin, double SMax);

    /// <summary>
    /// One LSQR recurrence on min ‖Ā·δ − r̄‖ from δ = 0, accumulating δ into x, until its estimates
    /// propose a stop (tests 1, 2 or the floor, or an exact zero α or β), test 3 fires, the limit is
    /// reached or the token fires.
    /// </summary>
    private static Run Recurrence(ILinearOperator op, double[] start, double[] x, int limit, int offset,
        StoppingRules rules, double normA, LsqrOptions options)
    {
        var gk = new GolubKahan(op, start);
        if (gk.Beta == 0 || gk.Alpha == 0) return new Run(0, RunEnd.Proposed, gk.Alpha, gk.Alpha);
        double phiBar = gk.Beta, rhoBar = gk.Alpha;
        var w = (double[])gk.V.Clone();
        double sMin = gk.Alpha, sMax = gk.Alpha;
        int n = x.Length;
        for (int k = 1; k <= limit; k++)
        {
            if (options.CancellationToken.IsCancellationRequested) return new Run(k - 1, RunEnd.Cancelled, sMin, sMax);
            gk.Step();
            double alpha = gk.Alpha, beta = gk.Beta;
            double rho = Math.Sqrt(rhoBar * rhoBar + beta * beta);
            if (!(rho > 0) || !double.IsFinite(rho)) return new Run(k, RunEnd.Breakdown, sMin, sMax);
            double c = rhoBar / rho, s = beta / rho;
            double theta = s * alpha;
            rhoBar = -c * alpha;
            double phi = c * phiBar;
            phiBar = s * phiBar;
            double step = phi / rho, wScale = theta / rho;
            var v = gk.V;
            for (int i = 0; i < n; i++)
            {
                x[i] += step * w[i];
                w[i] = v[i] - wScale * w[i];
            }
            (sMin, sMax) = gk.SingularValueEstimates();
            double residual = phiBar, normalResidual = phiBar * alpha * Math.Abs(c);
            options.Progress?.Report(new IterationProgress(offset + k, residual, normalResidual));
            if (alpha == 0 || beta == 0
                || rules.Test(Math.Max(normA, sMax), residual, normalResidual, GolubKahan.Norm(x)) != LsqrStopTest.None)
                return new Run(k, RunEnd.Proposed, sMin, sMax);
            if (rules.Conlim > 0 && sMax >= rules.Conlim * sMin) return new Run(k, RunEnd.ConditionLimit, sMin, sMax);
        }
        return new Run(Math.Max(0, limit), RunEnd.MaxIterations, sMin, sMax);
    }

    /// <summary>The tests of <see cref="LsqrOptions"/> on given values of ‖Ā‖, ‖r̄‖, ‖Āᵀr̄‖ and ‖x‖.</summary>
    private readonly record struct StoppingRules(double Atol, double Btol, double Conlim, double BNorm)
    {
        public LsqrStopTest Test(double normA, double r, double g, double xNorm)
        {
            if (r <= Btol * BNorm + Atol * normA * xNorm) return LsqrStopTest.Residual;
            if (g <= Atol * normA * r) return LsqrStopTest.NormalResidual;
            return LsqrStopTest.None;
        }
    }

    /// <summary>An iterate with its recomputed residual r̄ = b̄ − Ā·x and normal residual Āᵀr̄.</summary>
    private sealed record Checkpoint(double[] X, double[] Residual, double ResidualNorm, double DampedResidualNorm, double NormalResidualNorm)
    {
        /// <summary>One fused pass: y ← Ā·x − b̄ = −r̄, z ← Āᵀy = −Āᵀr̄.</summary>
        public static Checkpoint Recompute(ILinearOperator op, double[] bBar, double[] x, int rows)
        {
            var y = (double[])bBar.Clone();
            var z = new double[op.Columns];
            op.MultiplyThenTransposed(x, 1.0, y, z);
            for (int i = 0; i < y.Length; i++) y[i] = -y[i];
            return new Checkpoint((double[])x.Clone(), y, op.RowSpaceNorm(y.AsSpan(0, rows)), op.RowSpaceNorm(y), GolubKahan.Norm(z));
        }
    }
}

/// <summary>
/// Ā = [A; damp·I]: the ridge problem as plain least squares. Its row-space norm is the default
/// (the 2-norm of the local stacked vector): a row-distributed A is never damped
/// (<see cref="Distributed.DistributedLeastSquares"/> refuses Damp), since every rank would count the damping rows.
/// </summary>
internal sealed class DampedOperator(ILinearOperator a, double damp) : ILinearOperator
{
    public int Rows => a.Rows + a.Columns;

    public int Columns => a.Columns;

    public void Multiply(ReadOnlySpan<double> x, Span<double> y)
    {
        a.Multiply(x, y[..a.Rows]);
        for (int i = 0; i < x.Length; i++) y[a.Rows + i] = damp * x[i];
    }

    public void MultiplyTransposed(ReadOnlySpan<double> y, Span<double> x)
    {
        a.MultiplyTransposed(y[..a.Rows], x);
        for (int i = 0; i < x.Length; i++) x[i] += damp * y[a.Rows + i];
    }

    public void MultiplyThenTransposed(ReadOnlySpan<double> x, double alpha, Span<double> y, Span<double> z)
    {
        a.MultiplyThenTransposed(x, alpha, y[..a.Rows], z);
        for (int i = 0; i < x.Length; i++)
        {
            double bottom = damp * x[i] - alpha * y[a.Rows + i];
            y[a.Rows + i] = bottom;
            z[i] += damp * bottom;
        }
    }
}
