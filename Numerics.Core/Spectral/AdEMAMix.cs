namespace Numerics.Spectral;

/// <summary>
/// AdEMAMix: U = (m̂₁ + α_t·m₂)/(√v̂ + ε) with a fast EMA m₁ (bias-corrected), a slow EMA m₂ (β₃_t)
/// and, over the warmup T, α_t = α·t/T and β₃_t rising from β₁ to β₃ as in the reference code.
/// State: three moments (m₁, m₂, v) per parameter.
/// </summary>
public sealed class AdEMAMix : SpectralOptimizer
{
    private readonly AdEMAMixOptions _o;

    /// <summary>An AdEMAMix optimizer (defaults when <paramref name="options"/> is null).</summary>
    /// <exception cref="ArgumentException">An option is NaN, infinite or out of range (see <see cref="AdEMAMixOptions.Validate"/>).</exception>
    public AdEMAMix(AdEMAMixOptions? options = null) : base(options ?? new AdEMAMixOptions(), OptimizerKind.AdEMAMix, momentCount: 3)
    {
        _o = (AdEMAMixOptions)Options;
    }

    /// <summary>α_t = α·min(1, t/T).</summary>
    public double AlphaAt(int t) => _o.AlphaBetaWarmup == 0 ? _o.Alpha : _o.Alpha * Math.Min(1.0, (double)t / _o.AlphaBetaWarmup);

    /// <summary>β₃_t: the log-space interpolation from β₁ to β₃ of the reference implementation.</summary>
    public double Beta3At(int t)
    {
        if (_o.AlphaBetaWarmup == 0 || t >= _o.AlphaBetaWarmup) return _o.Beta3;
        double r = (double)t / _o.AlphaBetaWarmup;
        double logStart = Math.Log(_o.Beta1), logEnd = Math.Log(_o.Beta3);
        return Math.Min(Math.Exp(logStart * logEnd / ((1 - r) * logEnd + r * logStart)), _o.Beta3);
    }

    private protected override void Direction(ReadOnlySpan<double> g, int t, double[][] moments, Span<double> direction)
    {
        double[] m1 = moments[0], m2 = moments[1], v = moments[2];
        double b1 = _o.Beta1, b2 = _o.Beta2, b3 = Beta3At(t), eps = _o.Epsilon;
        double c1 = 1 - Math.Pow(b1, t), c2 = 1 - Math.Pow(b2, t), alpha = AlphaAt(t);
        for (int i = 0; i < g.Length; i++)
        {
            m1[i] = b1 * m1[i] + (1 - b1) * g[i];
            m2[i] = b3 * m2[i] + (1 - b3) * g[i];
            v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
            direction[i] = (m1[i] / c1 + alpha * m2[i]) / (Math.Sqrt(v[i] / c2) + eps);
        }
    }
}
