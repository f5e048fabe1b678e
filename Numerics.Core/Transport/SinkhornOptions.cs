using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Options of <see cref="SinkhornTransport"/>, with POT's <c>ot.sinkhorn</c> defaults.
/// <see cref="IterativeOptions.Tolerance"/> bounds the marginal error ‖Tᵀ·1 − b‖₂ (POT's stopThr; the
/// row marginals are exact after each iteration's row update) and, for the final status, also
/// ‖T·1 − a‖₂, both recomputed from the returned plan; null means <see cref="DefaultTolerance"/>.
/// <see cref="IterativeOptions.MaxIterations"/> counts iterations (one column and one row update);
/// null means <see cref="DefaultMaxIterations"/>. One progress record per iteration: the dual
/// objective Σaᵢfᵢ + Σbⱼgⱼ and the column error.
/// </summary>
public sealed record SinkhornOptions : IterativeOptions
{
    /// <summary>POT's <c>stopThr</c>, 1e-9.</summary>
    public const double DefaultTolerance = 1e-9;

    /// <summary>POT's <c>numItermax</c>, 1000.</summary>
    public const int DefaultMaxIterations = 1000;

    /// <summary>
    /// The most threads the column and row updates use; null means all processors. Every potential
    /// is computed by one thread in a fixed order, so the bits do not depend on this value.
    /// </summary>
    public int? MaxDegreeOfParallelism { get; init; }

    /// <inheritdoc />
    /// <remarks>Also rejects a <see cref="MaxDegreeOfParallelism"/> below 1.</remarks>
    public override void Validate(string paramName)
    {
        base.Validate(paramName);
        if (MaxDegreeOfParallelism is < 1)
            throw new ArgumentException($"MaxDegreeOfParallelism must be at least 1, got {MaxDegreeOfParallelism}.", paramName);
    }
}
