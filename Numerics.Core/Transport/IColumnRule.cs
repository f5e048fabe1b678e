namespace Numerics.Transport;

/// <summary>
/// What a formulation does with one column of s = α − c_j once its top k entries are known: the
/// column's entries of the plan and its term of the objective. <see cref="ColumnSweep"/> calls it
/// once per column, from several threads on different columns.
/// </summary>
internal interface IColumnRule
{
    /// <summary>Entries of s at or below this value cannot enter column j of the plan (−∞: none is excluded).</summary>
    double Floor(int column);

    /// <summary>Entries more than this below the column's largest s cannot enter column j (+∞: none is excluded).</summary>
    double Band(int column);

    /// <summary>
    /// Writes column j's plan entries (rows and values, at most k, values positive) from its top
    /// entries of s in rank order, and returns how many; <paramref name="value"/> is the column's term.
    /// </summary>
    int Column(int column, ReadOnlySpan<double> sorted, ReadOnlySpan<int> rows, Span<int> planRows, Span<double> planValues, out double value);
}
