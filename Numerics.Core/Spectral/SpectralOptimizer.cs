using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Spectral;

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
