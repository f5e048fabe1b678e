using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// An inexact hypergradient z ≈ ∇f(θ) with its certificate: ‖z − ∇f(θ)‖ ≤ <see cref="ErrorBound"/>
/// (when the problem's constants are certified).
/// </summary>
/// <param name="Hypergradient">z = −B(x̃)ᵀq (length n; owned by the caller).</param>
/// <param name="ErrorBound">ω of <see cref="HypergradientErrorBound"/> at the achieved accuracies.</param>
/// <param name="Lower">The lower-level solution the estimate was built on.</param>
/// <param name="AdjointResidual">δ achieved: ‖A(x̃)q − ∇g(x̃)‖, recomputed by the conjugate-gradient solve.</param>
/// <param name="AdjointIterations">Conjugate-gradient iterations spent.</param>
/// <param name="AdjointStatus">The adjoint solve's status.</param>
public sealed record HypergradientEstimate(double[] Hypergradient, double ErrorBound, LowerLevelSolution Lower, double AdjointResidual, int AdjointIterations, SolverStatus AdjointStatus)
{
    /// <summary>‖z‖₂.</summary>
    public double Norm { get; } = SpanArithmetic.Norm<double>(Hypergradient);

    /// <summary>
    /// Certified bounds on the exact loss f(θ): the first-order bounds of <see cref="Lower"/>,
    /// intersected with the adjoint-corrected ones when the estimate has an adjoint
    /// (<see cref="UpperLossBounds.Corrected"/>). MAID's sufficient-decrease test uses them.
    /// </summary>
    public UpperLossBounds LossBounds { get; init; } = new(Lower.UpperLossLowerBound, Lower.UpperLossUpperBound);

    /// <summary>‖z‖ + ω ≥ ‖∇f(θ)‖: the certified stationarity measure.</summary>
    public double StationarityBound => Norm + ErrorBound;
}
