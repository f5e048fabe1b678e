namespace Numerics.Optimization;

/// <summary>
/// A square <see cref="ILinearOperator"/> taken as symmetric, so that host conjugate gradients can
/// run on it: <see cref="Apply"/> is <see cref="ILinearOperator.Multiply"/>. Symmetry is the
/// caller's promise; it is not checked (that would cost n products).
/// </summary>
public sealed class SymmetricLinearOperator : ISymmetricOperator<double[]>
{
    private readonly ILinearOperator _a;

    /// <summary>Wraps <paramref name="a"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="a"/> is not square.</exception>
    public SymmetricLinearOperator(ILinearOperator a)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Rows != a.Columns) throw new ArgumentException($"A symmetric operator must be square; a is {a.Rows}×{a.Columns}.", nameof(a));
        _a = a;
    }

    /// <inheritdoc />
    public int Dimension => _a.Columns;

    /// <inheritdoc />
    public void Apply(double[] x, double[] y) => _a.Multiply(x, y);
}
