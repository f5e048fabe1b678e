namespace Numerics.Optimization;

/// <summary>How an iterative solver stopped.</summary>
public enum SolverStatus
{
    /// <summary>The stopping test was met.</summary>
    Converged,

    /// <summary>The iteration limit was reached before the stopping test was met; the result is the last iterate.</summary>
    MaxIterations,

    /// <summary>The iteration could not continue (e.g. an exact zero in a recurrence, or non-finite values); the result is the last finite iterate.</summary>
    Breakdown,
}

/// <summary>One progress report of an iterative solver.</summary>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="Objective">The solver's objective (for least squares ‖r‖).</param>
/// <param name="Residual">The optimality measure the stopping test uses.</param>
public readonly record struct IterationProgress(int Iteration, double Objective, double Residual);
