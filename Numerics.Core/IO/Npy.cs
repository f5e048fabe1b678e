using Numerics.Memory;
using System.Numerics;
using MathNet.Numerics.LinearAlgebra;

namespace Numerics.IO;

/// <summary>
/// Reads and writes numpy <c>.npy</c> files: format versions 1.0, 2.0 and 3.0; float64, float32,
/// int32, int64, uint8 and bool; little- or big-endian; C or Fortran order; any rank.
/// </summary>
/// <remarks>
/// <para>Every read validates the header first (<see cref="NpyHeader.Read"/>): a malformed
/// header, a shape whose size overflows, or data shorter than the shape declares raises
/// <see cref="InvalidDataException"/> saying what is wrong (and which file) before the array is
/// allocated.</para>
/// <para>Data moves in chunks of a few MiB, so arrays beyond 2 GiB read and write; the limit is
/// .NET's array length (<see cref="Array.MaxLength"/> elements). Larger 2-D files are read in row
/// blocks with <see cref="NpyMappedMatrix"/>.</para>
/// <para>Matrices are column-major. A Fortran-order file is read straight into the matrix's
/// storage; a C-order file is transposed on the way in, one row block at a time, tile by tile and
/// in parallel, so the peak memory is the matrix plus one block.</para>
/// <para>Writing uses version 1.0 unless the header needs more than 65535 bytes, little-endian,
/// with the header padded so the data starts on a 64-byte boundary, as numpy does. Matrices are
/// written in Fortran order, which is their memory order, so no transpose is needed.</para>
/// </remarks>
public static class Npy
{
    /// <summary>Reads and validates the header of a file without reading its data.</summary>
    public static NpyHeader ReadHeader(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return WithPath(path, stream => NpyHeader.Read(stream));
    }

