using Numerics.LinearAlgebra;

namespace Numerics.Optimization;

/// <summary>
/// Adam (Kingma–Ba) and AdamW (decoupled weight decay) on a flat parameter vector of fixed length,
/// holding the moment state between steps. Step t (1-based) updates
/// m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², and forms the direction
/// u = m̂/(√v̂ + ε) with m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ); <see cref="Step(Span{double}, ReadOnlySpan{double})"/>
/// then sets θ ← (1 − ηλ)·θ − η·u, as PyTorch's AdamW does.
/// </summary>
/// <remarks>
/// <see cref="Direction"/> exposes u without applying it, for optimizers that transform the
/// direction first (SPECTRA clips it spectrally). A rejected call changes neither the moments nor
/// the step count.
/// </remarks>
public sealed class Adam
{
    private readonly double[] _m;
    private readonly double[] _v;

    /// <summary>An optimizer for parameter vectors of <paramref name="length"/> elements, with zero moments.</summary>
    /// <param name="length">The number of parameters (≥ 0).</param>
    /// <param name="options">Hyper-parameters; null: the documented defaults.</param>
    /// <exception cref="ArgumentException">A negative length or an option out of range.</exception>
    public Adam(int length, AdamOptions? options = null)
    {
        if (length < 0) throw new ArgumentException($"length must be non-negative, got {length}.", nameof(length));
        options ??= new AdamOptions();
        options.Validate(nameof(options));
        Options = options;
        _m = new double[length];
        _v = new double[length];
    }

    /// <summary>The hyper-parameters.</summary>
    public AdamOptions Options { get; }

    /// <summary>The number of parameters.</summary>
    public int Length => _m.Length;

    /// <summary>Steps taken (directions formed) so far; the bias corrections use this count.</summary>
    public int StepCount { get; private set; }

    /// <summary>The first moment m (biased EMA of the gradients).</summary>
    public ReadOnlySpan<double> FirstMoment => _m;

    /// <summary>The second moment v (biased EMA of the squared gradients).</summary>
    public ReadOnlySpan<double> SecondMoment => _v;

    /// <summary>
    /// Advances the step count, updates the moments with <paramref name="gradient"/> and writes the
    /// bias-corrected direction m̂/(√v̂ + ε) into <paramref name="direction"/> (parameters untouched).
    /// </summary>
    /// <exception cref="ArgumentException">A length differs from <see cref="Length"/> or the gradient holds NaN/∞ or an entry above <see cref="MaxGradient"/>.</exception>
    public void Direction(ReadOnlySpan<double> gradient, Span<double> direction)
    {
        CheckGradient(gradient);
        if (direction.Length != Length) throw new ArgumentException($"direction has length {direction.Length}; the optimizer has {Length}.", nameof(direction));
        Advance(gradient, direction, 0.0, 0.0);
    }

    /// <summary>One AdamW step with the options' learning rate: θ ← (1 − ηλ)·θ − η·m̂/(√v̂ + ε).</summary>
    /// <exception cref="ArgumentException">A length differs from <see cref="Length"/>, or the parameters or gradient hold NaN/∞ (or a gradient entry above <see cref="MaxGradient"/>).</exception>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradient) => Step(parameters, gradient, Options.LearningRate);

    /// <summary>
    /// One AdamW step with learning rate <paramref name="learningRate"/> in place of the options'
    /// (for schedules): θ ← (1 − ηλ)·θ − η·m̂/(√v̂ + ε).
    /// </summary>
    /// <exception cref="ArgumentException">A length differs from <see cref="Length"/>, the parameters or gradient hold NaN/∞ (or a gradient entry above <see cref="MaxGradient"/>), or η is not positive and finite or ηλ ≥ 1.</exception>
    public void Step(Span<double> parameters, ReadOnlySpan<double> gradient, double learningRate)
    {
        if (!(learningRate > 0) || !double.IsFinite(learningRate))
            throw new ArgumentException($"learningRate must be positive and finite, got {learningRate}.", nameof(learningRate));
        if (learningRate * Options.WeightDecay >= 1)
            throw new ArgumentException($"learningRate·WeightDecay must be below 1, got {learningRate * Options.WeightDecay}.", nameof(learningRate));
        CheckGradient(gradient);
        if (parameters.Length != Length) throw new ArgumentException($"parameters has length {parameters.Length}; the optimizer has {Length}.", nameof(parameters));
        DenseStorage.RequireFinite<double>(parameters, nameof(parameters));
        Advance(gradient, parameters, learningRate, Options.WeightDecay);
    }

    private void CheckGradient(ReadOnlySpan<double> gradient)
    {
        if (gradient.Length != Length) throw new ArgumentException($"gradient has length {gradient.Length}; the optimizer has {Length}.", nameof(gradient));
        DenseStorage.RequireFinite(gradient, nameof(gradient));
        // g² enters the second moment: beyond √MaxValue it is +∞, and v stays ∞ for good (β₂·∞ = ∞),
        // freezing that coordinate silently. Such a gradient is refused instead.
        if (Arithmetic.SpanArithmetic.MaxAbs(gradient) > MaxGradient)
            throw new ArgumentException($"gradient has an entry above {MaxGradient:E2} in magnitude, whose square overflows the second moment.", nameof(gradient));
    }

    /// <summary>The largest gradient entry whose square is finite, √double.MaxValue ≈ 1.34e154.</summary>
    public static readonly double MaxGradient = Math.Sqrt(double.MaxValue);

    /// <summary>
    /// The one loop both entry points share. η = 0 writes the direction into <paramref name="target"/>;
    /// η &gt; 0 applies it to the parameters in <paramref name="target"/>. Inputs are checked already.
    /// </summary>
    private void Advance(ReadOnlySpan<double> g, Span<double> target, double eta, double lambda)
    {
        int t = ++StepCount;
        double b1 = Options.Beta1, b2 = Options.Beta2, eps = Options.Epsilon;
        double c1 = 1 - Math.Pow(b1, t), c2 = 1 - Math.Pow(b2, t);
        double keep = 1 - eta * lambda;
        for (int i = 0; i < g.Length; i++)
        {
            double m = _m[i] = b1 * _m[i] + (1 - b1) * g[i];
            double v = _v[i] = b2 * _v[i] + (1 - b2) * g[i] * g[i];
            double u = m / c1 / (Math.Sqrt(v / c2) + eps);
            target[i] = eta == 0 ? u : keep * target[i] - eta * u;
        }
    }
}
