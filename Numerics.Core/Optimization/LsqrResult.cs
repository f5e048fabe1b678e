namespace Numerics.Optimization;

/// <summary>Which of Paige &amp; Saunders' tests ended <see cref="Lsqr.Solve"/> (see <see cref="LsqrOptions"/>).</summary>
public enum LsqrStopTest
{
    /// <summary>No test held: the iteration limit, cancellation, a breakdown or a stall ended it.</summary>
    None,

    /// <summary>Test 1: ‖r̄‖ ≤ btol·‖b‖ + atol·‖Ā‖·‖x‖ (a compatible system).</summary>
    Residual,

    /// <summary>Test 2: ‖Āᵀr̄‖ ≤ atol·‖Ā‖·‖r̄‖ (a least-squares solution).</summary>
    NormalResidual,

    /// <summary>Test 3: the condition estimate of Ā reached <see cref="LsqrOptions.Conlim"/>.</summary>
    ConditionLimit,
}

/// <summary>
/// The outcome of <see cref="Lsqr.Solve"/>. The norms are recomputed from <see cref="X"/> after the
/// last step (r = b − A·x, Aᵀr − damp²·x by explicit products), not the recurrence's estimates.
/// </summary>
/// <param name="X">The solution estimate (the best one reached when a restart did not improve it).</param>
/// <param name="Status">Converged when <see cref="StopTest"/> holds on the recomputed residual; otherwise MaxIterations, Stalled (a restart from the recomputed residual did not halve ‖Āᵀr̄‖, or test 3 fired), Breakdown or Cancelled.</param>
/// <param name="Iterations">Iterations taken, over all restarts.</param>
/// <param name="ResidualNorm">‖b − A·x‖, recomputed.</param>
/// <param name="NormalResidualNorm">‖Aᵀ(b − A·x) − damp²·x‖ = ‖Āᵀr̄‖, recomputed.</param>
/// <param name="SmallestSingularValue">σ_min of the longest Golub–Kahan bidiagonal: an estimate of σ_min(Ā) from above (exact arithmetic).</param>
/// <param name="LargestSingularValue">The largest σ_max of the bidiagonals: an estimate of ‖Ā‖₂ from below, the ‖Ā‖ of the tests.</param>
public sealed record LsqrResult(double[] X, SolverStatus Status, int Iterations, double ResidualNorm,
    double NormalResidualNorm, double SmallestSingularValue, double LargestSingularValue)
{
    /// <summary>The test that held (Converged), or <see cref="LsqrStopTest.ConditionLimit"/>, or None.</summary>
    public LsqrStopTest StopTest { get; init; }

    /// <summary>‖Āᵀr̄‖ / (‖Ā‖·‖r̄‖) reached, recomputed (0 when r̄ = 0), with ‖Ā‖ = <see cref="LargestSingularValue"/>: compare it with atol.</summary>
    public double RelativeNormalResidual { get; init; }

    /// <summary>Restarts from a recomputed residual after the recurrence proposed a stop that the recomputed test refused.</summary>
    public int Restarts { get; init; }
}
