using MathNet.Numerics.LinearAlgebra;
using Numerics.IO;
using Numerics.LinearAlgebra;

namespace Numerics.Distributed;

/// <summary>
/// A contiguous block of rows [Offset, Offset + Count) of a tall A and of b, as one rank holds it:
/// either in memory, or as a row range of a <c>.npy</c> file (<see cref="NpyMappedMatrix"/>) read a
/// few thousand rows at a time (streaming: the block is never loaded whole, and the process holds
/// one chunk of it, not the file's pages).
/// </summary>
/// <remarks>
/// The distributed solver reads every block the same way, whatever its storage: rows are copied, one
/// chunk of <see cref="ChunkRows"/> rows at a time, into a column-major buffer, and all arithmetic
/// runs on that buffer. That is what makes a streamed solve and an in-memory solve over the same
/// block partition agree bit for bit. Neither kind of block copies A when it is made: do not modify
/// the matrix (or the file) while a solve uses it.
/// </remarks>
public sealed class RowBlock
{
    /// <summary>Bytes of [A | b] per chunk: large enough that per-chunk overheads vanish, small enough to stay in the last-level cache's neighbourhood and O(block) in memory.</summary>
    internal const int ChunkBytes = 16 << 20;

    private readonly double[]? _values;      // in memory: column-major Count×Columns
    private readonly NpyMappedMatrix? _file; // mapped: rows [Offset, Offset + Count) of the file
    private readonly double[] _b;

    private RowBlock(long offset, int count, int columns, double[]? values, NpyMappedMatrix? file, double[] b)
    {
        Offset = offset;
        Count = count;
        Columns = columns;
        _values = values;
        _file = file;
        _b = b;
    }

    /// <summary>The global index of the block's first row.</summary>
    public long Offset { get; }

    /// <summary>Rows in the block (≥ 1).</summary>
    public int Count { get; }

    /// <summary>d, the columns of A.</summary>
    public int Columns { get; }

    /// <summary>True when the block is read from a file (<see cref="Mapped"/>).</summary>
    public bool IsMapped => _file is not null;

    /// <summary>The block's entries of b (length <see cref="Count"/>).</summary>
    internal ReadOnlySpan<double> B => _b;

    /// <summary>Rows per chunk for d columns: about <see cref="ChunkBytes"/> of [A | b], a multiple of 2048 rows (the Gaussian sketch's generation block).</summary>
    public static int ChunkRows(int columns)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(columns, 1);
        long rows = ChunkBytes / (8L * (columns + 1)) / 2048 * 2048;
        return (int)Math.Max(2048, rows);
    }

    /// <summary>Rows <paramref name="offset"/> … <paramref name="offset"/> + a.RowCount − 1 of A and b, held in memory (not copied).</summary>
    /// <exception cref="ArgumentException">A or b is null or empty, they differ in length, the offset is negative, or they hold NaN/∞.</exception>
    public static RowBlock InMemory(long offset, Matrix<double> a, Vector<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (offset < 0) throw new ArgumentException($"offset must be non-negative, got {offset}.", nameof(offset));
        if (a.RowCount == 0 || a.ColumnCount == 0) throw new ArgumentException($"a must not be empty, got {a.RowCount}×{a.ColumnCount}.", nameof(a));
        if (b.Count != a.RowCount) throw new ArgumentException($"b has length {b.Count}; a has {a.RowCount} rows.", nameof(b));
        DenseStorage.RequireFinite(a, nameof(a));
        var bValues = DenseStorage.Values(b);
        DenseStorage.RequireFinite<double>(bValues, nameof(b));
        return new RowBlock(offset, a.RowCount, a.ColumnCount, DenseStorage.ColumnMajor(a), null, bValues);
    }

    /// <summary>
    /// Rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>) of the
    /// file <paramref name="a"/> (global row indices are the file's), with their entries of b (copied:
    /// b is n/R values, read whole, which the O(m·d + chunk) bound on A's side does not cover).
    /// A is read chunk by chunk as the solver needs it; a NaN/∞ in it is found then, and fails the
    /// solve on every rank with <see cref="InvalidDataException"/> on this one.
    /// </summary>
    /// <exception cref="ArgumentException">The rows lie outside the file, b's length is not the row count, or b holds NaN/∞.</exception>
    public static RowBlock Mapped(NpyMappedMatrix a, long firstRow, int rowCount, ReadOnlySpan<double> b)
    {
        ArgumentNullException.ThrowIfNull(a);
        if (a.Columns < 1) throw new ArgumentException($"{a.Path} has no columns.", nameof(a));
        if (rowCount < 1) throw new ArgumentException($"rowCount must be at least 1, got {rowCount}.", nameof(rowCount));
        if (firstRow < 0 || firstRow > a.Rows - rowCount)
            throw new ArgumentException($"Rows [{firstRow}, {firstRow + rowCount}) lie outside the {a.Rows} rows of {a.Path}.", nameof(firstRow));
        if (b.Length != rowCount) throw new ArgumentException($"b has length {b.Length}; the block has {rowCount} rows.", nameof(b));
        DenseStorage.RequireFinite(b, nameof(b));
        return new RowBlock(firstRow, rowCount, a.Columns, null, a, b.ToArray());
    }

    /// <summary>
    /// Copies the block's rows [first, first + count) of A, times <paramref name="scale"/> (a power of
    /// two, so exactly), into <paramref name="destination"/> column-major with leading dimension
    /// <paramref name="ld"/>.
    /// </summary>
    /// <exception cref="InvalidDataException">A file block holds NaN/∞ in these rows, or the file was truncated.</exception>
    internal void CopyRows(int first, int count, Span<double> destination, int ld, double scale)
    {
        if (_values is not null)
        {
            for (int j = 0; j < Columns; j++)
                _values.AsSpan(j * Count + first, count).CopyTo(destination.Slice(j * ld, count));
        }
        else
        {
            _file!.CopyRows(Offset + first, count, destination, ld);
            for (int j = 0; j < Columns; j++)
            {
                var column = destination.Slice(j * ld, count);
                if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(column))
                {
                    int bad = 0;
                    while (double.IsFinite(column[bad])) bad++;
                    throw new InvalidDataException($"{_file.Path}: row {Offset + first + bad}, column {j} holds {column[bad]}.");
                }
            }
        }
        if (scale != 1)
            for (int j = 0; j < Columns; j++)
                System.Numerics.Tensors.TensorPrimitives.Multiply(destination.Slice(j * ld, count), scale, destination.Slice(j * ld, count));
    }
}
