namespace Numerics.Transport;

/// <summary>
/// Rounds a non-negative plan onto the transport polytope U(a, b) = {T ≥ 0 : T·1 = a, Tᵀ·1 = b}
/// (Altschuler, Weed &amp; Rigollet, NeurIPS 2017, Algorithm 2), with a sparse completion: scale
/// each row down to at most aᵢ, then each column down to at most bⱼ, then add back the missing mass.
/// </summary>
/// <remarks>
/// <para>
/// After the two scalings T'' ≤ T has T''·1 ≤ a and T''ᵀ·1 ≤ b; the deficits r = a − T''·1 and
/// c = b − T''ᵀ·1 are non-negative with equal totals, and any non-negative E with E·1 = r and Eᵀ·1 = c
/// completes T'' to a plan in U(a, b). AWR add the rank-one r·cᵀ/‖r‖₁, which is dense; this rounding
/// first pours the deficits into cells T already uses (so no column gains a non-zero there), then
/// completes by the north-west-corner rule over the remaining deficits, which adds at most
/// (rows with a deficit) + (columns with a deficit) − 1 entries. Every completion has ℓ₁ norm
/// ‖r‖₁, so AWR's bound (their Lemma 7) holds unchanged:
/// ‖T̂ − T‖₁ ≤ 2·(‖T·1 − a‖₁ + ‖Tᵀ·1 − b‖₁).
/// </para>
/// <para>
/// A plan that already meets both marginals is returned with the same entries (its deficits are
/// rounding-level and are poured into its own cells). The rounded plan is feasible up to the
/// rounding of its row and column sums, about (entries per row or column)·u relative.
/// </para>
/// </remarks>
public static class PlanRounding
{
    /// <summary>The rounding of <paramref name="plan"/> onto U(a, b) for the problem's (normalised) marginals.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The plan's shape is not the problem's.</exception>
    public static TransportPlan Round(TransportPlan plan, TransportProblem problem)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(problem);
        if (plan.Rows != problem.Rows || plan.Columns != problem.Columns)
            throw new ArgumentException($"plan is {plan.Rows}×{plan.Columns}; the problem is {problem.Rows}×{problem.Columns}.", nameof(plan));
        return Round(plan, problem.SourceWeights, problem.TargetWeights);
    }

    /// <summary>The rounding onto U(a, b) for marginals of equal total (checked by the caller).</summary>
    internal static TransportPlan Round(TransportPlan plan, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int m = plan.Rows, n = plan.Columns;
        var pointers = plan.ColumnPointers;
        var rows = plan.RowIndices;
        var values = plan.Values.ToArray();

        // Step 1: rows scaled down to at most aᵢ.
        var rowSums = plan.RowSums();
        var rowScale = new double[m];
        for (int i = 0; i < m; i++) rowScale[i] = rowSums[i] > a[i] ? a[i] / rowSums[i] : 1;
        for (int p = 0; p < values.Length; p++) values[p] *= rowScale[rows[p]];

        // Step 2: columns scaled down to at most bⱼ; the deficits of both sides.
        var columnDeficit = new double[n];
        for (int j = 0; j < n; j++)
        {
            double sum = 0;
            for (int p = pointers[j]; p < pointers[j + 1]; p++) sum += values[p];
            if (sum > b[j])
            {
                double scale = b[j] / sum;
                sum = 0;
                for (int p = pointers[j]; p < pointers[j + 1]; p++) sum += values[p] *= scale;
            }
            columnDeficit[j] = Math.Max(b[j] - sum, 0);
        }
        var rowDeficit = new double[m];
        var scaledRows = new double[m];
        for (int p = 0; p < values.Length; p++) scaledRows[rows[p]] += values[p];
        for (int i = 0; i < m; i++) rowDeficit[i] = Math.Max(a[i] - scaledRows[i], 0);

        // Step 3a: pour each column's deficit into its own cells whose rows lack mass (no new non-zeros).
        for (int j = 0; j < n; j++)
            for (int p = pointers[j]; p < pointers[j + 1] && columnDeficit[j] > 0; p++)
            {
                int i = rows[p];
                double move = Math.Min(rowDeficit[i], columnDeficit[j]);
                if (!(move > 0)) continue;
                values[p] += move;
                rowDeficit[i] -= move;
                columnDeficit[j] -= move;
            }

        // Step 3b: north-west corner over what is left; the walk visits (i, j) with both increasing, so
        // the added entries come sorted by column, then row.
        var added = new List<(int Row, int Column, double Value)>();
        for (int i = 0, j = 0; i < m && j < n;)
        {
            if (!(rowDeficit[i] > 0)) { i++; continue; }
            if (!(columnDeficit[j] > 0)) { j++; continue; }
            double move = Math.Min(rowDeficit[i], columnDeficit[j]);
            added.Add((i, j, move));
            rowDeficit[i] -= move;
            columnDeficit[j] -= move;
        }
        return Merge(m, n, pointers, rows, values, added);
    }

    /// <summary>The plan's scaled entries plus the north-west-corner additions, in canonical form (zeros dropped).</summary>
    private static TransportPlan Merge(int m, int n, ReadOnlySpan<int> pointers, ReadOnlySpan<int> rows, double[] values, List<(int Row, int Column, double Value)> added)
    {
        var newPointers = new int[n + 1];
        var newRows = new List<int>(values.Length + added.Count);
        var newValues = new List<double>(values.Length + added.Count);
        int next = 0;
        for (int j = 0; j < n; j++)
        {
            int p = pointers[j], end = pointers[j + 1];
            while (p < end || (next < added.Count && added[next].Column == j))
            {
                bool fromPlan = p < end && (next >= added.Count || added[next].Column != j || rows[p] <= added[next].Row);
                int row;
                double value;
                if (fromPlan)
                {
                    row = rows[p];
                    value = values[p++];
                    if (next < added.Count && added[next].Column == j && added[next].Row == row) value += added[next++].Value;
                }
                else
                {
                    row = added[next].Row;
                    value = added[next++].Value;
                }
                if (value > 0)
                {
                    newRows.Add(row);
                    newValues.Add(value);
                }
            }
            newPointers[j + 1] = newValues.Count;
        }
        return new TransportPlan(m, n, newPointers, [.. newRows], [.. newValues]);
    }
}
