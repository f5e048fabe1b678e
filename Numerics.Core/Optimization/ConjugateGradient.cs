using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// Preconditioned conjugate gradients (Hestenes–Stiefel) for A·x = b with A symmetric positive
/// definite, written once against <see cref="IVectorArithmetic{TVector}"/> so that host and device
/// vectors share the control logic.
/// </summary>
/// <remarks>
/// <para>
/// Each iteration costs one product with A, one with the preconditioner (if any), two dots and a
/// norm. The recursively updated residual drifts from b − A·x in floating point, so it only decides
/// when to look: once it meets the tolerance (or the solve is about to stop for another reason),
/// b − A·x is recomputed, and only that residual can make the solve
/// <see cref="SolverStatus.Converged"/>. If the recomputed residual misses the tolerance, the
/// iteration restarts from it (p = M⁻¹r); if a restart does not lower it below the previous
/// restart's, the tolerance is under the rounding floor and the solve stops
/// <see cref="SolverStatus.Stalled"/> with the better iterate.
/// </para>
/// <para>
/// pᵀA·p ≤ 0 means A is not positive definite (rᵀM⁻¹r ≤ 0, the preconditioner is not):
/// the solve returns <see cref="SolverStatus.Breakdown"/> with the last iterate; no exception.
/// </para>
/// <para>
/// On <see cref="SolverStatus.Cancelled"/> and <see cref="SolverStatus.MaxIterations"/> the last
/// iterate is the best so far in the sense CG optimises: its error ‖x − x*‖_A decreases
/// monotonically (each iterate minimises it over a growing Krylov space), even when ‖b − A·x‖ does not.
/// </para>
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class ConjugateGradient<TVector>
{
    private readonly IVectorArithmetic<TVector> _ops;

    /// <summary>A solver on vectors handled by <paramref name="arithmetic"/>.</summary>
    public ConjugateGradient(IVectorArithmetic<TVector> arithmetic)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        _ops = arithmetic;
    }

    /// <summary>Solves A·x = b.</summary>
    /// <param name="a">The symmetric positive definite operator.</param>
    /// <param name="b">The right-hand side (length n; not modified).</param>
    /// <param name="x0">A warm start (length n; not modified); default: zero.</param>
    /// <param name="options">Tolerance, iteration limit, preconditioner, cancellation, progress; null: the defaults.</param>
    /// <returns>A new vector X with the status; <see cref="ConjugateGradientResult{TVector}.ResidualNorm"/> is ‖b − A·X‖₂ recomputed at X.</returns>
    /// <exception cref="ArgumentException">A length differs from n, b or x0 holds NaN/∞, or an option is out of range.</exception>
    public ConjugateGradientResult<TVector> Solve(ISymmetricOperator<TVector> a, TVector b, TVector? x0 = default, ConjugateGradientOptions<TVector>? options = null)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        options ??= new ConjugateGradientOptions<TVector>();
        options.Validate(nameof(options));
        int n = a.Dimension;
        if (_ops.Length(b) != n) throw new ArgumentException($"b has length {_ops.Length(b)}; A has dimension {n}.", nameof(b));
        if (x0 is not null && _ops.Length(x0) != n) throw new ArgumentException($"x0 has length {_ops.Length(x0)}; A has dimension {n}.", nameof(x0));
        var m = options.Preconditioner;
        if (m is not null && m.Dimension != n)
            throw new ArgumentException($"The preconditioner has dimension {m.Dimension}; A has dimension {n}.", nameof(options));
        if (!double.IsFinite(_ops.MaxAbs(b))) throw new ArgumentException("b contains a non-finite value.", nameof(b));
        if (x0 is not null && !double.IsFinite(_ops.MaxAbs(x0))) throw new ArgumentException("x0 contains a non-finite value.", nameof(x0));

        // CG is linear in (b, x): solve for b/s with s a power of two near max|bᵢ| when the dots
        // rᵀz and pᵀAp could overflow or underflow, and scale x back (exact, barring subnormals).
        double scale = ProblemScale.For(_ops.MaxAbs(b));
        // A warm start far larger than b would overflow when divided by b's scale: then run unscaled.
        if (x0 is not null && !ProblemScale.Fits(_ops.MaxAbs(x0), scale)) scale = 1;
        if (scale == 1) return Iterate(a, b, x0, options, n, 1);
        var bScaled = _ops.Create(n);
        var x0Scaled = x0 is null ? default : _ops.Create(n);
        try
        {
            _ops.Copy(b, bScaled);
            _ops.Scale(1 / scale, bScaled);
            if (x0 is not null)
            {
                _ops.Copy(x0, x0Scaled!);
                _ops.Scale(1 / scale, x0Scaled!);
            }
            var result = Iterate(a, bScaled, x0Scaled, options, n, scale);
            _ops.Scale(scale, result.X);
            return result with { ResidualNorm = result.ResidualNorm * scale };
        }
        finally
        {
            _ops.Release(bScaled);
            if (x0Scaled is not null) _ops.Release(x0Scaled);
        }
    }

    /// <summary>The CG iteration on a validated problem; <paramref name="scale"/> only rescales what progress reports.</summary>
    private ConjugateGradientResult<TVector> Iterate(ISymmetricOperator<TVector> a, TVector b, TVector? x0, ConjugateGradientOptions<TVector> options, int n, double scale)
    {
        var m = options.Preconditioner;
        double bNorm = _ops.Norm(b);
        var x = _ops.Create(n);
        if (bNorm == 0)
        {
            // x = 0 solves A·x = 0 exactly, whatever the warm start.
            _ops.Fill(x, 0.0);
            return new ConjugateGradientResult<TVector>(x, SolverStatus.Converged, 0, 0.0, 0);
        }

        int maxIterations = options.IterationLimit(n);
        var monitor = new IterationMonitor(options, (options.Tolerance ?? ConjugateGradientOptions<TVector>.DefaultTolerance) * bNorm, maxIterations);
        var r = _ops.Create(n);
        var p = _ops.Create(n);
        var q = _ops.Create(n);
        var z = m is null ? r : _ops.Create(n);
        TVector? best = default;
        bool haveBest = false;
        double bestNorm = double.PositiveInfinity;
        int iterations = 0, restarts = 0;
        SolverStatus status;
        double rNorm;
        try
        {
            if (x0 is null)
            {
                _ops.Fill(x, 0.0);
                _ops.Copy(b, r);
            }
            else
            {
                _ops.Copy(x0, x);
                TrueResidual(a, b, x, r);
            }
            rNorm = _ops.Norm(r);
            if (monitor.Check(0, rNorm) is { } initial)
            {
                status = initial;
            }
            else
            {
                double rz = Restart(m, r, z, p);
                while (true)
                {
                    if (!(rz > 0)) { status = SolverStatus.Breakdown; break; }
                    a.Apply(p, q);
                    double pq = _ops.Dot(p, q);
                    if (!(pq > 0)) { status = SolverStatus.Breakdown; break; }
                    double alpha = rz / pq;
                    _ops.Axpby(alpha, p, 1.0, x);
                    _ops.Axpby(-alpha, q, 1.0, r);
                    iterations++;
                    rNorm = _ops.Norm(r);

                    bool recomputed = false;
                    if (rNorm <= monitor.Tolerance || iterations >= maxIterations || monitor.CancellationRequested)
                    {
                        TrueResidual(a, b, x, r);
                        rNorm = _ops.Norm(r);
                        recomputed = true;
                    }
                    var check = monitor.Check(iterations, rNorm);
                    monitor.Report(iterations, rNorm * scale, rNorm * scale);
                    if (check is { } stop)
                    {
                        status = stop;
                        // A stop the recursive residual triggered (Breakdown on a non-finite value, a
                        // cancellation that arrived after the look above) still reports b − A·x.
                        if (!recomputed)
                        {
                            TrueResidual(a, b, x, r);
                            rNorm = _ops.Norm(r);
                        }
                        break;
                    }
                    if (recomputed)
                    {
                        if (rNorm >= bestNorm) { status = SolverStatus.Stalled; break; }
                        bestNorm = rNorm;
                        if (!haveBest) { best = _ops.Create(n); haveBest = true; }
                        _ops.Copy(x, best!);
                        restarts++;
                        rz = Restart(m, r, z, p);
                        continue;
                    }
                    if (m is not null) m.Apply(r, z);
                    double rzNext = _ops.Dot(r, z);
                    double beta = rzNext / rz;
                    rz = rzNext;
                    _ops.Axpby(1.0, z, beta, p);
                }
                if (status == SolverStatus.Breakdown)
                {
                    TrueResidual(a, b, x, r);
                    rNorm = _ops.Norm(r);
                }
            }
        }
        catch
        {
            _ops.Release(x);
            if (haveBest) _ops.Release(best!);
            throw;
        }
        finally
        {
            _ops.Release(q);
            _ops.Release(p);
            if (m is not null) _ops.Release(z);
            _ops.Release(r);
        }

        var result = x;
        if (status == SolverStatus.Stalled && haveBest && bestNorm < rNorm)
        {
            _ops.Release(x);
            result = best!;
            rNorm = bestNorm;
        }
        else if (haveBest)
        {
            _ops.Release(best!);
        }
        return new ConjugateGradientResult<TVector>(result, status, iterations, rNorm, restarts);
    }

    /// <summary>r ← b − A·x.</summary>
    private void TrueResidual(ISymmetricOperator<TVector> a, TVector b, TVector x, TVector r)
    {
        a.Apply(x, r);
        _ops.Axpby(1.0, b, -1.0, r);
    }

    /// <summary>z ← M⁻¹r (z is r without a preconditioner), p ← z; returns rᵀz.</summary>
    private double Restart(ISymmetricOperator<TVector>? m, TVector r, TVector z, TVector p)
    {
        m?.Apply(r, z);
        _ops.Copy(z, p);
        return _ops.Dot(r, z);
    }
}

