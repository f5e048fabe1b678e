using System.Numerics;
using Numerics.LinearAlgebra;

namespace Numerics.Transport;

/// <summary>
/// One pass over the cost matrix: for every column j, the top k entries of s = α − c_j, then the
/// formulation's <see cref="IColumnRule"/> turns them into the column's plan entries and objective
/// term. The hot loop of every dual and semi-dual evaluation on the CPU.
/// </summary>
/// <remarks>
/// <para>
/// Columns are independent, so they run in parallel, in fixed chunks of columns, each chunk with
/// its own selection buffers. Every column writes only its own slots (k plan entries, one term);
/// the objective's sum and the row sums are then reduced sequentially in column order. No result
/// depends on which thread ran which chunk, so the bits do not depend on the thread count
/// (<see cref="LinearAlgebraBackend.EffectiveThreads"/>).
/// </para>
/// <para>
/// Row sums are accumulated from the ≤ k·n stored entries rather than from per-chunk partial
/// vectors of length m: that is cheaper whenever k·n &lt; chunks·m, fixed in order, and the only
/// serial part of an evaluation. All buffers are allocated once, in the constructor.
/// </para>
/// <para>
/// A batch of equal-shaped problems is one sweep over their costs side by side (an m × (P·n)
/// matrix): column j belongs to problem p = ⌊j/n⌋ and reads that problem's α, found at
/// p·(α stride) in the concatenated variables. Each problem's sums and plan are read back over its
/// own n columns in the same order as a sweep of that problem alone, so its numbers are the same bits.
/// </para>
/// </remarks>
internal sealed class ColumnSweep
{
    /// <summary>Chunks per sweep: enough to balance 2–64 cores, few enough that each chunk's buffers stay cheap.</summary>
    private const int TargetChunks = 64;

    private readonly double[] _cost;
    private readonly int _rows;
    private readonly int _columns;
    private readonly int _slots;
    private readonly int[] _counts;
    private readonly int[] _planRows;
    private readonly double[] _planValues;
    private readonly double[] _terms;
    private readonly TopKSelection[] _selections;
    private readonly int _chunkColumns;
    private readonly int _blockColumns;
    private readonly int _alphaStride;
    private readonly Action<int> _body;
    private double[] _alpha = [];
    private IColumnRule? _rule;
    private bool[]? _blocks;

    /// <summary>A sweep over <paramref name="problem"/>'s cost keeping at most <paramref name="k"/> entries per column.</summary>
    /// <exception cref="ArgumentOutOfRangeException">min(k, m)·n exceeds the largest array.</exception>
    public ColumnSweep(TransportProblem problem, int k) : this(problem.CostArray, problem.Rows, problem.Columns, k) { }

    /// <summary>A sweep over the m×n column-major <paramref name="cost"/> (n ≥ 1; a block of a larger C in a column-split solve).</summary>
    /// <exception cref="ArgumentOutOfRangeException">min(k, m)·n exceeds the largest array.</exception>
    public ColumnSweep(double[] cost, int rows, int columns, int k) : this(cost, rows, columns, k, columns, 0) { }

