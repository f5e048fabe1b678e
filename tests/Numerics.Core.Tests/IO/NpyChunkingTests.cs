using MathNet.Numerics.LinearAlgebra;
using Numerics.IO;

namespace Numerics.Core.Tests.IO;

/// <summary>
/// Reads and writes with chunks of a few elements, so every chunk boundary, partial last chunk,
/// row block and split row of the full-size code paths is crossed on small arrays.
/// </summary>
public class NpyChunkingTests
{
    // 1 byte still moves one whole element per chunk; 24 and 40 bytes are 3 and 5 float64s
    // (and 6 and 10 float32s), odd against the 7×5 and 13×3 shapes.
    public static TheoryData<int, int, int, bool> Cases()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (int chunk in new[] { 1, 24, 40, 4096 })
            foreach (var (rows, cols) in new[] { (7, 5), (13, 3), (1, 9), (9, 1), (0, 4) })
                foreach (bool fortran in new[] { false, true })
                    data.Add(chunk, rows, cols, fortran);
        return data;
    }

    private static double Value(int i, int j) => i * 100 + j + 0.5;

    private static Array FileOrder<T>(int rows, int cols, bool fortran, Func<double, T> convert)
    {
        var values = new T[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++) values[fortran ? i + j * rows : i * cols + j] = convert(Value(i, j));
        return values;
    }

    private static Matrix<double> Expected(int rows, int cols, Func<double, double> round) => Matrix<double>.Build.Dense(rows, cols, (i, j) => round(Value(i, j)));

    [Theory, MemberData(nameof(Cases))]
    public void Every_numeric_dtype_round_trips_and_reads_as_a_matrix_across_chunk_boundaries(int chunk, int rows, int cols, bool fortran)
    {
        var arrays = new (Array Data, Func<double, double> Round)[]
        {
            (FileOrder(rows, cols, fortran, v => v), v => v),
            (FileOrder(rows, cols, fortran, v => (float)v), v => (float)v),
            (FileOrder(rows, cols, fortran, v => (int)v), v => (int)v),
            (FileOrder(rows, cols, fortran, v => (long)v), v => (long)v),
            (FileOrder(rows, cols, fortran, v => (byte)v), v => (byte)v),
        };
        foreach (var (data, round) in arrays)
        {
            var array = new NpyArray([rows, cols], fortran, data);
            using var small = new MemoryStream();
            Npy.Write(small, array, chunk);
            using var whole = new MemoryStream();
            Npy.Write(whole, array);
            Assert.Equal(whole.ToArray(), small.ToArray());

            small.Position = 0;
            var back = Npy.Read(small, chunk);
            Assert.Equal(data, back.Data);
            Assert.Equal(fortran, back.FortranOrder);

            small.Position = 0;
            Assert.Equal(Expected(rows, cols, round), Npy.ReadMatrix<double>(small, chunk));
            // The same through a stream of unknown length (a deflated .npz member).
            Assert.Equal(Expected(rows, cols, round), Npy.ReadMatrix<double>(new NpyBytes.NonSeekable(new MemoryStream(small.ToArray())), chunk));
            Assert.Equal(Expected(rows, cols, round), array.ToMatrix());
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Float32_stays_float32_across_chunk_boundaries(int chunk, int rows, int cols, bool fortran)
    {
        var array = new NpyArray([rows, cols], fortran, FileOrder(rows, cols, fortran, v => (float)v));
        using var stream = new MemoryStream();
        Npy.Write(stream, array, chunk);
        stream.Position = 0;
        var m = Npy.ReadMatrix<float>(stream, chunk);
        Assert.Equal(Matrix<float>.Build.Dense(rows, cols, (i, j) => (float)Value(i, j)), m);
        Assert.Equal(m, array.ToMatrix<float>());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(24)]
    public void Big_endian_files_swap_across_chunk_boundaries(int chunk)
    {
        const int rows = 11, cols = 4;
        foreach (bool fortran in new[] { false, true })
        {
            var values = (double[])FileOrder(rows, cols, fortran, v => v);
            var bytes = NpyBytes.File(NpyBytes.Dict(">f8", fortran, $"({rows}, {cols})"), NpyBytes.BigEndian(values));
            Assert.Equal(values, (double[])Npy.Read(new MemoryStream(bytes), chunk).Data);
            Assert.Equal(Expected(rows, cols, v => v), Npy.ReadMatrix<double>(new MemoryStream(bytes), chunk));
        }
    }

    [Fact]
    public void A_truncated_row_block_names_where_the_data_ends()
    {
        // Declared 7×5 float64 (280 bytes) with 200 present: 25 elements, inside the third two-row block.
        var bytes = NpyBytes.File(NpyBytes.Dict("<f8", false, "(7, 5)"), new byte[200]);
        var stream = new NpyBytes.NonSeekable(new MemoryStream(bytes));
        Assert.Contains("ends after 25", Assert.Throws<InvalidDataException>(() => Npy.Read(stream, 80)).Message);
    }

    [Fact]
    public void A_matrix_large_enough_for_the_parallel_transpose_reads_exactly()
    {
        // 600×300 C-order: over the parallel threshold, several bands, and a partial last tile (300 = 9·32 + 12).
        const int rows = 600, cols = 300;
        var array = new NpyArray([rows, cols], false, FileOrder(rows, cols, false, v => v));
        using var stream = new MemoryStream();
        Npy.Write(stream, array);
        stream.Position = 0;
        Assert.Equal(Expected(rows, cols, v => v), Npy.ReadMatrix<double>(stream));
        stream.Position = 0;
        // A row block smaller than the matrix: 1 MiB chunks are 436 rows of 300.
        Assert.Equal(Expected(rows, cols, v => v), Npy.ReadMatrix<double>(stream, 1 << 20));
    }
}
