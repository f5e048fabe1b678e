namespace Numerics.Bilevel;

/// <summary>One accepted outer step θ_k → θ_{k+1} = θ_k − α·p_k of a bilevel solver, p_k = z_k or MAID's quasi-Newton H·z_k.</summary>
/// <param name="Iteration">The outer iteration (1-based) that accepted the step.</param>
/// <param name="Theta">θ_{k+1}.</param>
/// <param name="Step">α.</param>
/// <param name="UpperLossUpperBound">U(θ_{k+1}) ≥ f(θ_{k+1}), from the trial lower-level solution.</param>
/// <param name="ReferenceLowerBound">Lo(θ_k) ≤ f(θ_k), at the accuracy of the iteration.</param>
/// <param name="RequiredDecrease">λα‖z_k‖² (0 for the fixed-schedule baseline, which certifies nothing); MAID accepts only when U(θ_{k+1}) ≤ Lo(θ_k) − RequiredDecrease.</param>
/// <param name="Epsilon">The lower-level accuracy ε asked for.</param>
/// <param name="Delta">The adjoint accuracy δ asked for.</param>
/// <param name="HypergradientNorm">‖z_k‖.</param>
/// <param name="ErrorBound">ω_k ≥ ‖z_k − ∇f(θ_k)‖.</param>
/// <param name="LowerIterations">Lower-level iterations spent so far (cumulative).</param>
/// <param name="AdjointIterations">Conjugate-gradient iterations spent so far (cumulative).</param>
/// <param name="QuasiNewton">True when the step went along MAID's quasi-Newton direction −H·z_k (θ_{k+1} = θ_k − α·H·z_k), false along −z_k.</param>
public sealed record BilevelStep(int Iteration, double[] Theta, double Step, double UpperLossUpperBound, double ReferenceLowerBound, double RequiredDecrease,
    double Epsilon, double Delta, double HypergradientNorm, double ErrorBound, long LowerIterations, long AdjointIterations, bool QuasiNewton = false);
