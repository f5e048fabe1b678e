namespace Numerics.Optimization;

/// <summary>How an iterative solver stopped. Every solver in the library reports through this type.</summary>
public enum SolverStatus
{
    /// <summary>The requested tolerance holds on a residual recomputed after the last step.</summary>
    Converged,

    /// <summary>The iteration limit was reached before the tolerance was met; the result is the last iterate.</summary>
    MaxIterations,

    /// <summary>The iteration could not continue (e.g. an exact zero in a recurrence, or non-finite values); the result is the last finite iterate.</summary>
    Breakdown,

    /// <summary>
    /// Progress stopped before the tolerance was met: a line search found no acceptable step, or the
    /// residual stopped decreasing at the rounding floor. The result is the best iterate reached.
    /// </summary>
    Stalled,

    /// <summary>The caller's <see cref="CancellationToken"/> fired; the result is the best iterate so far.</summary>
    Cancelled,
}
