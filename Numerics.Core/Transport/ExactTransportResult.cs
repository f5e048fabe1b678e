using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>The outcome of <see cref="ExactTransport"/>: an optimal (or, by the status, best reached) basic plan, its duals and their certificate.</summary>
/// <param name="Plan">
/// The plan: a basic solution, so at most m + n − 1 positive entries (zero-flow basic cells are not stored).
/// </param>
/// <param name="U">
/// Row potentials uᵢ, centred as POT's <c>ot.emd</c> does (Σaᵢuᵢ = Σbⱼvⱼ). Rows with aᵢ = 0 get
/// the tightest feasible value minⱼ(cᵢⱼ − vⱼ). On degenerate problems the potentials are not unique.
/// </param>
/// <param name="V">Column potentials vⱼ, centred likewise; columns with bⱼ = 0 get minᵢ(cᵢⱼ − uᵢ).</param>
/// <param name="Cost">⟨T, C⟩ of the returned plan.</param>
/// <param name="DualObjective">Σaᵢuᵢ + Σbⱼvⱼ: equal to <paramref name="Cost"/> at an optimum, a lower bound whenever the dual violation is 0.</param>
/// <param name="Status">
/// <see cref="SolverStatus.Converged"/> when the recomputed <paramref name="Certificate"/> holds at the
/// tolerance; <see cref="SolverStatus.Stalled"/> when no pivot improves the cost but the certificate
/// fails (rounding); <see cref="SolverStatus.MaxIterations"/>; <see cref="SolverStatus.Cancelled"/>;
/// <see cref="SolverStatus.Breakdown"/> when the potentials are not finite (costs near the overflow threshold).
/// </param>
/// <param name="Iterations">Pivots made.</param>
/// <param name="Certificate">The marginal, dual-feasibility and complementary-slackness violations, recomputed.</param>
/// <param name="InputMass">
/// Σa and Σb as passed. The solve works with a/Σa and b/Σb, like every transport solver
/// (<see cref="TransportInput"/>), and the certificate's marginal violations are measured against them.
/// </param>
public sealed record ExactTransportResult(CoordinatePlan Plan, double[] U, double[] V, double Cost, double DualObjective,
    SolverStatus Status, int Iterations, TransportCertificate Certificate, InputMass InputMass)
{
    /// <summary>True when <see cref="Status"/> is <see cref="SolverStatus.Converged"/>.</summary>
    public bool Converged => Status == SolverStatus.Converged;
}
