namespace Numerics.Optimization;

/// <summary>
/// The settings every iterative solver shares: the tolerance of its stopping test, the iteration
/// limit, cancellation and progress. Each solver's options record derives from this one and
/// documents what the tolerance measures and the defaults it uses when a value is null.
/// </summary>
public abstract record IterativeOptions
{
    /// <summary>The tolerance of the solver's stopping test (see the derived options for what it measures); null: the solver's default.</summary>
    public double? Tolerance { get; init; }

    /// <summary>The iteration limit; null: the solver's default.</summary>
    public int? MaxIterations { get; init; }

    /// <summary>
    /// Checked once per iteration: when it fires the solver returns within one iteration with
    /// <see cref="SolverStatus.Cancelled"/> and the best iterate so far (no exception).
    /// </summary>
    public CancellationToken CancellationToken { get; init; }

    /// <summary>Receives one <see cref="IterationProgress"/> per iteration.</summary>
    public IProgress<IterationProgress>? Progress { get; init; }

    /// <summary>
    /// Checks the shared fields: a tolerance that is NaN, infinite or negative, or a negative
    /// iteration limit, throws <see cref="ArgumentException"/> naming <paramref name="paramName"/>.
    /// Derived records extend this with their own fields.
    /// </summary>
    public virtual void Validate(string paramName)
    {
        if (Tolerance is { } t && (!(t >= 0) || !double.IsFinite(t)))
            throw new ArgumentException($"{GetType().Name}.Tolerance must be non-negative and finite, got {t}.", paramName);
        if (MaxIterations is < 0)
            throw new ArgumentException($"{GetType().Name}.MaxIterations must be non-negative, got {MaxIterations}.", paramName);
    }
}
