using System.Numerics.Tensors;

namespace Numerics.Transport;

/// <summary>
/// The k largest of a stream of (value, index) candidates in O(m) average time: candidates above
/// the current threshold go into a buffer of 2k; when it fills, introselect keeps its top k and the
/// threshold rises to the k-th value. Ties rank the smaller index first, so the selected set is
/// unique and does not depend on how the stream was chunked.
/// </summary>
/// <remarks>
/// Each compaction costs O(k) on average and follows at least k insertions, so the whole stream
/// costs O(m) plus one comparison per candidate; most candidates of a long column fall below the
/// threshold and cost only that comparison, which keeps an objective evaluation close to one pass
/// over the cost matrix. The buffers are allocated once and reused for every column.
/// </remarks>
internal sealed class TopKSelection
{
    private readonly double[] _values;
    private readonly int[] _indices;
    private double _threshold;
    private double _max;
    private double _band;

    /// <summary>A selector of the <paramref name="k"/> largest candidates (k ≥ 1).</summary>
    public TopKSelection(int k)
    {
        K = k;
        _values = new double[2 * k];
        _indices = new int[2 * k];
    }

    /// <summary>k.</summary>
    public int K { get; }

    /// <summary>Candidates held (after <see cref="Finish"/>: the selected ones, at most k).</summary>
    public int Count { get; private set; }

    /// <summary>The held values (after <see cref="Finish"/>: sorted in rank order).</summary>
    public Span<double> Values => _values.AsSpan(0, Count);

    /// <summary>The held indices, parallel to <see cref="Values"/>.</summary>
    public Span<int> Indices => _indices.AsSpan(0, Count);

    /// <summary>
    /// Starts a new stream. Only candidates strictly above <paramref name="floor"/> (−∞: all) and
    /// strictly above (largest value so far) − <paramref name="band"/> (+∞: no band) are kept.
    /// </summary>
    /// <remarks>
    /// The band prunes candidates that cannot reach the support of a simplex projection of total z
    /// and scale 1/γ: its largest entry is at most z, so entries more than γ·z below the maximum
    /// project to 0. With it a column of the quadratic case (k ≥ m) keeps only its near-maximal
    /// entries instead of sorting all m.
    /// </remarks>
    public void Reset(double floor, double band = double.PositiveInfinity)
    {
        Count = 0;
        _threshold = floor;
        _max = double.NegativeInfinity;
        _band = band;
    }

    /// <summary>
    /// Candidates not strictly above this value are skipped: the caller's loop compares against it
    /// and calls <see cref="Add"/> only for the few that pass. NaN never passes.
    /// </summary>
    /// <remarks>
    /// A value equal to the threshold ranks below the k-th candidate held (whose index is smaller), so
    /// the strict comparison keeps the tie rule.
    /// </remarks>
    public double Threshold => _threshold;

    /// <summary>Offers candidate (<paramref name="value"/>, <paramref name="index"/>); indices must arrive in increasing order.</summary>
    public void Offer(double value, int index)
    {
        if (value > _threshold) Add(value, index);
    }

    /// <summary>Adds a candidate already known to lie above <see cref="Threshold"/>; indices must arrive in increasing order.</summary>
    public void Add(double value, int index)
    {
        if (value > _max)
        {
            _max = value;
            // Strictly below the maximum even when the band is under half an ulp of it (value − band
            // would round back to value), so entries tied with the maximum stay candidates.
            _threshold = Math.Max(_threshold, Math.Min(value - _band, Math.BitDecrement(value)));
        }
        int c = Count;
        _values[c] = value;
        _indices[c] = index;
        if (++c == _values.Length)
        {
            Select(_values, _indices, K);
            c = K;
            double min = _values[0];
            for (int i = 1; i < K; i++) min = Math.Min(min, _values[i]);
            _threshold = Math.Max(_threshold, min);
        }
        Count = c;
    }

    /// <summary>Ends the stream: keeps the top k held candidates and sorts them in rank order.</summary>
    public void Finish()
    {
        if (Count > K)
        {
            Select(_values.AsSpan(0, Count), _indices.AsSpan(0, Count), K);
            Count = K;
        }
        SortByRank(Values, Indices);
    }

    /// <summary>True when (va, ia) ranks above (vb, ib): a larger value, or an equal value and a smaller index.</summary>
    private static bool Above(double va, int ia, double vb, int ib) => va > vb || (va == vb && ia < ib);

    /// <summary>
    /// Introselect: rearranges the pairs so that the <paramref name="k"/> highest-ranked occupy
    /// [0, k) (in no particular order). Quickselect with a median-of-three pivot, falling back to a
    /// full sort of the remaining range after 2·log₂(n) partitions, so the worst case stays O(n log n).
    /// </summary>
    internal static void Select(Span<double> values, Span<int> indices, int k)
    {
        int lo = 0, hi = values.Length - 1, target = k - 1;
        int depth = 2 * (int)Math.Log2(Math.Max(2, values.Length));
        while (hi > lo)
        {
            if (depth-- == 0)
            {
                SortByRank(values[lo..(hi + 1)], indices[lo..(hi + 1)]);
                return;
            }
            int mid = lo + (hi - lo) / 2;
            // Median of three by rank, moved to hi as the pivot.
            if (Above(values[mid], indices[mid], values[lo], indices[lo])) Swap(values, indices, mid, lo);
            if (Above(values[hi], indices[hi], values[lo], indices[lo])) Swap(values, indices, hi, lo);
            if (Above(values[mid], indices[mid], values[hi], indices[hi])) Swap(values, indices, mid, hi);
            double pv = values[hi];
            int pi = indices[hi];
            int store = lo;
            for (int i = lo; i < hi; i++)
                if (Above(values[i], indices[i], pv, pi)) Swap(values, indices, i, store++);
            Swap(values, indices, store, hi);
            if (store == target) return;
            if (store < target) lo = store + 1;
            else hi = store - 1;
        }
    }

    /// <summary>Sorts the pairs in rank order (largest value first, ties by smaller index).</summary>
    internal static void SortByRank(Span<double> values, Span<int> indices)
    {
        if (values.Length <= 16)
        {
            for (int i = 1; i < values.Length; i++)
            {
                double v = values[i];
                int x = indices[i], j = i - 1;
                for (; j >= 0 && Above(v, x, values[j], indices[j]); j--)
                {
                    values[j + 1] = values[j];
                    indices[j + 1] = indices[j];
                }
                values[j + 1] = v;
                indices[j + 1] = x;
            }
            return;
        }
        // Ascending on the negated values takes the sort's comparer-free fast path (a delegate
        // comparison costs several times more per compare); runs of equal values are put in index order after.
        TensorPrimitives.Negate(values, values);
        values.Sort(indices);
        TensorPrimitives.Negate(values, values);
        for (int start = 0; start < values.Length;)
        {
            int end = start + 1;
            while (end < values.Length && values[end] == values[start]) end++;
            if (end - start > 1) indices[start..end].Sort();
            start = end;
        }
    }

    private static void Swap(Span<double> values, Span<int> indices, int i, int j)
    {
        (values[i], values[j]) = (values[j], values[i]);
        (indices[i], indices[j]) = (indices[j], indices[i]);
    }
}
