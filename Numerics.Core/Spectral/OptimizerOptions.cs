using System.Globalization;
using System.Text;

namespace Numerics.Spectral;

/// <summary>Hyper-parameters shared by the optimizers.</summary>
public abstract record OptimizerOptions
{
    /// <summary>Peak learning rate η &gt; 0. Default 2e-3 (the SPECTRA 160M runs).</summary>
    public double LearningRate { get; init; } = 2e-3;

    /// <summary>Decoupled weight decay λ ≥ 0: W ← (1 − η_tλ)W − η_t·(update), never clipped. η·λ must be below 1. Default 0.1.</summary>
    public double WeightDecay { get; init; } = 0.1;

    /// <summary>Linear warmup steps T: η_t = η·min(1, t/T) for step t = 1, 2, …; 0 means none. Default 0.</summary>
    public int WarmupSteps { get; init; }

    /// <summary>
    /// Global gradient-norm clip (the official runs: 0.5): when the ℓ₂ norm of all gradients together
    /// exceeds it, every gradient is multiplied by GradientClipNorm/norm. It acts after the pre-clip and
    /// before the moments, as in the official code (which also adds 1e-6 to the norm; this does not).
    /// Null (default) disables it.
    /// </summary>
    public double? GradientClipNorm { get; init; }

    /// <summary>SPECTRA post-processing and pre-clipping, or null for the plain optimizer. Default: soft post-clip at c = 5.</summary>
    public SpectraClipping? Spectra { get; init; } = new();

    /// <summary>Parameter groups with their own learning rate, decay or clip level; the first match wins. Default none.</summary>
    public IReadOnlyList<ParameterGroup> Groups { get; init; } = [];

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a field is NaN,
    /// infinite or out of range, or a group is null or invalid. Derived records add their own fields.
    /// </summary>
    public virtual void Validate(string paramName)
    {
        if (!(LearningRate > 0) || !double.IsFinite(LearningRate))
            throw new ArgumentException($"{GetType().Name}.LearningRate must be positive and finite, got {LearningRate}.", paramName);
        if (!(WeightDecay >= 0) || !double.IsFinite(WeightDecay))
            throw new ArgumentException($"{GetType().Name}.WeightDecay must be non-negative and finite, got {WeightDecay}.", paramName);
        if (!(LearningRate * WeightDecay < 1))
            throw new ArgumentException($"{GetType().Name}.LearningRate·WeightDecay must be below 1 (1 − ηλ is the weight's decay factor), got {LearningRate * WeightDecay}.", paramName);
        if (WarmupSteps < 0) throw new ArgumentException($"{GetType().Name}.WarmupSteps must be non-negative, got {WarmupSteps}.", paramName);
        if (GradientClipNorm is { } g && (!(g > 0) || !double.IsFinite(g)))
            throw new ArgumentException($"{GetType().Name}.GradientClipNorm must be positive and finite, got {g}.", paramName);
        Spectra?.Validate(paramName);
        if (Groups is null) throw new ArgumentException($"{GetType().Name}.Groups must not be null (use an empty list).", paramName);
        foreach (var group in Groups)
        {
            if (group is null) throw new ArgumentException($"{GetType().Name}.Groups holds a null group.", paramName);
            group.Validate(paramName, LearningRate, WeightDecay);
        }
    }

    /// <summary>
    /// The canonical text behind <see cref="SpectralOptimizer.OptionsFingerprint"/>: every numeric
    /// option (shared, optimizer-specific, SPECTRA, groups' labels and settings) in round-trip format.
    /// Newton–Schulz options and group predicates are not part of it.
    /// </summary>
    internal string FingerprintText()
    {
        var text = new StringBuilder();
        void Add(string key, object? value) => text.Append(key).Append('=').Append(Format(value)).Append(';');
        Add("lr", LearningRate);
        Add("wd", WeightDecay);
        Add("warmup", WarmupSteps);
        Add("gclip", GradientClipNorm);
        if (Spectra is { } s)
        {
            Add("post", s.PostClip);
            Add("pre", s.PreClip);
            Add("vectors", s.ClipVectors);
            Add("transform", s.Transform);
            Add("oscale", s.OrthogonalScale);
        }
        else Add("spectra", null);
        for (int i = 0; i < Groups.Count; i++)
        {
            var g = Groups[i];
            Add($"group{i}", g.Name);
            Add($"group{i}.lr", g.LearningRate);
            Add($"group{i}.wd", g.WeightDecay);
            Add($"group{i}.post", g.PostClip);
        }
        foreach (var (key, value) in SpecificOptions()) Add(key, value);
        return text.ToString();
    }

    /// <summary>The optimizer-specific options, as (key, value) pairs for the fingerprint.</summary>
    private protected abstract IEnumerable<(string Key, object Value)> SpecificOptions();

    private static string Format(object? value) => value switch
    {
        null => "null",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
