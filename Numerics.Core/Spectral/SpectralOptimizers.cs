using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Spectral;

/// <summary>
/// SPECTRA clipping settings of an optimizer: post-clipping of the update direction and optional
/// pre-clipping of the gradients.
/// </summary>
public sealed record SpectraClipping
{
    /// <summary>
    /// Post-clip level c &gt; 0 (the paper's runs: 5): the update direction U of every parameter is
    /// replaced by s·H_{c_t}(U) with s = √max(1, rows/cols). Null disables post-clipping.
    /// </summary>
    public double? PostClip { get; init; } = 5.0;

    /// <summary>Pre-clip level c_pre (the paper: 0.1): gradients g ← H_{c_pre}(g) before the moments. Null (default) disables it.</summary>
    public double? PreClip { get; init; }

    /// <summary>Clip vectors (n×1 parameters) too, as the paper's apply_to = all. Default true.</summary>
    public bool ClipVectors { get; init; } = true;

    /// <summary>Newton–Schulz options of the clip (default: the adaptive schedule to 1e-12).</summary>
    public NewtonSchulzOptions NewtonSchulz { get; init; } = new();
}

/// <summary>Hyper-parameters shared by the optimizers.</summary>
public abstract record OptimizerOptions
{
    /// <summary>Peak learning rate η.</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Decoupled weight decay λ: W ← (1 − ηλ)W − η·(update). Default 0.1.</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Linear warmup steps: η_t = η·min(1, t/WarmupSteps) for step t = 1, 2, …. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>SPECTRA clipping, or null for the plain optimizer.</summary>
    public SpectraClipping? Spectra { get; init; } = new();
}

/// <summary>AdamW hyper-parameters; defaults are the SPECTRA 160M runs (lr 2e-3, β = (0.8, 0.999), ε = 1e-8, λ = 0.1).</summary>
public sealed record AdamWOptions : OptimizerOptions
{
    /// <summary>First-moment decay β₁. Default 0.8.</summary>
    public double Beta1 { get; init; } = 0.8;

    /// <summary>Second-moment decay β₂. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>ε in the denominator. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;
}

/// <summary>Signum with Nesterov momentum; defaults are the SPECTRA runs (β = 0.95, lr 2e-3, λ = 0.1).</summary>
public sealed record SignumOptions : OptimizerOptions
{
    /// <summary>Momentum β. Default 0.95.</summary>
    public double Momentum { get; init; } = 0.95;
}

/// <summary>AdEMAMix; defaults are the SPECTRA runs (β = (0.9, 0.999), β₃ = 0.999, α = 8, λ = 0.1).</summary>
public sealed record AdEMAMixOptions : OptimizerOptions
{
    /// <summary>Fast EMA decay β₁. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Second-moment decay β₂. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Slow EMA decay β₃. Default 0.999.</summary>
    public double Beta3 { get; init; } = 0.999;

    /// <summary>Weight α of the slow EMA. Default 8.</summary>
    public double Alpha { get; init; } = 8;

    /// <summary>Warmup T of α and β₃ (0: none). Default 0.</summary>
    public int AlphaBetaWarmup { get; init; }

    /// <summary>ε. Default 1e-8.</summary>
    public double Epsilon { get; init; } = 1e-8;
}

/// <summary>
/// An optimizer over named parameter matrices (vectors are n×1), with decoupled weight decay and
/// optional SPECTRA clipping: W ← (1 − η_tλ)·W − η_t·s·H_{c_t}(U), where U is the base
/// optimizer's direction, s = √max(1, rows/cols) and c_t = c·η/η_t during warmup (so η_t·c_t stays
/// constant), c after. Weight decay is never clipped. Hence ‖W‖₂ ≤ max(‖W₀‖₂, s·c/λ) after warmup.
/// </summary>
public abstract class SpectralOptimizer
{
    private readonly OptimizerOptions _options;

