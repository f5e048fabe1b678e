using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// y ← d ⊙ x for a diagonal d held in vector storage. With d = 1/diag(A) it is the Jacobi
/// preconditioner of <see cref="ConjugateGradient{TVector}"/> (positive definite when every dᵢ &gt; 0).
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class DiagonalOperator<TVector> : ISymmetricOperator<TVector>
{
    private readonly IVectorArithmetic<TVector> _ops;
    private readonly TVector _diagonal;

    /// <summary>Wraps (does not copy) <paramref name="diagonal"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="diagonal"/> holds NaN or ∞.</exception>
    public DiagonalOperator(IVectorArithmetic<TVector> arithmetic, TVector diagonal)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        ArgumentNullException.ThrowIfNull(diagonal);
        if (!double.IsFinite(arithmetic.MaxAbs(diagonal))) throw new ArgumentException("diagonal contains a non-finite value.", nameof(diagonal));
        _ops = arithmetic;
        _diagonal = diagonal;
        Dimension = arithmetic.Length(diagonal);
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <inheritdoc />
    public void Apply(TVector x, TVector y) => _ops.Map(new MultiplyOperator(), _diagonal, x, y);
}
