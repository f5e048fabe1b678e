namespace Numerics.Optimization;

/// <summary>
/// Options of <see cref="Lsqr.Solve"/>. <see cref="IterativeOptions.Tolerance"/>: stop when
/// ‖Aᵀr‖ ≤ Tolerance·‖A‖·‖r‖ (the relative normal-equation residual; ‖A‖ is the running estimate
/// σ̂_max); null means 1e-14. <see cref="IterativeOptions.MaxIterations"/>: null means 4·Columns, at
/// least 100. Progress reports (iteration, ‖r‖, ‖Aᵀr‖).
/// </summary>
public sealed record LsqrOptions : IterativeOptions
{
    /// <summary>The tolerance when <see cref="IterativeOptions.Tolerance"/> is null.</summary>
    public const double DefaultTolerance = 1e-14;

    /// <summary>Also stop when ‖r‖ ≤ ResidualTolerance·‖b‖ (consistent systems). Default 1e-15.</summary>
    public double ResidualTolerance { get; init; } = 1e-15;

    /// <inheritdoc />
    /// <remarks>Also rejects a negative, infinite or NaN <see cref="ResidualTolerance"/>.</remarks>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (!(ResidualTolerance >= 0) || !double.IsFinite(ResidualTolerance))
            throw new ArgumentException($"LsqrOptions.ResidualTolerance must be non-negative and finite, got {ResidualTolerance}.", paramName);
    }
}

/// <summary>The outcome of <see cref="Lsqr.Solve"/>.</summary>
/// <param name="X">The solution estimate.</param>
/// <param name="Status">Converged, or MaxIterations / Breakdown / Cancelled with the last iterate.</param>
/// <param name="Iterations">Iterations taken.</param>
/// <param name="ResidualNorm">The recurrence's estimate of ‖b − A·x‖.</param>
/// <param name="NormalResidualNorm">The recurrence's estimate of ‖Aᵀ(b − A·x)‖.</param>
/// <param name="SmallestSingularValue">σ_min of the Golub–Kahan bidiagonal: an estimate of σ_min(A) from above (exact arithmetic).</param>
/// <param name="LargestSingularValue">σ_max of the bidiagonal: an estimate of ‖A‖₂ from below.</param>
public sealed record LsqrResult(double[] X, SolverStatus Status, int Iterations, double ResidualNorm,
    double NormalResidualNorm, double SmallestSingularValue, double LargestSingularValue);

/// <summary>
/// LSQR (Paige &amp; Saunders 1982): min ‖A·x − b‖₂ by Golub–Kahan bidiagonalisation, with a warm
/// start. Mathematically CG on the normal equations, but it never forms AᵀA.
/// </summary>
public static class Lsqr
{
    /// <summary>Solves min ‖A·x − b‖₂ starting from <paramref name="x0"/> (zero when null).</summary>
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
        double tolerance = options.Tolerance ?? LsqrOptions.DefaultTolerance;

        var x = x0.IsEmpty ? new double[n] : x0.ToArray();
        // Warm start: solve A·δ = b − A·x0 and add.
        var r0 = b.ToArray();
        if (!x0.IsEmpty)
        {
            var ax = new double[a.Rows];
            a.Multiply(x, ax);
            for (int i = 0; i < r0.Length; i++) r0[i] -= ax[i];
        }
        double bNorm = GolubKahan.Norm(b);
        var gk = new GolubKahan(a, r0);
        double phiBar = gk.Beta, rhoBar = gk.Alpha;
        double residual = gk.Beta, normalResidual = gk.Alpha * gk.Beta;
        var w = (double[])gk.V.Clone();
        int iterations = 0;
        var status = SolverStatus.MaxIterations;
        double sMin = gk.Alpha, sMax = gk.Alpha;

        if (normalResidual == 0 || residual <= options.ResidualTolerance * bNorm) status = SolverStatus.Converged;
        while (status != SolverStatus.Converged && iterations < maxIterations)
        {
            if (options.CancellationToken.IsCancellationRequested) { status = SolverStatus.Cancelled; break; }
            gk.Step();
            iterations++;
            double alpha = gk.Alpha, beta = gk.Beta;
            double rho = Math.Sqrt(rhoBar * rhoBar + beta * beta);
            if (!(rho > 0) || !double.IsFinite(rho)) { status = SolverStatus.Breakdown; break; }
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
            residual = phiBar;
            normalResidual = phiBar * alpha * Math.Abs(c);
            (sMin, sMax) = gk.SingularValueEstimates();
            options.Progress?.Report(new IterationProgress(iterations, residual, normalResidual));
            if (normalResidual <= tolerance * sMax * residual || residual <= options.ResidualTolerance * bNorm || alpha == 0)
                status = SolverStatus.Converged;
        }
        return new LsqrResult(x, status, iterations, residual, normalResidual, sMin, sMax);
    }
}
