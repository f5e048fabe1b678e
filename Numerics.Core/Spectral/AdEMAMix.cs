using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>
/// AdEMAMix: U = (m̂₁ + α_t·m₂)/(√v̂ + ε) with a fast EMA m₁ (bias-corrected), a slow EMA m₂ (β₃_t)
/// and, over the warmup T, α_t = α·t/T and β₃_t rising from β₁ to β₃ as in the reference code.
/// </summary>
public sealed class AdEMAMix : SpectralOptimizer
{
    private readonly AdEMAMixOptions _o;

    /// <summary>An AdEMAMix optimizer (defaults when <paramref name="options"/> is null).</summary>
    public AdEMAMix(AdEMAMixOptions? options = null) : base(options ?? new AdEMAMixOptions())
    {
        _o = options ?? new AdEMAMixOptions();
        if (!(_o.Beta1 is > 0 and < 1) || !(_o.Beta2 is >= 0 and < 1) || !(_o.Beta3 is > 0 and < 1) || !(_o.Alpha >= 0) || !(_o.Epsilon > 0) || _o.AlphaBetaWarmup < 0)
            throw new ArgumentException("Betas must lie in (0, 1), Alpha ≥ 0, Epsilon > 0 and AlphaBetaWarmup ≥ 0.", nameof(options));
    }
    private readonly Dictionary<string, (Matrix<double> M1, Matrix<double> M2, Matrix<double> V)> _state = [];

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

    /// <inheritdoc />
    protected override Matrix<double> Direction(string name, Matrix<double> g, int t)
    {
        if (!_state.TryGetValue(name, out var s)) _state[name] = s = (g * 0, g * 0, g * 0);
        double b3 = Beta3At(t);
        s.M1.Multiply(_o.Beta1, s.M1);
        s.M1.Add((1 - _o.Beta1) * g, s.M1);
        s.M2.Multiply(b3, s.M2);
        s.M2.Add((1 - b3) * g, s.M2);
        s.V.Multiply(_o.Beta2, s.V);
        s.V.Add((1 - _o.Beta2) * g.PointwiseMultiply(g), s.V);
        double c1 = 1 - Math.Pow(_o.Beta1, t), c2 = 1 - Math.Pow(_o.Beta2, t), alpha = AlphaAt(t);
        var numerator = s.M1 / c1 + alpha * s.M2;
        return numerator.Map2((n, v) => n / (Math.Sqrt(v / c2) + _o.Epsilon), s.V);
    }
}
