using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// L-BFGS (Liu &amp; Nocedal 1989; Nocedal &amp; Wright Algorithm 7.5): minimises a smooth f: ℝⁿ → ℝ by
/// x_{k+1} = x_k + α_k·d_k, d_k = −H_k·∇f(x_k), where H_k is the inverse-Hessian approximation
/// built from the last h pairs s = x_{k+1} − x_k, y = ∇f(x_{k+1}) − ∇f(x_k) by the two-loop
/// recursion with H⁰ = (sᵀy / yᵀy)·I, and α_k satisfies the strong-Wolfe conditions.
/// Stops when ‖∇f(x_k)‖ ≤ tolerance, in the norm <see cref="LbfgsOptions.GradientNorm"/> (default ‖·‖∞).
/// </summary>
/// <remarks>
/// <para>
/// Written once against <see cref="IVectorArithmetic{TVector}"/>: a device run executes these same
/// lines on device vectors; only dots and norms come back to the host.
/// </para>
/// <para>
/// The first step (and every step after the history is cleared) goes along −∇f with initial trial
/// α = 1/‖∇f‖₂, a unit-length move, as SciPy's L-BFGS-B does; later steps try α = 1, which the
/// scaling γ makes a good guess. A pair with sᵀy ≤ ε·‖s‖·‖y‖ is skipped (counted) so that H_k stays
/// positive definite.
/// </para>
/// <para>
/// Status is earned: every accepted point's gradient is the one evaluated at that point, and
/// <see cref="SolverStatus.Converged"/> is decided on its ∞-norm by <see cref="IterationMonitor"/>.
/// When the line search fails along the quasi-Newton direction the history is cleared and the
/// iteration retried along −∇f (L-BFGS-B's recovery); a failure there too stops the solve as
/// <see cref="SolverStatus.Stalled"/> at the current iterate. The solve also stops as Stalled after
/// <see cref="LbfgsOptions.StallWindow"/> consecutive iterations whose decrease of f is at rounding
/// level (<see cref="LbfgsOptions.StallDecrease"/>). Since every accepted step decreases f, the
/// current iterate is always the best one, and it is what every status returns; with a line search
/// that judges steps in a flat band by their slopes (<see cref="StrongWolfeLineSearch.FlatTolerance"/>),
/// "decreases" holds up to that band.
/// </para>
/// <para>
/// Cancellation is checked after each iteration, so a solve returns within one iteration (at most
/// one line search, whose evaluations are bounded) of the token firing. The same inputs give the
/// same bits: nothing depends on timing or thread count.
/// </para>
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class Lbfgs<TVector>
{
    private static readonly StrongWolfeLineSearch DefaultLineSearch = new();

    private readonly IVectorArithmetic<TVector> _ops;

    /// <summary>An L-BFGS minimiser on vectors handled by <paramref name="arithmetic"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="arithmetic"/> is null.</exception>
    public Lbfgs(IVectorArithmetic<TVector> arithmetic)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        _ops = arithmetic;
    }

    /// <summary>Minimises <paramref name="objective"/> from <paramref name="x0"/> (not modified).</summary>
    /// <param name="objective">f and ∇f.</param>
    /// <param name="x0">The starting point, of length <see cref="IDifferentiableObjective{TVector}.Dimension"/>.</param>
    /// <param name="options">Tolerance on ‖∇f‖∞, limits, history, line search; null: the defaults of <see cref="LbfgsOptions"/>.</param>
    /// <returns>The minimiser's result; X and Gradient are new vectors the caller owns.</returns>
    /// <exception cref="ArgumentException">
    /// <paramref name="objective"/> or <paramref name="x0"/> is null; x0's length is not the objective's
    /// dimension; x0 holds NaN or ±∞; f(x0) or ∇f(x0) is not finite; an option is out of range.
    /// </exception>
    public LbfgsResult<TVector> Minimize(IDifferentiableObjective<TVector> objective, TVector x0, LbfgsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        if (x0 is null) throw new ArgumentNullException(nameof(x0));
        options ??= new LbfgsOptions();
        options.Validate(nameof(options));
        int n = objective.Dimension;
        if (_ops.Length(x0) != n)
            throw new ArgumentException($"x0 has length {_ops.Length(x0)}; the objective's dimension is {n}.", nameof(x0));
        if (!double.IsFinite(_ops.MaxAbs(x0))) throw new ArgumentException("x0 holds NaN or infinity.", nameof(x0));

        var x = _ops.Create(n);
        var g = _ops.Create(n);
        _ops.Copy(x0, x);
        double f = objective.Evaluate(x, g);
        var norm = options.GradientNorm;
        double residual = Measure(g, norm);
        if (!double.IsFinite(f) || !double.IsFinite(residual))
        {
            _ops.Release(x);
            _ops.Release(g);
            throw new ArgumentException($"f(x0) = {f} and ‖∇f(x0)‖ = {residual}: both must be finite.", nameof(x0));
        }

        // L-BFGS is invariant under f → f/s: when ‖∇f(x0)‖∞ lies beyond 2^±450, where gᵀd could overflow
        // or underflow, it runs on f/s (s a power of two near it) so that its dots stay finite; the
        // result's value and gradient come from one unscaled evaluation at X.
        var unscaled = objective;
        double scale = ProblemScale.For(residual);
        if (!double.IsFinite(f / scale)) scale = 1;
        if (scale != 1)
        {
            objective = new ScaledObjective<TVector>(objective, _ops, scale);
            _ops.Scale(1 / scale, g);
            f /= scale;
            residual /= scale;
        }
        var search = options.LineSearch ?? DefaultLineSearch;
        var monitor = new IterationMonitor(options, (options.Tolerance ?? LbfgsOptions.DefaultTolerance) / scale,
            options.MaxIterations ?? LbfgsOptions.DefaultMaxIterations);
        var history = new LbfgsHistory<TVector>(_ops, options.History);
        var d = _ops.Create(n);
        var xt = _ops.Create(n);
        var gt = _ops.Create(n);
        var s = _ops.Create(n);
        var y = _ops.Create(n);
        int iterations = 0, evaluations = 1, skipped = 0, restarts = 0, flat = 0;

        var status = monitor.Check(0, residual);
        while (status is null)
        {
            var step = TakeStep(objective, search, history, x, f, g, d, xt, gt, ref restarts);
            evaluations += step.Evaluations;
            if (!step.Satisfied)
            {
                status = SolverStatus.Stalled;
                break;
            }

            _ops.Copy(xt, s);
            _ops.Axpby(-1.0, x, 1.0, s);
            _ops.Copy(gt, y);
            _ops.Axpby(-1.0, g, 1.0, y);
            double sy = _ops.Dot(s, y);
            if (sy > options.CurvatureThreshold * _ops.Norm(s) * _ops.Norm(y)) history.Push(ref s, ref y, sy);
            else skipped++;

            flat = f - step.Value <= options.StallDecrease * Math.Max(Math.Abs(f), Math.Abs(step.Value)) ? flat + 1 : 0;
            (x, xt) = (xt, x);
            (g, gt) = (gt, g);
            f = step.Value;
            residual = Measure(g, norm);
            iterations++;
            monitor.Report(iterations, f * scale, residual * scale);
            status = monitor.Check(iterations, residual);
            if (status is null && flat >= options.StallWindow) status = SolverStatus.Stalled;
        }

        history.Release();
        foreach (var v in (ReadOnlySpan<TVector>)[d, xt, gt, s, y]) _ops.Release(v);
        if (scale != 1)
        {
            // f/s and ∇f/s lose bits where they go subnormal near the minimum: report what f says at X.
            f = unscaled.Evaluate(x, g);
            evaluations++;
            residual = Measure(g, norm);
            double tolerance = options.Tolerance ?? LbfgsOptions.DefaultTolerance;
            if (status == SolverStatus.Converged && !(residual <= tolerance)) status = SolverStatus.Stalled;
        }
        return new LbfgsResult<TVector>(x, f, residual, status.Value, iterations, evaluations, g, skipped, restarts);
    }

    /// <summary>‖g‖ in <paramref name="norm"/>.</summary>
    private double Measure(TVector g, VectorNorm norm) => norm switch
    {
        VectorNorm.One => _ops.SumOfMagnitudes(g),
        VectorNorm.Two => _ops.Norm(g),
        _ => _ops.MaxAbs(g),
    };

    /// <summary>
    /// One line search along −H·∇f; if that direction is not a descent direction or its search
    /// fails, the history is cleared and the search repeated along −∇f. On success xt, gt hold the
    /// accepted point and its gradient.
    /// </summary>
    private LineSearchResult TakeStep(IDifferentiableObjective<TVector> objective, ILineSearch search, LbfgsHistory<TVector> history,
        TVector x, double f, TVector g, TVector d, TVector xt, TVector gt, ref int restarts)
    {
        int evaluations = 0;
        while (true)
        {
            history.Direction(g, d);
            double slope = _ops.Dot(g, d);
            if (!(slope < 0) || !double.IsFinite(slope))
            {
                // Rounding in the two-loop recursion can lose descent; −∇f cannot (unless ‖∇f‖² underflows).
                if (history.Count == 0) return new LineSearchResult(0, f, slope, evaluations, false);
                history.Clear();
                restarts++;
                continue;
            }
            double initial = history.Count == 0 ? Math.Min(1.0 / _ops.Norm(d), StrongWolfeLineSearch.MaxStep) : 1.0;
            var result = search.Search(objective, _ops, x, f, g, d, initial, xt, gt);
            evaluations += result.Evaluations;
            if (result.Satisfied || history.Count == 0) return result with { Evaluations = evaluations };
            history.Clear();
            restarts++;
        }
    }
}
