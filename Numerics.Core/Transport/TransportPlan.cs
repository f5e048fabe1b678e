using MathNet.Numerics.LinearAlgebra;
using Numerics.LinearAlgebra;

namespace Numerics.Transport;

/// <summary>
/// A transport plan T ∈ ℝ₊^{m×n} (sources are rows, targets are columns) stored column by column
/// (compressed sparse columns): the entries of column j are <c>Values[p]</c> at rows
/// <c>RowIndices[p]</c> for p in [<c>ColumnPointers[j]</c>, <c>ColumnPointers[j + 1]</c>).
/// Every transport solver of the library returns its plan in this form.
/// </summary>
/// <remarks>
/// <para>
/// The storage is canonical: within a column the row indices are strictly increasing, and every
/// stored value is finite and non-negative. Entries that are not stored are exact zeros. A solver
/// stores only the positive entries it computes, so <see cref="NonZerosInColumn"/> of a
/// sparsity-constrained plan is at most k.
/// </para>
/// <para>
/// The plan is immutable: the constructor copies nothing, so the arrays handed to it must not be
/// changed afterwards; the accessors hand out read-only views.
/// </para>
/// </remarks>
public sealed class TransportPlan
{
    private readonly int[] _columnPointers;
    private readonly int[] _rowIndices;
    private readonly double[] _values;

    /// <summary>
    /// The canonical plan (rows increasing within each column) of per-column slots: column j holds
    /// counts[j] entries at [j·slots, j·slots + counts[j]) of <paramref name="planRows"/> and <paramref name="planValues"/>.
    /// </summary>
    internal static TransportPlan FromSlots(int rows, int columns, int slots, ReadOnlySpan<int> counts, ReadOnlySpan<int> planRows, ReadOnlySpan<double> planValues)
    {
        var pointers = new int[columns + 1];
        for (int j = 0; j < columns; j++) pointers[j + 1] = pointers[j] + counts[j];
        var rowIndices = new int[pointers[columns]];
        var values = new double[rowIndices.Length];
        for (int j = 0; j < columns; j++)
        {
            int count = counts[j];
            planRows.Slice(j * slots, count).CopyTo(rowIndices.AsSpan(pointers[j]));
            planValues.Slice(j * slots, count).CopyTo(values.AsSpan(pointers[j]));
            rowIndices.AsSpan(pointers[j], count).Sort(values.AsSpan(pointers[j], count));
        }
        return new TransportPlan(rows, columns, pointers, rowIndices, values);
    }

