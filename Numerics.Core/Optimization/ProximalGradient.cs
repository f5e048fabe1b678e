using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// FISTA (Beck–Teboulle 2009) with backtracking and optional adaptive restart, minimising
/// f(x) + g(x) for a smooth convex f and a convex g with a cheap proximal operator, written once
/// against <see cref="IVectorArithmetic{TVector}"/>.
/// </summary>
/// <remarks>
/// <para>
/// Iteration k takes x⁺ = prox_{t·g}(y − t∇f(y)), shrinking t by the shrink factor until
/// f(x⁺) ≤ f(y) + ∇f(y)ᵀ(x⁺ − y) + ‖x⁺ − y‖²/(2t) (the step never grows again, so it settles at
/// most one shrink below 1/L), then y ← x⁺ + ((θₖ − 1)/θₖ₊₁)(x⁺ − x) with θₖ₊₁ = (1 + √(1 + 4θₖ²))/2.
/// The test allows a slack of a few units of round-off in f, so that rounding near the minimum does
/// not shrink the step for nothing.
/// </para>
/// <para>
/// The stopping test uses the gradient-mapping norm at x⁺ itself, recomputed every iteration from
/// ∇f(x⁺) (already known from the backtracking test, so it costs one proximal step and no
/// evaluation): <see cref="SolverStatus.Converged"/> is reported only for the returned X, and only
/// with a step that has passed the sufficient-decrease test (so never at x0 on the untested initial
/// step, whose gradient mapping shrinks as the step grows). FISTA is not monotone: X is the last
/// iterate, except on <see cref="SolverStatus.Cancelled"/>, which returns the iterate with the
/// smallest f + g so far (one vector copy per improving iteration). No acceptable step within the
/// backtracking limit gives <see cref="SolverStatus.Stalled"/>; non-finite values give
/// <see cref="SolverStatus.Breakdown"/>.
/// </para>
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class ProximalGradient<TVector>
{
    /// <summary>Relative slack on f in the sufficient-decrease test: a few units of round-off of double.</summary>
    private const double RoundingSlack = 4 * 2.220446049250313e-16;

    private readonly IVectorArithmetic<TVector> _ops;

    /// <summary>A solver on vectors handled by <paramref name="arithmetic"/>.</summary>
    public ProximalGradient(IVectorArithmetic<TVector> arithmetic)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        _ops = arithmetic;
    }

    /// <summary>Minimises f(x) + g(x) from <paramref name="x0"/>.</summary>
    /// <param name="f">The smooth part (value and gradient).</param>
    /// <param name="g">The non-smooth part (value and proximal operator).</param>
    /// <param name="x0">The starting point (length f.Dimension; not modified).</param>
    /// <param name="options">Tolerance, limits, step control, restart, cancellation, progress; null: the defaults.</param>
    /// <returns>A new vector X with f(X) + g(X), the gradient-mapping norm at X and the status.</returns>
    /// <exception cref="ArgumentException">x0 has the wrong length or holds NaN/∞, or an option is out of range.</exception>
    public ProximalGradientResult<TVector> Minimize(IDifferentiableObjective<TVector> f, IProximalOperator<TVector> g, TVector x0, ProximalGradientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(g);
        ArgumentNullException.ThrowIfNull(x0);
        options ??= new ProximalGradientOptions();
        options.Validate(nameof(options));
        int n = f.Dimension;
        if (_ops.Length(x0) != n) throw new ArgumentException($"x0 has length {_ops.Length(x0)}; f has dimension {n}.", nameof(x0));
        if (!double.IsFinite(_ops.MaxAbs(x0))) throw new ArgumentException("x0 contains a non-finite value.", nameof(x0));

        var monitor = new IterationMonitor(options,
            options.Tolerance ?? ProximalGradientOptions.DefaultTolerance,
            options.MaxIterations ?? ProximalGradientOptions.DefaultMaxIterations);
        double shrink = options.ShrinkFactor;
        double t = options.InitialStep;

        var x = _ops.Create(n);
        var xPrev = _ops.Create(n);
        var xNew = _ops.Create(n);
        var y = _ops.Create(n);
        var gx = _ops.Create(n);
        var gy = _ops.Create(n);
        var gNew = _ops.Create(n);
        var w = _ops.Create(n);
        var best = _ops.Create(n);
        int iterations = 0, evaluations = 0, restarts = 0;
        double value, residual, residualStep = t;
        SolverStatus status;
        try
        {
            _ops.Copy(x0, x);
            double fx = f.Evaluate(x, gx);
            evaluations++;
            residual = GradientMapping(g, x, gx, t, w, xNew);
            value = fx + g.Value(x);
            var check = monitor.Check(0, double.IsFinite(value) ? residual : double.NaN);
            // t has not been tested yet: a large InitialStep makes any x0 look stationary.
            if (check == SolverStatus.Converged) check = null;
            _ops.Copy(x, best);
            double bestValue = value, bestResidual = residual, bestStep = t;
            _ops.Copy(x, y);
            _ops.Copy(gx, gy);
            double fy = fx, theta = 1.0;
            while (check is null)
            {
                // Backtracking on t: accept x⁺ once the quadratic model at y majorises f there.
                bool accepted = false;
                double fNew = double.NaN;
                for (int shrinks = 0; ; shrinks++)
                {
                    _ops.Copy(y, w);
                    _ops.Axpby(-t, gy, 1.0, w);
                    g.Apply(w, t, xNew);
                    fNew = f.Evaluate(xNew, gNew);
                    evaluations++;
                    _ops.Copy(xNew, w);
                    _ops.Axpby(-1.0, y, 1.0, w);
                    double model = fy + _ops.Dot(gy, w) + _ops.Dot(w, w) / (2 * t);
                    if (fNew <= model + RoundingSlack * (Math.Abs(fy) + Math.Abs(fNew))) { accepted = true; break; }
                    if (shrinks >= options.MaxBacktracks) break;
                    t *= shrink;
                }
                if (!accepted)
                {
                    check = SolverStatus.Stalled;
                    break;
                }

                // w = x⁺ − y = −t·(gradient mapping at y); restart when the step x⁺ − x goes against it.
                bool restart = options.AdaptiveRestart && _ops.Dot(w, xNew) - _ops.Dot(w, x) < 0;
                (xPrev, x, xNew) = (x, xNew, xPrev);
                (gx, gNew) = (gNew, gx);
                fx = fNew;
                iterations++;

                residual = GradientMapping(g, x, gx, t, w, xNew);
                residualStep = t;
                value = fx + g.Value(x);
                check = monitor.Check(iterations, double.IsFinite(value) ? residual : double.NaN);
                monitor.Report(iterations, value, residual);
                if (check == SolverStatus.Cancelled && bestValue < value)
                {
                    (x, best) = (best, x);
                    (value, residual, residualStep) = (bestValue, bestResidual, bestStep);
                }
                if (check is not null) break;
                if (value < bestValue)
                {
                    _ops.Copy(x, best);
                    (bestValue, bestResidual, bestStep) = (value, residual, t);
                }

                double thetaNext = (1 + Math.Sqrt(1 + 4 * theta * theta)) / 2;
                double beta = (theta - 1) / thetaNext;
                theta = thetaNext;
                if (restart)
                {
                    theta = 1.0;
                    beta = 0.0;
                    restarts++;
                }
                if (beta == 0.0)
                {
                    // y = x: its value and gradient are known already.
                    _ops.Copy(x, y);
                    _ops.Copy(gx, gy);
                    fy = fx;
                }
                else
                {
                    _ops.Copy(x, y);
                    _ops.Axpby(beta, x, 1.0, y);
                    _ops.Axpby(-beta, xPrev, 1.0, y);
                    fy = f.Evaluate(y, gy);
                    evaluations++;
                }
            }
            status = check!.Value;
        }
        catch
        {
            _ops.Release(x);
            throw;
        }
        finally
        {
            _ops.Release(best);
            _ops.Release(w);
            _ops.Release(gNew);
            _ops.Release(gy);
            _ops.Release(gx);
            _ops.Release(y);
            _ops.Release(xNew);
            _ops.Release(xPrev);
        }
        return new ProximalGradientResult<TVector>(x, value, residual, status, iterations, evaluations, residualStep, restarts);
    }

    /// <summary>‖x − prox_{t·g}(x − t·∇f(x))‖₂/t, with two scratch vectors.</summary>
    private double GradientMapping(IProximalOperator<TVector> g, TVector x, TVector gradient, double t, TVector work, TVector prox)
    {
        _ops.Copy(x, work);
        _ops.Axpby(-t, gradient, 1.0, work);
        g.Apply(work, t, prox);
        _ops.Copy(x, work);
        _ops.Axpby(-1.0, prox, 1.0, work);
        return _ops.Norm(work) / t;
    }
}
