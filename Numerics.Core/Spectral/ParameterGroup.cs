namespace Numerics.Spectral;

/// <summary>
/// A set of parameters with their own learning rate, weight decay or post-clip level. The first
/// group in <see cref="OptimizerOptions.Groups"/> whose <see cref="Matches"/> accepts a parameter
/// supplies its settings; a setting left null, and every parameter no group matches, uses the
/// optimizer's options.
/// </summary>
/// <example>
/// No weight decay on biases and other vectors, a smaller rate on the embedding:
/// <code>
/// Groups = [ParameterGroup.Vectors() with { WeightDecay = 0 }, ParameterGroup.Named("embed", "embedding") with { LearningRate = 1e-4 }]
/// </code>
/// </example>
/// <param name="Name">A label, used in messages and in the options fingerprint.</param>
/// <param name="Matches">The predicate (parameter name, rows, cols) that selects the group's parameters.</param>
public sealed record ParameterGroup(string Name, Func<string, int, int, bool> Matches)
{
    /// <summary>Peak learning rate of the group (the warmup schedule scales it like the default one); null: the options'.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Decoupled weight decay λ of the group (0 excludes it from decay); null: the options'.</summary>
    public double? WeightDecay { get; init; }

    /// <summary>Post-clip level c of the group; null: <see cref="SpectraClipping.PostClip"/>. Ignored when the options have no <see cref="OptimizerOptions.Spectra"/>.</summary>
    public double? PostClip { get; init; }

    /// <summary>A group of the parameters with exactly these names (ordinal comparison).</summary>
    /// <param name="name">The group's label.</param>
    /// <param name="parameterNames">The parameter names.</param>
    public static ParameterGroup Named(string name, params string[] parameterNames)
    {
        ArgumentNullException.ThrowIfNull(parameterNames);
        var set = new HashSet<string>(parameterNames, StringComparer.Ordinal);
        return new ParameterGroup(name, (parameter, _, _) => set.Contains(parameter));
    }

    /// <summary>A group of every vector parameter (rows = 1 or cols = 1: biases, gains, 1×1 scalars).</summary>
    /// <param name="name">The group's label (default "vectors").</param>
    public static ParameterGroup Vectors(string name = "vectors") => new(name, (_, rows, cols) => rows == 1 || cols == 1);

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a field is null, NaN, infinite or out of range.</summary>
    /// <param name="paramName">The parameter to name.</param>
    /// <param name="defaultLearningRate">The options' learning rate, for the check η·λ &lt; 1.</param>
    /// <param name="defaultWeightDecay">The options' weight decay, for the check η·λ &lt; 1.</param>
    public void Validate(string paramName, double defaultLearningRate, double defaultWeightDecay)
    {
        if (Name is null) throw new ArgumentException("ParameterGroup.Name must not be null.", paramName);
        if (Matches is null) throw new ArgumentException($"ParameterGroup '{Name}' has no Matches predicate.", paramName);
        if (LearningRate is { } lr && (!(lr > 0) || !double.IsFinite(lr)))
            throw new ArgumentException($"ParameterGroup '{Name}': LearningRate must be positive and finite, got {lr}.", paramName);
        if (WeightDecay is { } wd && (!(wd >= 0) || !double.IsFinite(wd)))
            throw new ArgumentException($"ParameterGroup '{Name}': WeightDecay must be non-negative and finite, got {wd}.", paramName);
        if (PostClip is { } c && (!(c > 0) || !double.IsFinite(c)))
            throw new ArgumentException($"ParameterGroup '{Name}': PostClip must be positive and finite, got {c}.", paramName);
        double product = (LearningRate ?? defaultLearningRate) * (WeightDecay ?? defaultWeightDecay);
        if (!(product < 1))
            throw new ArgumentException($"ParameterGroup '{Name}': LearningRate·WeightDecay must be below 1, got {product}.", paramName);
    }
}