/// <summary>Conjugate gradients on host arrays: shorthands for <see cref="ConjugateGradient{TVector}"/> with <see cref="HostVectorArithmetic"/>.</summary>
public static class ConjugateGradient
{
    /// <summary>Solves A·x = b on host arrays; see <see cref="ConjugateGradient{TVector}.Solve"/>.</summary>
    /// <exception cref="ArgumentException">A length differs from n, b or x0 holds NaN/∞, or an option is out of range.</exception>
    public static ConjugateGradientResult<double[]> Solve(ISymmetricOperator<double[]> a, double[] b, double[]? x0 = null, ConjugateGradientOptions<double[]>? options = null) =>
        new ConjugateGradient<double[]>(HostVectorArithmetic.Instance).Solve(a, b, x0, options);

    /// <summary>Solves A·x = b for a square <see cref="ILinearOperator"/> taken as symmetric positive definite.</summary>
    /// <exception cref="ArgumentException"><paramref name="a"/> is not square, a length differs from n, b or x0 holds NaN/∞, or an option is out of range.</exception>
    public static ConjugateGradientResult<double[]> Solve(ILinearOperator a, double[] b, double[]? x0 = null, ConjugateGradientOptions<double[]>? options = null) =>
        Solve(new SymmetricLinearOperator(a), b, x0, options);
}
