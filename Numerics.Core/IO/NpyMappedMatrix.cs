using System.Numerics;
using Microsoft.Win32.SafeHandles;

namespace Numerics.IO;

/// <summary>
/// A 2-D <c>.npy</c> file read in row blocks: a streaming solver copies rows [r0, r0 + k) into its
/// own column-major buffer without the whole file ever being loaded.
/// </summary>
/// <remarks>
/// <para>The header is validated as by <see cref="NpyHeader.Read"/>, including that the file holds
/// every byte the shape declares; the row count is a 64-bit number and the file may exceed what a
/// .NET array or MathNet matrix can hold.</para>
/// <para>Rows are read with positioned reads (<see cref="RandomAccess.Read(SafeFileHandle, Span{byte}, long)"/>,
/// pread on Linux) in pieces of about 256 KiB through pooled buffers, and converted into the
/// destination while the piece is in cache. The name is historical: the file was once read through
/// a memory mapping, but every page of a mapping that a pass touches stays in the process's resident
/// set until the kernel reclaims it (a full pass over an 8 GB file leaves ≈ 8 GB resident), whereas
/// pages read by pread sit in the page cache, outside the process. The resident cost of a read is
/// therefore the destination plus a few pooled pieces, whatever the file's size. The file is opened
/// for sequential access (posix_fadvise SEQUENTIAL on Linux: a larger read-ahead).</para>
/// <para>C-order rows are contiguous in the file and are transposed into the buffer piece by piece;
/// Fortran-order rows are one contiguous run per column. Big-endian files are byte-swapped as they
/// are copied. Copies of one instance may run concurrently on disjoint or overlapping blocks.</para>
/// </remarks>
public sealed unsafe class NpyMappedMatrix : IDisposable
{
    private readonly FileStream _stream;
    private readonly NpyHeader _header;
    private readonly NpyElements _elements;
    private int _disposed;

    private NpyMappedMatrix(string path, NpyHeader header, FileStream stream)
    {
        _header = header;
        _elements = NpyElements.For(header.DType);
        _stream = stream;
        Path = path;
    }

    /// <summary>Opens a 2-D numeric <c>.npy</c> file for row-block reads.</summary>
    /// <exception cref="InvalidDataException">The file is malformed, truncated, not 2-D, or holds bool; the message names the file.</exception>
    public static NpyMappedMatrix Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
        try
        {
            NpyHeader header;
            try { header = NpyHeader.Read(stream); }
            catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
            if (header.Shape.Count != 2) throw new InvalidDataException($"{path}: expected a 2-D array, got shape {header.ShapeText}.");
            if (header.Shape[1] > int.MaxValue) throw new InvalidDataException($"{path}: {header.Shape[1]} columns exceed a buffer's int column count.");
            if (header.DType == NpyDType.Bool) throw new InvalidDataException($"{path}: the file holds bool (b1), which is not a numeric matrix.");
            return new NpyMappedMatrix(path, header, stream);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>The file's path.</summary>
    public string Path { get; }

    /// <summary>The number of rows (the first dimension).</summary>
    public long Rows => _header.Shape[0];

    /// <summary>The number of columns (the second dimension).</summary>
    public int Columns => (int)_header.Shape[1];

    /// <summary>The file's element type.</summary>
    public NpyDType DType => _header.DType;

    /// <summary>True when the file is column-major.</summary>
    public bool FortranOrder => _header.FortranOrder;

    /// <summary>
    /// Copies rows [<paramref name="firstRow"/>, <paramref name="firstRow"/> + <paramref name="rowCount"/>)
    /// into <paramref name="destination"/> column-major: element (i, j) of the block goes to
    /// <c>destination[i + j·leadingDimension]</c>; other entries are left as they are.
    /// </summary>
    /// <typeparam name="T"><see cref="double"/> (any numeric file) or <see cref="float"/> (float32 or uint8 files, held exactly).</typeparam>
    /// <exception cref="ArgumentOutOfRangeException">The rows lie outside the matrix, or the leading dimension is below <paramref name="rowCount"/>.</exception>
    /// <exception cref="ArgumentException">The destination is too short for the block.</exception>
    /// <exception cref="InvalidDataException">The file's type would be rounded into <typeparamref name="T"/>, or the file was truncated after it was opened.</exception>
    public void CopyRows<T>(long firstRow, int rowCount, Span<T> destination, int leadingDimension) where T : unmanaged, INumberBase<T>
    {
        ObjectDisposedException.ThrowIf(_disposed != 0, this);
        Npy.RequireMatrixElement<T>();
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        if (firstRow < 0 || firstRow > Rows - rowCount)
            throw new ArgumentOutOfRangeException(nameof(firstRow), $"Rows [{firstRow}, {firstRow + rowCount}) lie outside the {Rows} rows of {Path}.");
        ArgumentOutOfRangeException.ThrowIfLessThan(leadingDimension, Math.Max(rowCount, 1));
        long needed = Columns == 0 || rowCount == 0 ? 0 : (long)leadingDimension * (Columns - 1) + rowCount;
        if (destination.Length < needed)
            throw new ArgumentException($"The destination holds {destination.Length} elements; {rowCount} rows of {Columns} columns with leading dimension {leadingDimension} need {needed}.", nameof(destination));
        if (needed == 0) return;
        fixed (T* d = destination)
            _elements.ReadRows(_stream.SafeFileHandle, _header, _header.DataOffset, firstRow, rowCount, d, leadingDimension);
    }

    /// <summary>Closes the file.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _stream.Dispose();
    }
}
