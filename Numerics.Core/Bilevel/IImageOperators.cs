namespace Numerics.Bilevel;

/// <summary>
/// The linear image operators of the denoising problems — the hot operations a device supplies —
/// on stacks of images in some vector storage. Element-wise potentials go through the
/// arithmetic's <c>Map</c>; reductions through its dots and norms.
/// </summary>
/// <remarks>
/// Each operator comes with its adjoint, so that ⟨Kx, y⟩ = ⟨x, Kᵀy⟩ holds to rounding; the tests
/// check it on every implementation.
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface IImageOperators<TVector>
{
    /// <summary>
    /// D: forward differences with a zero difference across the last column and row (Neumann
    /// boundary). <paramref name="differences"/> (length 2·P) receives first every horizontal
    /// difference x[n,i,j+1] − x[n,i,j], then every vertical one x[n,i+1,j] − x[n,i,j], in pixel order.
    /// ‖D‖₂² ≤ 8.
    /// </summary>
    void Differences(ImageShape shape, TVector images, TVector differences);

    /// <summary>Dᵀ: <paramref name="result"/> (length P) ← Dᵀ<paramref name="differences"/>.</summary>
    void DifferencesAdjoint(ImageShape shape, TVector differences, TVector result);

    /// <summary>
    /// K: "valid" 2-D correlation with a k×k filter (row-major): output (n, i, j) =
    /// Σ_{a,b} filter[a,b]·x[n, i+a, j+b] for i ≤ H − k, j ≤ W − k, stored as a stack of
    /// (H − k + 1) × (W − k + 1) images. ‖K‖₂ ≤ ‖filter‖₁.
    /// </summary>
    void Correlate(ImageShape shape, ReadOnlySpan<double> filter, int filterSize, TVector images, TVector result);

    /// <summary>Kᵀ: <paramref name="result"/> (a stack of <paramref name="shape"/>) ← the adjoint of <see cref="Correlate"/> applied to <paramref name="responses"/>.</summary>
    void CorrelateAdjoint(ImageShape shape, ReadOnlySpan<double> filter, int filterSize, TVector responses, TVector result);

    /// <summary>
    /// The gradient of ⟨K(e)·images, weights⟩ in the filter e: <paramref name="gradient"/>[a·k + b] ←
    /// Σ_{n,i,j} weights(n, i, j)·images[n, i+a, j+b] (k² scalars, so that
    /// ⟨K(e)x, r⟩ = ⟨e, gradient⟩ for every e).
    /// </summary>
    void CorrelationFilterGradient(ImageShape shape, int filterSize, TVector images, TVector weights, Span<double> gradient);
}