    /// <summary>Reads a file.</summary>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return WithPath(path, stream => Read(stream, NpyChunks.DefaultBytes));
    }

    /// <summary>Reads an array from a stream positioned at the magic string.</summary>
    public static NpyArray Read(Stream stream) => Read(stream, NpyChunks.DefaultBytes);

    internal static NpyArray Read(Stream stream, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = NpyHeader.Read(stream);
        NpyChunks.InMemoryCount(header);
        var data = NpyElements.For(header.DType).ReadFlat(stream, header, chunkBytes);
        return new NpyArray([.. header.Shape.Select(d => (int)d)], header.FortranOrder, data);
    }

    /// <summary>Reads a 2-D file as a float64 matrix (any numeric dtype is widened), failing with a message naming the file otherwise.</summary>
    public static Matrix<double> ReadMatrix(string path) => ReadMatrix<double>(path);

    /// <summary>
    /// Reads a 2-D file as a matrix of <typeparamref name="T"/> (<see cref="double"/> or <see cref="float"/>).
    /// A float32 matrix is read only from float32 (or uint8) data, which it holds exactly; a float64
    /// file must be read as float64 and narrowed explicitly.
    /// </summary>
    public static Matrix<T> ReadMatrix<T>(string path) where T : unmanaged, INumberBase<T>, IEquatable<T>, IFormattable
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireMatrixElement<T>();
        return WithPath(path, stream => ReadMatrix<T>(stream, NpyChunks.DefaultBytes));
    }

    /// <summary>Reads a 2-D array from a stream positioned at the magic string as a matrix of <typeparamref name="T"/>.</summary>
    public static Matrix<T> ReadMatrix<T>(Stream stream) where T : unmanaged, INumberBase<T>, IEquatable<T>, IFormattable
    {
        RequireMatrixElement<T>();
        return ReadMatrix<T>(stream, NpyChunks.DefaultBytes);
    }

    internal static Matrix<T> ReadMatrix<T>(Stream stream, int chunkBytes) where T : unmanaged, INumberBase<T>, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = NpyHeader.Read(stream);
        if (header.Shape.Count != 2) throw new InvalidDataException($"expected a 2-D array, got shape {header.ShapeText}.");
        var values = ReadColumnMajor<T>(stream, header, (int)header.Shape[0], (int)header.Shape[1], chunkBytes);
        return Matrix<T>.Build.Dense((int)header.Shape[0], (int)header.Shape[1], values);
    }

    /// <summary>Reads a 1-D file as a float64 vector (an n×1 or 1×n 2-D file is accepted too).</summary>
    public static MathNet.Numerics.LinearAlgebra.Vector<double> ReadVector(string path) => ReadVector<double>(path);

    /// <summary>Reads a 1-D file (or an n×1 or 1×n 2-D file) as a vector of <typeparamref name="T"/>, under the rules of <see cref="ReadMatrix{T}(string)"/>.</summary>
    public static MathNet.Numerics.LinearAlgebra.Vector<T> ReadVector<T>(string path) where T : unmanaged, INumberBase<T>, IEquatable<T>, IFormattable
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        RequireMatrixElement<T>();
        return WithPath(path, stream =>
        {
            var header = NpyHeader.Read(stream);
            var shape = header.Shape;
            if (!(shape.Count == 1 || (shape.Count == 2 && (shape[0] == 1 || shape[1] == 1))))
                throw new InvalidDataException($"expected a 1-D array, got shape {header.ShapeText}.");
            // Either memory order of a single row or column is the same sequence of elements.
            int n = NpyChunks.InMemoryCount(header);
            return MathNet.Numerics.LinearAlgebra.Vector<T>.Build.Dense(ReadColumnMajor<T>(stream, header, n, 1, NpyChunks.DefaultBytes));
        });
    }

    private static T[] ReadColumnMajor<T>(Stream stream, NpyHeader header, int rows, int cols, int chunkBytes) where T : unmanaged, INumberBase<T>
    {
        int count = NpyChunks.InMemoryCount(header);
        var elements = NpyElements.For(header.DType);
        if (!stream.CanSeek)
        {
            // Unknown length: read the flat array as it arrives (it grows only with the data) and convert after.
            var data = elements.ReadFlat(stream, header, chunkBytes);
            var values = GC.AllocateUninitializedArray<T>(count);
            HugePageAdvice.Advise(values);
            elements.CopyColumnMajor(data, header.FortranOrder, values, rows, cols);
            return values;
        }
        var destination = GC.AllocateUninitializedArray<T>(count);
        HugePageAdvice.Advise(destination);
        elements.ReadColumnMajor(stream, header, destination, rows, cols, chunkBytes);
        return destination;
    }

    /// <summary>Writes an array.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(array);
        using var stream = CreateFile(path);
        Write(stream, array);
    }

    /// <summary>Writes an array to a stream.</summary>
    public static void Write(Stream stream, NpyArray array) => Write(stream, array, NpyChunks.DefaultBytes);

    internal static void Write(Stream stream, NpyArray array, int chunkBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        NpyHeader.Write(stream, array.DType, array.FortranOrder, [.. array.Shape.Select(d => (long)d)]);
        NpyElements.For(array.DType).WriteFlat(stream, array.Data, chunkBytes);
    }

    /// <summary>Writes a matrix as 2-D float64 in Fortran order.</summary>
    public static void Write(string path, Matrix<double> matrix) => WriteMatrix(path, matrix, NpyDType.Float64);

    /// <summary>Writes a matrix as 2-D float32 in Fortran order.</summary>
    public static void Write(string path, Matrix<float> matrix) => WriteMatrix(path, matrix, NpyDType.Float32);

    /// <summary>Writes a vector as 1-D float64.</summary>
    public static void Write(string path, MathNet.Numerics.LinearAlgebra.Vector<double> vector) => WriteVector(path, vector, NpyDType.Float64);

    /// <summary>Writes a vector as 1-D float32.</summary>
    public static void Write(string path, MathNet.Numerics.LinearAlgebra.Vector<float> vector) => WriteVector(path, vector, NpyDType.Float32);

    private static void WriteMatrix<T>(string path, Matrix<T> matrix, NpyDType dtype) where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(matrix);
        var values = LinearAlgebra.DenseStorage.ColumnMajor(matrix);
        using var stream = CreateFile(path);
        NpyHeader.Write(stream, dtype, fortranOrder: true, [matrix.RowCount, matrix.ColumnCount]);
        NpyChunks.Write<T>(stream, values, NpyChunks.DefaultBytes);
    }

    private static void WriteVector<T>(string path, MathNet.Numerics.LinearAlgebra.Vector<T> vector, NpyDType dtype) where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(vector);
        var values = LinearAlgebra.DenseStorage.Values(vector);
        using var stream = CreateFile(path);
        NpyHeader.Write(stream, dtype, fortranOrder: false, [vector.Count]);
        NpyChunks.Write<T>(stream, values, NpyChunks.DefaultBytes);
    }

    /// <summary>The element types a MathNet matrix of which the engine reads: double and float.</summary>
    internal static void RequireMatrixElement<T>()
    {
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"Matrices of {typeof(T).Name} are not supported; use double or float.");
    }

    // Large sequential transfers: no FileStream buffer to copy through, and a read-ahead hint.
    private static FileStream OpenFile(string path) => new(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);

    private static FileStream CreateFile(string path) => new(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 0);

    /// <summary>Runs a read on the opened file, adding the path to a malformed-data message.</summary>
    private static T WithPath<T>(string path, Func<Stream, T> read)
    {
        using var stream = OpenFile(path);
        try { return read(stream); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }
}
