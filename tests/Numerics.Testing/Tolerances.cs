namespace Numerics.Testing;

/// <summary>
/// Every tolerance the suites use, in one place, each with where it comes from. A test that needs
/// a looser value than one listed here adds a new, justified constant instead of loosening one.
/// </summary>
public static class Tolerances
{
    /// <summary>Unit round-off of double, 2⁻⁵³.</summary>
    public const double DoubleEpsilon = 1.1102230246251565e-16;

    /// <summary>Unit round-off of float, 2⁻²⁴.</summary>
    public const double SingleEpsilon = 5.9604644775390625e-8;

    /// <summary>
    /// Element-wise host reductions (dot, norm, row and column sums) of length ≤ 10⁴ against a
    /// naive double loop: γ_n·Σ|xᵢyᵢ| with n ≈ 10⁴ is about 1e-12 relative; 1e-12 leaves no slack
    /// for a wrong summation order to hide in (a wrong element would be off by O(1)).
    /// </summary>
    public const double Reduction = 1e-12;
}
