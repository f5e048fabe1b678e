using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Transport;

/// <summary>
/// A sparse transport plan T (m×n) stored as coordinate triples: entry k is
/// T[<see cref="RowIndices"/>[k], <see cref="ColumnIndices"/>[k]] = <see cref="Values"/>[k]. Entries are
/// sorted by column, then by row, each (row, column) appears at most once, and every entry not
/// listed is an exact zero.
/// </summary>
/// <param name="Rows">m, the number of sources.</param>
/// <param name="Columns">n, the number of targets.</param>
/// <param name="RowIndices">The row of each stored entry.</param>
/// <param name="ColumnIndices">The column of each stored entry.</param>
/// <param name="Values">The mass of each stored entry (positive).</param>
public sealed record CoordinatePlan(int Rows, int Columns, int[] RowIndices, int[] ColumnIndices, double[] Values)
{
    /// <summary>The number of stored entries.</summary>
    public int Count => Values.Length;

    /// <summary>The plan as a dense m×n matrix.</summary>
    public Matrix<double> ToDense()
    {
        var dense = Matrix<double>.Build.Dense(Rows, Columns);
        for (int k = 0; k < Values.Length; k++) dense[RowIndices[k], ColumnIndices[k]] = Values[k];
        return dense;
    }

    /// <summary>T·1, the mass leaving each source, summed in entry order.</summary>
    public double[] RowSums()
    {
        var sums = new double[Rows];
        for (int k = 0; k < Values.Length; k++) sums[RowIndices[k]] += Values[k];
        return sums;
    }

    /// <summary>Tᵀ·1, the mass reaching each target, summed in entry order.</summary>
    public double[] ColumnSums()
    {
        var sums = new double[Columns];
        for (int k = 0; k < Values.Length; k++) sums[ColumnIndices[k]] += Values[k];
        return sums;
    }

    /// <summary>⟨T, C⟩ for a column-major m×n cost, summed in entry order.</summary>
    /// <exception cref="ArgumentException">The cost does not hold m·n values.</exception>
    public double Cost(ReadOnlySpan<double> cost)
    {
        if (cost.Length != (long)Rows * Columns)
            throw new ArgumentException($"The cost must hold {Rows}×{Columns} values, got {cost.Length}.", nameof(cost));
        double total = 0;
        for (int k = 0; k < Values.Length; k++) total += Values[k] * cost[RowIndices[k] + ColumnIndices[k] * Rows];
        return total;
    }

    /// <summary>
    /// The same plan in the column-compressed form every sparse solver returns (<see cref="TransportPlan"/>):
    /// the entries are already sorted by column, then row, so only the column pointers are built.
    /// </summary>
    public TransportPlan ToTransportPlan()
    {
        var pointers = new int[Columns + 1];
        foreach (int j in ColumnIndices) pointers[j + 1]++;
        for (int j = 0; j < Columns; j++) pointers[j + 1] += pointers[j];
        return new TransportPlan(Rows, Columns, pointers, (int[])RowIndices.Clone(), (double[])Values.Clone());
    }

    /// <summary>A plan from unsorted triples (row, column, value): sorts them by column, then row.</summary>
    internal static CoordinatePlan FromTriples(int rows, int columns, List<(int Row, int Column, double Value)> entries)
    {
        entries.Sort((x, y) => x.Column != y.Column ? x.Column.CompareTo(y.Column) : x.Row.CompareTo(y.Row));
        var r = new int[entries.Count];
        var c = new int[entries.Count];
        var v = new double[entries.Count];
        for (int k = 0; k < entries.Count; k++) (r[k], c[k], v[k]) = entries[k];
        return new CoordinatePlan(rows, columns, r, c, v);
    }
}