    /// <summary>
    /// A sweep over the m × <paramref name="columns"/> column-major <paramref name="cost"/> made of
    /// problems of <paramref name="blockColumns"/> columns each: column j reads α at
    /// ⌊j/blockColumns⌋·<paramref name="alphaStride"/> of the array passed to <see cref="Run(double[], IColumnRule)"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">min(k, m)·columns exceeds the largest array.</exception>
    public ColumnSweep(double[] cost, int rows, int columns, int k, int blockColumns, int alphaStride)
    {
        _blockColumns = blockColumns;
        _alphaStride = alphaStride;
        _cost = cost;
        _rows = rows;
        _columns = columns;
        _slots = Math.Min(k, _rows);
        if ((long)_slots * _columns > Array.MaxLength)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"min(k, m)·n = {(long)_slots * _columns} plan slots exceed the largest array; use a smaller k.");
        _counts = new int[_columns];
        _planRows = new int[_slots * _columns];
        _planValues = new double[_slots * _columns];
        _terms = new double[_columns];
        _chunkColumns = (_columns + TargetChunks - 1) / TargetChunks;
        int chunks = (_columns + _chunkColumns - 1) / _chunkColumns;
        _selections = new TopKSelection[chunks];
        for (int c = 0; c < chunks; c++) _selections[c] = new TopKSelection(_slots);
        _body = RunChunk;
    }

    /// <summary>min(k, m), the plan slots per column.</summary>
    public int Slots => _slots;

    /// <summary>
    /// Runs <paramref name="rule"/> on every column of s = α − C (α of length m, finite; in a batch,
    /// the concatenated variables, problem p's α at p·stride).
    /// </summary>
    public void Run(double[] alpha, IColumnRule rule) => Run(alpha, rule, null);

    /// <summary>
    /// As <see cref="Run(double[], IColumnRule)"/>, on the columns of the blocks (problems of a batch)
    /// marked in <paramref name="blocks"/> only (null: all); the others keep their last results.
    /// </summary>
    public void Run(double[] alpha, IColumnRule rule, bool[]? blocks)
    {
        _alpha = alpha;
        _rule = rule;
        _blocks = blocks;
        int threads = Math.Min(LinearAlgebraBackend.Current.EffectiveThreads, _selections.Length);
        if (threads <= 1)
            for (int c = 0; c < _selections.Length; c++) RunChunk(c);
        else
            Parallel.For(0, _selections.Length, new ParallelOptions { MaxDegreeOfParallelism = threads }, _body);
        _rule = null;
    }

    /// <summary>Σⱼ of the column terms of the last run, in column order.</summary>
    public double TermSum() => TermSum(0, _columns);

    /// <summary>Σ of the column terms of columns [first, first + count) of the last run, in column order (one problem of a batch).</summary>
    public double TermSum(int first, int count)
    {
        double s = 0;
        foreach (double t in _terms.AsSpan(first, count)) s += t;
        return s;
    }

    /// <summary>rowSums ← T·1 and columnSums ← Tᵀ·1 of the last run's plan (column order).</summary>
    public void Sums(Span<double> rowSums, Span<double> columnSums) => Sums(0, _columns, rowSums, columnSums);

    /// <summary>
    /// rowSums ← the row sums of columns [first, first + count) of the last run's plan, and columnSums
    /// (length count, or empty) ← those columns' sums: one problem of a batch, in column order.
    /// </summary>
    public void Sums(int first, int count, Span<double> rowSums, Span<double> columnSums)
    {
        rowSums.Clear();
        for (int j = first; j < first + count; j++)
        {
            int start = j * _slots;
            double column = 0;
            for (int p = start; p < start + _counts[j]; p++)
            {
                rowSums[_planRows[p]] += _planValues[p];
                column += _planValues[p];
            }
            if (!columnSums.IsEmpty) columnSums[j - first] = column;
        }
    }

    /// <summary>The last run's plan, in canonical form (rows increasing within each column).</summary>
    public TransportPlan Plan() => Plan(0, _columns);

    /// <summary>The plan of columns [first, first + count) of the last run (one problem of a batch), m × count.</summary>
    public TransportPlan Plan(int first, int count) => TransportPlan.FromSlots(_rows, count, _slots, _counts.AsSpan(first, count),
        _planRows.AsSpan(first * _slots, count * _slots), _planValues.AsSpan(first * _slots, count * _slots));

    private void RunChunk(int chunk)
    {
        var rule = _rule!;
        var top = _selections[chunk];
        int first = chunk * _chunkColumns, last = Math.Min(_columns, first + _chunkColumns);
        for (int j = first; j < last; j++)
        {
            if (_blocks is { } blocks && !blocks[j / _blockColumns]) continue;
            top.Reset(rule.Floor(j), rule.Band(j));
            Scan(_alpha.AsSpan(j / _blockColumns * _alphaStride, _rows), _cost.AsSpan(j * _rows, _rows), top);
            top.Finish();
            var rows = _planRows.AsSpan(j * _slots, _slots);
            var values = _planValues.AsSpan(j * _slots, _slots);
            _counts[j] = rule.Column(j, top.Values, top.Indices, rows, values, out _terms[j]);
        }
    }

    /// <summary>
    /// Offers every sᵢ = αᵢ − cᵢ to the selection. A vector of sᵢ is compared with the threshold at
    /// once and only a vector with an entry above it is looked at entry by entry, so a long column
    /// costs about one streaming read of c.
    /// </summary>
    private static void Scan(ReadOnlySpan<double> alpha, ReadOnlySpan<double> cost, TopKSelection top)
    {
        int i = 0, width = Vector<double>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + width <= cost.Length; i += width)
            {
                var s = new Vector<double>(alpha[i..]) - new Vector<double>(cost[i..]);
                if (!Vector.GreaterThanAny(s, new Vector<double>(top.Threshold))) continue;
                for (int l = 0; l < width; l++)
                    if (s[l] > top.Threshold) top.Add(s[l], i + l);
            }
        }
        for (; i < cost.Length; i++)
        {
            double s = alpha[i] - cost[i];
            if (s > top.Threshold) top.Add(s, i);
        }
    }
}
