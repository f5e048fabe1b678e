using Numerics.LinearAlgebra;

namespace Numerics.Optimization;

/// <summary>A column-major dense matrix as an <see cref="ILinearOperator"/>; products are GEMVs on the current backend.</summary>
public sealed class DenseOperator : ILinearOperator
{
    private readonly double[] _values;
    private readonly int _ld;

    /// <summary>Wraps (does not copy) the column-major rows×columns matrix in <paramref name="values"/> with leading dimension <paramref name="ld"/>.</summary>
    /// <exception cref="ArgumentException">The sizes do not fit the array.</exception>
    public DenseOperator(double[] values, int rows, int columns, int ld)
    {
        ArgumentNullException.ThrowIfNull(values);
        ShapeCheck.Dimension(rows, nameof(rows));
        ShapeCheck.Dimension(columns, nameof(columns));
        ShapeCheck.Matrix(values.Length, rows, columns, ld, nameof(values), nameof(ld));
        _values = values;
        Rows = rows;
        Columns = columns;
        _ld = ld;
    }

    /// <inheritdoc />
    public int Rows { get; }

    /// <inheritdoc />
    public int Columns { get; }

    /// <inheritdoc />
    public void Multiply(ReadOnlySpan<double> x, Span<double> y) =>
        LinearAlgebraBackend.Current.Gemv(Transpose.NoTranspose, Rows, Columns, 1.0, _values, _ld, x, 1, 0.0, y, 1);

    /// <inheritdoc />
    public void MultiplyTransposed(ReadOnlySpan<double> y, Span<double> x) =>
        LinearAlgebraBackend.Current.Gemv(Transpose.Transpose, Rows, Columns, 1.0, _values, _ld, y, 1, 0.0, x, 1);
}
