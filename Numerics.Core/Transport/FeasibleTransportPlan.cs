namespace Numerics.Transport;

/// <summary>
/// A plan that is feasible for the sparsity-constrained primal (in U(a, b) up to the rounding of its
/// sums, with at most k non-zeros per column), so that its primal value bounds the optimum from above.
/// </summary>
/// <param name="Plan">The plan.</param>
/// <param name="Source">How it was obtained.</param>
/// <param name="Cost">⟨T, C⟩.</param>
/// <param name="RegularizedCost">⟨T, C⟩ + (γ/2)‖T‖²: an upper bound on the optimal value P_k.</param>
/// <param name="RowMarginalError">Σᵢ |(T·1)ᵢ − aᵢ| against the normalised a: rounding level, at most <see cref="FeasibilityTolerance"/>.</param>
/// <param name="ColumnMarginalError">Σⱼ |(Tᵀ·1)ⱼ − bⱼ| against the normalised b, likewise.</param>
public sealed record FeasibleTransportPlan(TransportPlan Plan, FeasiblePlanSource Source, double Cost, double RegularizedCost,
    double RowMarginalError, double ColumnMarginalError)
{
    /// <summary>
    /// The total marginal error up to which an m×n plan counts as feasible: 4·(m + n)·u. Each row and
    /// column sum of a plan built to meet the marginals carries the rounding of at most max(m, n)
    /// additions of masses summing to at most 1, so the ℓ₁ errors stay below (m + n)·u each; the
    /// factor 4 leaves room for the scalings that built the entries.
    /// </summary>
    public static double FeasibilityTolerance(int rows, int columns) => 4.0 * ((double)rows + columns) * UnitRoundoff;

    /// <summary>u = 2⁻⁵², the spacing of doubles at 1.</summary>
    private const double UnitRoundoff = 2.220446049250313e-16;
}
