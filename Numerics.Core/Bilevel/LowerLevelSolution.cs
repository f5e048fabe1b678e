using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// An inexact lower-level solution x̃(θ) with what certifies it: ‖x̃ − x̂(θ)‖ ≤ ‖∇ₓh(x̃)‖/μ =
/// <see cref="Accuracy"/> by strong convexity, and the upper loss with its bounds
/// g(x̃) ± (‖∇g(x̃)‖ε + L_g ε²/2 + <see cref="Rounding"/>) on the exact g(x̂(θ)).
/// </summary>
/// <remarks>
/// The bounds hold for the exact g at the computed x̃; <see cref="Rounding"/> widens them by the
/// worst-case rounding of the final sum that forms g(x̃). Cancellation inside a problem's own
/// evaluation of its terms (a residual of two large, nearly equal vectors) is not covered: the
/// ε and the bounds are only as good as the computed ∇ₓh and g.
/// </remarks>
/// <param name="Accuracy">ε achieved: ‖∇ₓh(x̃, θ)‖/μ, recomputed at the returned x̃.</param>
/// <param name="UpperLoss">g(x̃).</param>
/// <param name="UpperGradientNorm">‖∇g(x̃)‖.</param>
/// <param name="Iterations">FISTA iterations spent (0 when the warm start was already accurate).</param>
/// <param name="Status">The lower solve's status: <see cref="SolverStatus.Converged"/> when the requested accuracy holds at x̃.</param>
/// <param name="UpperSmoothness">L_g, for the bounds.</param>
public readonly record struct LowerLevelSolution(double Accuracy, double UpperLoss, double UpperGradientNorm, int Iterations, SolverStatus Status, double UpperSmoothness)
{
    /// <summary>
    /// An allowance for the rounding of the computed g(x̃), added to the width of both bounds: the
    /// oracle sets 4·d·u·|g(x̃)| (the worst-case error of a d-term sum, γ_d, with room), u = 2⁻⁵³.
    /// Without it a zero-width bracket (ε = 0 on a converged solve) could sit an ulp off the exact
    /// loss, and two such brackets could certify a decrease that is only rounding.
    /// </summary>
    public double Rounding { get; init; }

    /// <summary>U = g(x̃) + ‖∇g(x̃)‖ε + L_g ε²/2 + rounding ≥ g(x̂(θ)) (L_g-smoothness of g).</summary>
    public double UpperLossUpperBound => UpperLoss + (UpperGradientNorm * Accuracy + 0.5 * UpperSmoothness * Accuracy * Accuracy + Rounding);

    /// <summary>g(x̃) − ‖∇g(x̃)‖ε − L_g ε²/2 − rounding ≤ g(x̂(θ)) (L_g-smoothness of g, no convexity needed).</summary>
    public double UpperLossLowerBound => UpperLoss - (UpperGradientNorm * Accuracy + 0.5 * UpperSmoothness * Accuracy * Accuracy + Rounding);

    /// <summary>
    /// 4·n·u·magnitude: the worst-case rounding of an n-term sum of that magnitude (γ_n, with room),
    /// u the unit round-off of double; the <see cref="Rounding"/> allowance and the corrected bounds' one.
    /// </summary>
    internal static double SumRounding(double magnitude, int terms) => 4.0 * Math.Max(terms, 1) * SpanArithmetic.UnitRoundoff<double>() * magnitude;
}
