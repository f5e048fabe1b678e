namespace Numerics.Optimization;

/// <summary>
/// The stopping rule every iterative solver shares, applied once per iteration to a residual the
/// solver has just recomputed: non-finite ⇒ <see cref="SolverStatus.Breakdown"/>; ≤ tolerance ⇒
/// <see cref="SolverStatus.Converged"/>; a stall by the <see cref="StallRule"/> ⇒
/// <see cref="SolverStatus.Stalled"/>; the iteration limit ⇒ <see cref="SolverStatus.MaxIterations"/>;
/// the token fired ⇒ <see cref="SolverStatus.Cancelled"/>. <see cref="Report"/> sends the progress record.
/// </summary>
/// <remarks>
/// The order matters: a residual that meets the tolerance converges even at the iteration limit or
/// when cancellation arrives, because the answer is then as good as asked for.
/// </remarks>
public sealed class IterationMonitor
{
    private readonly CancellationToken _token;
    private readonly IProgress<IterationProgress>? _progress;
    private readonly StallRule _stall;
    private double _best = double.PositiveInfinity;
    private int _flat;

    /// <summary>A monitor for one solve.</summary>
    /// <param name="options">Cancellation and progress come from here.</param>
    /// <param name="tolerance">The resolved tolerance (the options' value or the solver's default).</param>
    /// <param name="maxIterations">The resolved iteration limit.</param>
    /// <param name="stall">The stall rule; null: never stalls.</param>
    public IterationMonitor(IterativeOptions options, double tolerance, int maxIterations, StallRule? stall = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _token = options.CancellationToken;
        _progress = options.Progress;
        _stall = stall ?? StallRule.None;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
    }

    /// <summary>The tolerance the residual is tested against.</summary>
    public double Tolerance { get; }

    /// <summary>The iteration limit.</summary>
    public int MaxIterations { get; }

    /// <summary>True when the caller asked to stop.</summary>
    public bool CancellationRequested => _token.IsCancellationRequested;

    /// <summary>
    /// The status to stop with after <paramref name="iteration"/> completed iterations whose
    /// freshly recomputed residual is <paramref name="residual"/>, or null to continue.
    /// </summary>
    public SolverStatus? Check(int iteration, double residual)
    {
        if (!double.IsFinite(residual)) return SolverStatus.Breakdown;
        if (residual <= Tolerance) return SolverStatus.Converged;
        if (residual < _best) { _best = residual; _flat = 0; }
        else if (residual < _stall.Below && ++_flat >= _stall.Window) return SolverStatus.Stalled;
        if (iteration >= MaxIterations) return SolverStatus.MaxIterations;
        if (_token.IsCancellationRequested) return SolverStatus.Cancelled;
        return null;
    }

    /// <summary>Sends one progress record.</summary>
    public void Report(int iteration, double objective, double residual) => _progress?.Report(new IterationProgress(iteration, objective, residual));
}
