namespace Numerics.Optimization;

/// <summary>
/// Options of <see cref="ConjugateGradient{TVector}"/>. <see cref="IterativeOptions.Tolerance"/> is
/// relative: the solve converges when ‖b − A·x‖₂ ≤ Tolerance·‖b‖₂ at the returned x (default 1e-10);
/// <see cref="IterativeOptions.MaxIterations"/> defaults to 10·n (SciPy's <c>cg</c> default), at
/// least 10.
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed record ConjugateGradientOptions<TVector> : IterativeOptions
{
    /// <summary>The relative tolerance used when <see cref="IterativeOptions.Tolerance"/> is null.</summary>
    public const double DefaultTolerance = 1e-10;

    /// <summary>Iterations per unknown used when <see cref="IterativeOptions.MaxIterations"/> is null.</summary>
    public const int DefaultIterationsPerUnknown = 10;

    /// <summary>
    /// A symmetric positive definite preconditioner, given as the operator that applies M⁻¹ (for
    /// Jacobi, division by diag(A)). Null (default): none.
    /// </summary>
    public ISymmetricOperator<TVector>? Preconditioner { get; init; }

    /// <summary>The iteration limit for an n-unknown system: the options' value or the default.</summary>
    public int IterationLimit(int n) => MaxIterations ?? Math.Max(10, DefaultIterationsPerUnknown * n);
}
