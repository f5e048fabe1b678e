namespace Numerics.Transport;

/// <summary>
/// One rank's share of a transport problem split by columns (targets): the columns
/// [<see cref="FirstColumn"/>, <see cref="FirstColumn"/> + <see cref="Columns"/>) of C and of b,
/// and all of a. What <see cref="DistributedSparseTransport"/> needs on each rank.
/// </summary>
/// <remarks>
/// A column block of a column-major C is one contiguous run of memory, so a block is a copy of a
/// slice; the weights are the problem's normalised a and b (a/Σa, b/Σb), so blocks of one problem
/// carry exactly the numbers the unsplit solve uses.
/// </remarks>
public sealed class TransportColumnBlock
{
    private readonly double[] _cost;
    private readonly double[] _a;
    private readonly double[] _b;

    private TransportColumnBlock(double[] cost, double[] a, double[] b, int firstColumn, int totalColumns)
    {
        _cost = cost;
        _a = a;
        _b = b;
        FirstColumn = firstColumn;
        TotalColumns = totalColumns;
    }

    /// <summary>The columns [<paramref name="firstColumn"/>, <paramref name="firstColumn"/> + <paramref name="columns"/>) of <paramref name="problem"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The range is empty or does not lie within the problem's n columns.</exception>
    public static TransportColumnBlock Slice(TransportProblem problem, int firstColumn, int columns)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfNegative(firstColumn);
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        if ((long)firstColumn + columns > problem.Columns)
            throw new ArgumentOutOfRangeException(nameof(columns), columns, $"columns [{firstColumn}, {(long)firstColumn + columns}) exceed the problem's {problem.Columns}.");
        int m = problem.Rows;
        return new TransportColumnBlock(
            problem.Cost.Slice(firstColumn * m, columns * m).ToArray(),
            problem.SourceWeights.ToArray(),
            problem.TargetWeights.Slice(firstColumn, columns).ToArray(),
            firstColumn,
            problem.Columns);
    }

    /// <summary>
    /// <paramref name="problem"/>'s columns in <paramref name="blocks"/> contiguous blocks in order,
    /// block r starting at column ⌊r·n/R⌋, so sizes differ by at most one.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="blocks"/> is below 1 or above n.</exception>
    public static TransportColumnBlock[] Split(TransportProblem problem, int blocks)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfLessThan(blocks, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blocks, problem.Columns);
        var result = new TransportColumnBlock[blocks];
        for (int r = 0; r < blocks; r++)
        {
            int first = Start(r, blocks, problem.Columns);
            result[r] = Slice(problem, first, Start(r + 1, blocks, problem.Columns) - first);
        }
        return result;
    }

    /// <summary>The first column of block <paramref name="index"/> of <paramref name="blocks"/> over n columns, ⌊index·n/blocks⌋.</summary>
    public static int Start(int index, int blocks, int n) => (int)((long)index * n / blocks);

    /// <summary>m, the number of sources.</summary>
    public int Rows => _a.Length;

    /// <summary>The block's number of columns (≥ 1).</summary>
    public int Columns => _b.Length;

    /// <summary>The index of the block's first column in the whole problem.</summary>
    public int FirstColumn { get; }

    /// <summary>n, the columns of the whole problem.</summary>
    public int TotalColumns { get; }

    /// <summary>a/Σa, all m source weights.</summary>
    public ReadOnlySpan<double> SourceWeights => _a;

    /// <summary>The block's slice of b/Σb.</summary>
    public ReadOnlySpan<double> TargetWeights => _b;

    /// <summary>The block of C, column-major with leading dimension m.</summary>
    public ReadOnlySpan<double> Cost => _cost;

    internal double[] CostArray => _cost;

    internal double[] TargetArray => _b;

    internal double[] SourceArray => _a;
}
