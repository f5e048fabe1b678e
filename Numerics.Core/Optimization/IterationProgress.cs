namespace Numerics.Optimization;

/// <summary>One progress report of an iterative solver, sent once per iteration.</summary>
/// <param name="Iteration">Iterations completed.</param>
/// <param name="Objective">The solver's objective (for least squares ‖r‖, for minimisers f(x)).</param>
/// <param name="Residual">The optimality measure the stopping test uses.</param>
public readonly record struct IterationProgress(int Iteration, double Objective, double Residual);
