namespace Numerics.Bilevel;

/// <summary>
/// Limits of the two inner solves of a hypergradient: FISTA on the lower level and conjugate
/// gradients on the adjoint system. Defaults are MAID's reference code's.
/// </summary>
public sealed record InnerSolveOptions
{
    /// <summary>FISTA iterations allowed per lower-level solve. Default 2000.</summary>
    public int LowerMaxIterations { get; init; } = 2000;

    /// <summary>Conjugate-gradient iterations allowed per adjoint solve. Default 2000.</summary>
    public int AdjointMaxIterations { get; init; } = 2000;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> when a limit is below 1.</summary>
    public void Validate(string paramName)
    {
        if (LowerMaxIterations < 1) throw new ArgumentException($"InnerSolveOptions.LowerMaxIterations must be at least 1, got {LowerMaxIterations}.", paramName);
        if (AdjointMaxIterations < 1) throw new ArgumentException($"InnerSolveOptions.AdjointMaxIterations must be at least 1, got {AdjointMaxIterations}.", paramName);
    }
}
