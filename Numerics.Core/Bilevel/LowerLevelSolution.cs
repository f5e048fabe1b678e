using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// An inexact lower-level solution x̃(θ) with what certifies it: ‖x̃ − x̂(θ)‖ ≤ ‖∇ₓh(x̃)‖/μ =
/// <see cref="Accuracy"/> by strong convexity, and the upper loss with its bounds
/// g(x̃) ± (‖∇g(x̃)‖ε + L_g ε²/2) on the exact g(x̂(θ)).
/// </summary>
/// <param name="Accuracy">ε achieved: ‖∇ₓh(x̃, θ)‖/μ, recomputed at the returned x̃.</param>
/// <param name="UpperLoss">g(x̃).</param>
/// <param name="UpperGradientNorm">‖∇g(x̃)‖.</param>
/// <param name="Iterations">FISTA iterations spent (0 when the warm start was already accurate).</param>
/// <param name="Status">The lower solve's status: <see cref="SolverStatus.Converged"/> when the requested accuracy holds at x̃.</param>
/// <param name="UpperSmoothness">L_g, for the bounds.</param>
public readonly record struct LowerLevelSolution(double Accuracy, double UpperLoss, double UpperGradientNorm, int Iterations, SolverStatus Status, double UpperSmoothness)
{
    /// <summary>U = g(x̃) + ‖∇g(x̃)‖ε + L_g ε²/2 ≥ g(x̂(θ)) (L_g-smoothness of g).</summary>
    public double UpperLossUpperBound => UpperLoss + UpperGradientNorm * Accuracy + 0.5 * UpperSmoothness * Accuracy * Accuracy;

    /// <summary>g(x̃) − ‖∇g(x̃)‖ε − L_g ε²/2 ≤ g(x̂(θ)) (L_g-smoothness of g, no convexity needed).</summary>
    public double UpperLossLowerBound => UpperLoss - UpperGradientNorm * Accuracy - 0.5 * UpperSmoothness * Accuracy * Accuracy;
}