    /// <summary>A plan of <paramref name="rows"/>×<paramref name="columns"/> from its compressed-column arrays (taken over, not copied).</summary>
    /// <param name="rows">m, the number of sources.</param>
    /// <param name="columns">n, the number of targets.</param>
    /// <param name="columnPointers">n + 1 offsets, starting at 0, non-decreasing, ending at the entry count.</param>
    /// <param name="rowIndices">The row of each entry, in [0, m), strictly increasing within each column.</param>
    /// <param name="values">The value of each entry, finite and non-negative.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is negative.</exception>
    /// <exception cref="ArgumentException">The arrays do not describe a canonical plan of that shape (the message says where).</exception>
    public TransportPlan(int rows, int columns, int[] columnPointers, int[] rowIndices, double[] values)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        ArgumentNullException.ThrowIfNull(columnPointers);
        ArgumentNullException.ThrowIfNull(rowIndices);
        ArgumentNullException.ThrowIfNull(values);
        if (columnPointers.Length != columns + 1)
            throw new ArgumentException($"columnPointers has length {columnPointers.Length}; a plan with {columns} columns needs {columns + 1}.", nameof(columnPointers));
        if (rowIndices.Length != values.Length)
            throw new ArgumentException($"rowIndices has length {rowIndices.Length} but values has {values.Length}.", nameof(rowIndices));
        if (columnPointers[0] != 0 || columnPointers[columns] != values.Length)
            throw new ArgumentException($"columnPointers must start at 0 and end at the entry count {values.Length}.", nameof(columnPointers));
        for (int j = 0; j < columns; j++)
            if (columnPointers[j + 1] < columnPointers[j]) throw new ArgumentException($"columnPointers decreases at column {j}.", nameof(columnPointers));
        for (int j = 0; j < columns; j++)
        {
            int start = columnPointers[j], end = columnPointers[j + 1];
            for (int p = start; p < end; p++)
            {
                int i = rowIndices[p];
                if ((uint)i >= (uint)rows) throw new ArgumentException($"rowIndices[{p}] = {i} lies outside [0, {rows}).", nameof(rowIndices));
                if (p > start && i <= rowIndices[p - 1])
                    throw new ArgumentException($"rowIndices must increase strictly within a column; column {j} has {rowIndices[p - 1]} then {i}.", nameof(rowIndices));
                if (!(values[p] >= 0) || !double.IsFinite(values[p]))
                    throw new ArgumentException($"values[{p}] = {values[p]}; a plan's entries are finite and non-negative.", nameof(values));
            }
        }
        Rows = rows;
        Columns = columns;
        _columnPointers = columnPointers;
        _rowIndices = rowIndices;
        _values = values;
    }

    /// <summary>The plan holding the non-zero entries of a dense non-negative matrix.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="dense"/> is null.</exception>
    /// <exception cref="ArgumentException">An entry is negative, NaN or infinite.</exception>
    public static TransportPlan FromDense(Matrix<double> dense)
    {
        ArgumentNullException.ThrowIfNull(dense);
        int m = dense.RowCount, n = dense.ColumnCount;
        var values = DenseStorage.ColumnMajor(dense);
        var pointers = new int[n + 1];
        var rows = new List<int>();
        var entries = new List<double>();
        for (int j = 0; j < n; j++)
        {
            for (int i = 0; i < m; i++)
            {
                double v = values[(long)j * m + i];
                if (!(v >= 0) || !double.IsFinite(v))
                    throw new ArgumentException($"dense[{i}, {j}] = {v}; a plan's entries are finite and non-negative.", nameof(dense));
                if (v == 0) continue;
                rows.Add(i);
                entries.Add(v);
            }
            pointers[j + 1] = entries.Count;
        }
        return new TransportPlan(m, n, pointers, [.. rows], [.. entries]);
    }

    /// <summary>m, the number of sources (rows).</summary>
    public int Rows { get; }

    /// <summary>n, the number of targets (columns).</summary>
    public int Columns { get; }

    /// <summary>The n + 1 column offsets into <see cref="RowIndices"/> and <see cref="Values"/>.</summary>
    public ReadOnlySpan<int> ColumnPointers => _columnPointers;

    /// <summary>The row of each stored entry, column by column.</summary>
    public ReadOnlySpan<int> RowIndices => _rowIndices;

    /// <summary>The value of each stored entry, column by column.</summary>
    public ReadOnlySpan<double> Values => _values;

    /// <summary>The number of stored entries.</summary>
    public int EntryCount => _values.Length;

    /// <summary>The number of positive entries of column <paramref name="column"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="column"/> lies outside [0, n).</exception>
    public int NonZerosInColumn(int column)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(column);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(column, Columns);
        int count = 0;
        for (int p = _columnPointers[column]; p < _columnPointers[column + 1]; p++)
            if (_values[p] > 0) count++;
        return count;
    }

    /// <summary>The largest <see cref="NonZerosInColumn"/> over all columns (0 for a plan without columns).</summary>
    public int MaxNonZerosPerColumn()
    {
        int max = 0;
        for (int j = 0; j < Columns; j++) max = Math.Max(max, NonZerosInColumn(j));
        return max;
    }

    /// <summary>The dense m×n plan (column-major, unstored entries 0).</summary>
    public Matrix<double> ToDense()
    {
        var dense = Matrix<double>.Build.Dense(Rows, Columns);
        var data = DenseStorage.Writable(dense, nameof(dense));
        for (int j = 0; j < Columns; j++)
            for (int p = _columnPointers[j]; p < _columnPointers[j + 1]; p++)
                data[(long)j * Rows + _rowIndices[p]] = _values[p];
        return dense;
    }

    /// <summary>T·1, the mass leaving each source (summed column by column, in column order).</summary>
    public double[] RowSums()
    {
        var sums = new double[Rows];
        for (int p = 0; p < _values.Length; p++) sums[_rowIndices[p]] += _values[p];
        return sums;
    }

    /// <summary>Tᵀ·1, the mass arriving at each target (each summed in row order).</summary>
    public double[] ColumnSums()
    {
        var sums = new double[Columns];
        for (int j = 0; j < Columns; j++)
        {
            double s = 0;
            for (int p = _columnPointers[j]; p < _columnPointers[j + 1]; p++) s += _values[p];
            sums[j] = s;
        }
        return sums;
    }

    /// <summary>‖T‖²_F = Σ T_ij², the quadratic regulariser's sum.</summary>
    public double SquaredNorm()
    {
        double s = 0;
        foreach (double v in _values) s += v * v;
        return s;
    }

    /// <summary>⟨T, C⟩ = Σ T_ij·C_ij, the transport cost of the plan under <paramref name="cost"/> (m×n).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="cost"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="cost"/> is not m×n.</exception>
    public double Cost(Matrix<double> cost)
    {
        ArgumentNullException.ThrowIfNull(cost);
        if (cost.RowCount != Rows || cost.ColumnCount != Columns)
            throw new ArgumentException($"cost is {cost.RowCount}×{cost.ColumnCount}; the plan is {Rows}×{Columns}.", nameof(cost));
        return Cost(DenseStorage.ColumnMajor(cost));
    }

    /// <summary>⟨T, C⟩ for a column-major C with leading dimension m (validated by the caller).</summary>
    internal double Cost(ReadOnlySpan<double> cost)
    {
        double s = 0;
        for (int j = 0; j < Columns; j++)
            for (int p = _columnPointers[j]; p < _columnPointers[j + 1]; p++)
                s += _values[p] * cost[j * Rows + _rowIndices[p]];
        return s;
    }
}
