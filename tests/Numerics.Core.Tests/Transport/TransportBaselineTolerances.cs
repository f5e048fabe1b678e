namespace Numerics.Core.Tests.Transport;

/// <summary>The tolerances of the transport baseline tests, each with where it comes from.</summary>
internal static class TransportBaselineTolerances
{
    /// <summary>
    /// Two evaluations of an O(1) cost as sums of at most m + n − 1 ≤ 10⁴ products of masses ≤ 1
    /// and costs ≤ 1, in different orders: each differs from the exact sum by at most (m + n)·u,
    /// about 1e-12 at 10⁴ terms; 1e-11 covers both and the few roundings of the potentials.
    /// </summary>
    public const double CostAgreement = 1e-11;

    /// <summary>
    /// The solver's default certificate tolerance (ExactTransportOptions.DefaultTolerance): a test
    /// asserts that the reported certificate is at most this, after recomputing it itself.
    /// </summary>
    public const double Certificate = 1e-9;

    /// <summary>
    /// Sinkhorn's plan against a quantity it converged to with marginal tolerance τ: the plan moves
    /// by about τ per iteration near the fixed point (linear convergence), so entries and marginals
    /// agree to a small multiple of τ; 10τ.
    /// </summary>
    public static double SinkhornAgreement(double tolerance) => 10 * tolerance;

    /// <summary>
    /// The plan Tᵢⱼ recomputed as aᵢbⱼ·exp((fᵢ + gⱼ − cᵢⱼ)/ε) from the returned potentials: one
    /// exponential of an argument of size |x| ≤ 50 here, whose rounding of about |x|·u relative is
    /// amplified by exp; 1e-13 relative covers |x|·u·4 with room.
    /// </summary>
    public const double PlanFormula = 1e-13;
}
