using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>The outcome of a bilevel solver.</summary>
/// <param name="Theta">The returned parameters (the last accepted θ).</param>
/// <param name="LowerSolution">x̃(θ): the lower-level solution at <paramref name="Theta"/> (a new vector owned by the caller).</param>
/// <param name="Final">The hypergradient recomputed at <paramref name="Theta"/>, with its error bound and the upper loss with its bounds.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when ‖z‖ + ω ≤ <paramref name="StationarityTarget"/> for
/// <paramref name="Final"/>; <see cref="SolverStatus.Stalled"/> when the accuracy floor was reached
/// without a usable descent direction or certified step (θ is then as stationary as
/// <paramref name="Final"/>'s <see cref="HypergradientEstimate.StationarityBound"/> proves, which is
/// the honest figure to quote); <see cref="SolverStatus.MaxIterations"/> at the outer-iteration
/// limit or the inner-iteration budget; <see cref="SolverStatus.Breakdown"/> on non-finite values;
/// <see cref="SolverStatus.Cancelled"/>.
/// </param>
/// <param name="Iterations">Outer iterations (accepted or not).</param>
/// <param name="LowerIterations">Lower-level (FISTA) iterations in total.</param>
/// <param name="AdjointIterations">Conjugate-gradient iterations in total.</param>
/// <param name="DescentRefinements">Times ε and δ were tightened because the descent test failed.</param>
/// <param name="BacktrackFailures">Backtracking searches that found no step (each followed by tightening ε and δ).</param>
/// <param name="Epsilon">The lower-level accuracy at the end.</param>
/// <param name="Delta">The adjoint accuracy at the end.</param>
/// <param name="Steps">Every accepted step, in order.</param>
/// <param name="Certified">The problem's <see cref="IBilevelProblem{TVector}.ConstantsCertified"/>: true when it declares its constants proven bounds, so that error and loss bounds certify (see <paramref name="Certificate"/> for who proved them).</param>
/// <param name="StationarityTarget">
/// The absolute threshold the status was decided against: the options' Tolerance when set, else
/// RelativeTolerance·G₀ with G₀ ≤ ‖∇f(θ₀)‖ the certified lower bound fixed at the start (0 when no
/// finite estimate at θ₀ was obtained).
/// </param>
/// <param name="Certificate">
/// What the certificate (the bounds, the certified decreases and <see cref="SolverStatus.Converged"/>)
/// rests on: <see cref="CertificateBasis.Proven"/> for the library's problems,
/// <see cref="CertificateBasis.Asserted"/> for a user's problem that declares its constants proven
/// (valid exactly when they are), <see cref="CertificateBasis.Estimated"/> when the problem says
/// they are estimates (then Converged is not a proof).
/// </param>
public sealed record BilevelResult<TVector>(double[] Theta, TVector LowerSolution, HypergradientEstimate Final, SolverStatus Status, int Iterations,
    long LowerIterations, long AdjointIterations, int DescentRefinements, int BacktrackFailures, double Epsilon, double Delta,
    IReadOnlyList<BilevelStep> Steps, bool Certified, double StationarityTarget, CertificateBasis Certificate)
{
    /// <summary>True when the status and bounds are proofs on the library's own constants (<see cref="CertificateBasis.Proven"/>).</summary>
    public bool ProvenCertificate => Certificate == CertificateBasis.Proven;

    /// <summary>g(x̃) at the returned θ: the upper loss estimate (within ± ‖∇g‖ε + L_gε²/2 of the exact one).</summary>
    public double UpperLoss => Final.Lower.UpperLoss;

    /// <summary>Lower-level plus conjugate-gradient iterations: the cost measure of the MAID paper.</summary>
    public long TotalInnerIterations => LowerIterations + AdjointIterations;
}
