using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Transport;

/// <summary>
/// The input checks every transport solver applies before it touches anything: marginals that are
/// non-empty, finite, non-negative and sum to 1 within <see cref="MassTolerance"/>; a cost of the
/// right shape with finite entries.
/// </summary>
public static class TransportInput
{
    /// <summary>
    /// How far Σaᵢ and Σbⱼ may lie from 1: 1e-6, the six decimals POT's <c>ot.emd</c> asserts, so
    /// marginals stored in single precision (relative rounding 6e-8 per entry) are accepted.
    /// </summary>
    public const double MassTolerance = 1e-6;

    /// <summary>Throws unless <paramref name="weights"/> is a probability vector (within <see cref="MassTolerance"/>).</summary>
    /// <exception cref="ArgumentException">Empty, a NaN or infinite entry, a negative entry, or a sum off 1.</exception>
    public static void RequireMarginal(ReadOnlySpan<double> weights, string paramName)
    {
        if (weights.IsEmpty) throw new ArgumentException("The marginal is empty.", paramName);
        double sum = 0;
        for (int i = 0; i < weights.Length; i++)
        {
            double w = weights[i];
            if (!double.IsFinite(w)) throw new ArgumentException($"The marginal holds a non-finite value ({w}) at index {i}.", paramName);
            if (w < 0) throw new ArgumentException($"The marginal holds a negative mass ({w}) at index {i}.", paramName);
            sum += w;
        }
        if (!(Math.Abs(sum - 1) <= MassTolerance))
            throw new ArgumentException($"The marginal must sum to 1 (within {MassTolerance}), got {sum:R}.", paramName);
    }

    /// <summary>Throws unless <paramref name="cost"/> holds rows·columns finite values.</summary>
    /// <exception cref="ArgumentException">Wrong length or a non-finite entry.</exception>
    public static void RequireCost(ReadOnlySpan<double> cost, int rows, int columns, string paramName)
    {
        if ((long)rows * columns != cost.Length)
            throw new ArgumentException($"The cost must hold {rows}×{columns} = {(long)rows * columns} values (column-major), got {cost.Length}.", paramName);
        LinearAlgebra.DenseStorage.RequireFinite(cost, paramName);
    }

    /// <summary>
    /// Checks a problem given as marginals and a column-major rows×columns cost: lengths, then
    /// <see cref="RequireMarginal"/> for both and <see cref="RequireCost"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Names a, b or cost.</exception>
    public static void RequireProblem(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> cost, int rows, int columns)
    {
        if (a.Length != rows) throw new ArgumentException($"a has length {a.Length}, the cost has {rows} rows.", nameof(a));
        if (b.Length != columns) throw new ArgumentException($"b has length {b.Length}, the cost has {columns} columns.", nameof(b));
        RequireMarginal(a, nameof(a));
        RequireMarginal(b, nameof(b));
        RequireCost(cost, rows, columns, nameof(cost));
    }

    /// <summary>
    /// The marginals every transport solver works with, from marginals already checked by
    /// <see cref="RequireMarginal"/>: a/Σa and b/Σb (new arrays, summing to 1 to rounding), and the
    /// totals of the input. This is the one place where the library normalises marginals.
    /// </summary>
    internal static (double[] A, double[] B, InputMass Mass) Normalize(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var an = Normalized(a, out double sumA);
        var bn = Normalized(b, out double sumB);
        return (an, bn, new InputMass(sumA, sumB));
    }

    /// <summary>w/Σw (a new array) and Σw, summed in index order.</summary>
    private static double[] Normalized(ReadOnlySpan<double> w, out double sum)
    {
        sum = 0;
        for (int i = 0; i < w.Length; i++) sum += w[i];
        var result = new double[w.Length];
        for (int i = 0; i < w.Length; i++) result[i] = w[i] / sum;
        return result;
    }

    /// <summary>The column-major values of a cost matrix whose shape must be a.Length × b.Length (no copy when dense).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A marginal's length does not match the cost (names a or b).</exception>
    internal static double[] ColumnMajorCost(double[] a, double[] b, Matrix<double> cost)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(cost);
        // The same parameter names as RequireProblem: the marginal whose length disagrees with the cost.
        if (a.Length != cost.RowCount) throw new ArgumentException($"a has length {a.Length}, the cost has {cost.RowCount} rows.", nameof(a));
        if (b.Length != cost.ColumnCount) throw new ArgumentException($"b has length {b.Length}, the cost has {cost.ColumnCount} columns.", nameof(b));
        return LinearAlgebra.DenseStorage.ColumnMajor(cost);
    }

    /// <summary>max |cᵢⱼ| (0 for an empty cost).</summary>
    internal static double MaxAbs(ReadOnlySpan<double> cost) => Arithmetic.SpanArithmetic.MaxAbs(cost);

    /// <summary>The indices of the positive entries, ascending.</summary>
    internal static int[] PositiveIndices(ReadOnlySpan<double> weights)
    {
        var kept = new List<int>(weights.Length);
        for (int i = 0; i < weights.Length; i++) if (weights[i] > 0) kept.Add(i);
        return kept.ToArray();
    }
}