    /// <summary>Validates the shared options.</summary>
    protected SpectralOptimizer(OptimizerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.LearningRate > 0) || !double.IsFinite(options.LearningRate)) throw new ArgumentException($"LearningRate must be positive, got {options.LearningRate}.", nameof(options));
        if (!(options.WeightDecay >= 0) || options.WeightDecay * options.LearningRate > 1) throw new ArgumentException($"WeightDecay must be in [0, 1/LearningRate], got {options.WeightDecay}.", nameof(options));
        if (options.WarmupSteps < 0) throw new ArgumentException($"WarmupSteps must be non-negative, got {options.WarmupSteps}.", nameof(options));
        if (options.Spectra is { PostClip: { } c } && !(c > 0)) throw new ArgumentException($"PostClip must be positive, got {c}.", nameof(options));
        if (options.Spectra is { PreClip: { } p } && !(p > 0)) throw new ArgumentException($"PreClip must be positive, got {p}.", nameof(options));
        _options = options;
    }

    /// <summary>Steps taken.</summary>
    public int StepCount { get; private set; }

    /// <summary>The learning rate of step t (1-based).</summary>
    public double LearningRateAt(int t) => _options.WarmupSteps == 0 ? _options.LearningRate : _options.LearningRate * Math.Min(1.0, (double)t / _options.WarmupSteps);

    /// <summary>The post-clip level of step t: c·η/η_t during warmup, c after.</summary>
    public double ClipLevelAt(int t) => _options.Spectra?.PostClip is { } c ? c * _options.LearningRate / LearningRateAt(t) : double.PositiveInfinity;

    /// <summary>
    /// One step: updates every parameter in place from its gradient. Every parameter must have a
    /// gradient of the same shape; parameters are visited in name order.
    /// </summary>
    /// <exception cref="ArgumentException">A gradient is missing, mis-shaped or non-finite (nothing is updated then).</exception>
    public void Step(IReadOnlyDictionary<string, Matrix<double>> parameters, IReadOnlyDictionary<string, Matrix<double>> gradients)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(gradients);
        foreach (var (name, w) in parameters)
        {
            if (!gradients.TryGetValue(name, out var g)) throw new ArgumentException($"No gradient for parameter '{name}'.", nameof(gradients));
            if (g.RowCount != w.RowCount || g.ColumnCount != w.ColumnCount)
                throw new ArgumentException($"Gradient '{name}' is {g.RowCount}×{g.ColumnCount}; the parameter is {w.RowCount}×{w.ColumnCount}.", nameof(gradients));
            LinearAlgebra.DenseStorage.RequireFinite(g, nameof(gradients), allowEmpty: true);
        }
        int t = ++StepCount;
        double eta = LearningRateAt(t);
        var spectra = _options.Spectra;
        foreach (var name in parameters.Keys.Order(StringComparer.Ordinal))
        {
            var w = parameters[name];
            var g = gradients[name];
            if (spectra?.PreClip is { } cPre && Clips(w, spectra)) g = Clip(g, cPre, spectra);
            var u = Direction(name, g, t);
            if (spectra?.PostClip is not null && Clips(w, spectra))
            {
                double s = Math.Sqrt(Math.Max(1.0, (double)w.RowCount / w.ColumnCount));
                u = s * Clip(u, ClipLevelAt(t), spectra);
            }
            // W ← (1 − ηλ)W − ηU, in place.
            w.Multiply(1 - eta * _options.WeightDecay, w);
            w.Subtract(eta * u, w);
        }
    }

    private static bool Clips(Matrix<double> w, SpectraClipping spectra) => spectra.ClipVectors || (w.RowCount > 1 && w.ColumnCount > 1);

    private static Matrix<double> Clip(Matrix<double> x, double c, SpectraClipping spectra) =>
        SpectralClip.Apply(SpectralMode.Soft, x, c, new SpectralClipOptions { NewtonSchulz = spectra.NewtonSchulz }).Value;

    /// <summary>The base optimizer's update direction U for one parameter at step t (state kept per name).</summary>
    protected abstract Matrix<double> Direction(string name, Matrix<double> gradient, int t);
}

/// <summary>AdamW: U = m̂/(√v̂ + ε) with bias-corrected EMAs.</summary>
public sealed class AdamW : SpectralOptimizer
{
    private readonly AdamWOptions _o;

    /// <summary>An AdamW optimizer (defaults when <paramref name="options"/> is null).</summary>
    public AdamW(AdamWOptions? options = null) : base(options ?? new AdamWOptions())
    {
        _o = options ?? new AdamWOptions();
        if (!(_o.Beta1 is >= 0 and < 1) || !(_o.Beta2 is >= 0 and < 1) || !(_o.Epsilon > 0))
            throw new ArgumentException("Beta1 and Beta2 must lie in [0, 1) and Epsilon must be positive.", nameof(options));
    }
    private readonly Dictionary<string, (Matrix<double> M, Matrix<double> V)> _state = [];

    /// <inheritdoc />
    protected override Matrix<double> Direction(string name, Matrix<double> g, int t)
    {
        if (!_state.TryGetValue(name, out var s)) _state[name] = s = (g * 0, g * 0);
        s.M.Multiply(_o.Beta1, s.M);
        s.M.Add((1 - _o.Beta1) * g, s.M);
        s.V.Multiply(_o.Beta2, s.V);
        s.V.Add((1 - _o.Beta2) * g.PointwiseMultiply(g), s.V);
        double c1 = 1 - Math.Pow(_o.Beta1, t), c2 = 1 - Math.Pow(_o.Beta2, t);
        return s.M.Map2((m, v) => m / c1 / (Math.Sqrt(v / c2) + _o.Epsilon), s.V);
    }
}

/// <summary>Signum with Nesterov momentum: m ← βm + g, U = sign(g + βm).</summary>
public sealed class Signum : SpectralOptimizer
{
    private readonly SignumOptions _o;

    /// <summary>A Signum optimizer (defaults when <paramref name="options"/> is null).</summary>
    public Signum(SignumOptions? options = null) : base(options ?? new SignumOptions())
    {
        _o = options ?? new SignumOptions();
        if (!(_o.Momentum is >= 0 and < 1)) throw new ArgumentException($"Momentum must lie in [0, 1), got {_o.Momentum}.", nameof(options));
    }
    private readonly Dictionary<string, Matrix<double>> _momentum = [];

    /// <inheritdoc />
    protected override Matrix<double> Direction(string name, Matrix<double> g, int t)
    {
        if (!_momentum.TryGetValue(name, out var m)) _momentum[name] = m = g * 0;
        m.Multiply(_o.Momentum, m);
        m.Add(g, m);
        return (g + _o.Momentum * m).Map(v => (double)Math.Sign(v));
    }
}

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
