namespace Numerics.Transport;

/// <summary>
/// The totals Σaᵢ and Σbⱼ of the marginals as the caller passed them. Every transport solver works
/// with the normalised marginals a/Σa and b/Σb (<see cref="TransportProblem"/>, <see cref="TransportInput"/>),
/// and every marginal error it reports is measured against those.
/// </summary>
/// <remarks>
/// Σa and Σb may differ from 1 by up to <see cref="TransportInput.MassTolerance"/>; then U(a, b) as
/// passed is empty (no plan has row sums a and column sums b unless Σa = Σb), so no solver could meet
/// a tight tolerance against the raw vectors. Against them the error is larger by at most the
/// offset: ‖a/Σa − a‖₁ = |1 − Σa| exactly, so for any p-norm
/// ‖T·1 − a‖ₚ ≤ ‖T·1 − a/Σa‖ₚ + <see cref="SourceOffset"/> (and likewise for b).
/// </remarks>
/// <param name="Source">Σaᵢ of the source marginal as passed.</param>
/// <param name="Target">Σbⱼ of the target marginal as passed.</param>
public readonly record struct InputMass(double Source, double Target)
{
    /// <summary>|Σa − 1|: the most the row errors against the caller's a exceed the reported ones.</summary>
    public double SourceOffset => Math.Abs(Source - 1);

    /// <summary>|Σb − 1|: the most the column errors against the caller's b exceed the reported ones.</summary>
    public double TargetOffset => Math.Abs(Target - 1);
}
