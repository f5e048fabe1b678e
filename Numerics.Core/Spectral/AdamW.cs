namespace Numerics.Spectral;

/// <summary>
/// AdamW: U = m̂/(√v̂ + ε) with m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g² and the bias corrections
/// m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), per parameter over its column-major values (the same
/// arithmetic as <see cref="Optimization.Adam"/>). Decay, clipping and the step are
/// <see cref="SpectralOptimizer"/>'s. State: two moments (m, v) per parameter.
/// </summary>
public sealed class AdamW : SpectralOptimizer
{
    private readonly double _beta1, _beta2, _epsilon;

    /// <summary>An AdamW optimizer (defaults when <paramref name="options"/> is null).</summary>
    /// <exception cref="ArgumentException">An option is NaN, infinite or out of range (see <see cref="AdamWOptions.Validate"/>).</exception>
    public AdamW(AdamWOptions? options = null) : base(options ?? new AdamWOptions(), OptimizerKind.AdamW, momentCount: 2)
    {
        var o = (AdamWOptions)Options;
        (_beta1, _beta2, _epsilon) = (o.Beta1, o.Beta2, o.Epsilon);
    }

    private protected override void Direction(ReadOnlySpan<double> g, int t, double[][] moments, Span<double> direction)
    {
        double[] m = moments[0], v = moments[1];
        double b1 = _beta1, b2 = _beta2, c1 = 1 - Math.Pow(b1, t), c2 = 1 - Math.Pow(b2, t);
        for (int i = 0; i < g.Length; i++)
        {
            double mi = m[i] = b1 * m[i] + (1 - b1) * g[i];
            double vi = v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            direction[i] = mi / c1 / (Math.Sqrt(vi / c2) + _epsilon);
        }
    }
}
