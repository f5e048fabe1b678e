using MathNet.Numerics.LinearAlgebra;
using Numerics.IO;

namespace Numerics.Core.Tests.IO;

public class NpyMappedMatrixTests
{
    private static string Fixture(string name) => NpyBytes.Fixture(name);

    private static Matrix<double> Sample(int rows, int cols) => Matrix<double>.Build.Dense(rows, cols, (i, j) => Math.Sin(i * 0.37 + j * 1.91) * (j + 1));

    private static string WriteFile(Matrix<double> m, bool fortran, string descr = "<f8")
    {
        var values = fortran ? m.ToColumnMajorArray() : m.ToRowMajorArray();
        byte[] data = descr switch
        {
            "<f8" => [.. values.SelectMany(BitConverter.GetBytes)],
            ">f8" => NpyBytes.BigEndian(values),
            "<f4" => [.. values.SelectMany(v => BitConverter.GetBytes((float)v))],
            _ => throw new ArgumentException(descr),
        };
        return NpyBytes.TempFile(NpyBytes.File(NpyBytes.Dict(descr, fortran, $"({m.RowCount}, {m.ColumnCount})"), data));
    }

    [Theory]
    [InlineData(false, "<f8")]
    [InlineData(true, "<f8")]
    [InlineData(false, ">f8")]
    [InlineData(true, ">f8")]
    public void Row_blocks_match_the_full_read(bool fortran, string descr)
    {
        // 4000×40: blocks large enough for the parallel paths, plus odd blocks at the edges.
        var m = Sample(4000, 40);
        string path = WriteFile(m, fortran, descr);
        try
        {
            var full = Npy.ReadMatrix(path);
            Assert.Equal(m, full);
            using var mapped = NpyMappedMatrix.Open(path);
            Assert.Equal(4000, mapped.Rows);
            Assert.Equal(40, mapped.Columns);
            Assert.Equal(NpyDType.Float64, mapped.DType);
            Assert.Equal(fortran, mapped.FortranOrder);
            foreach (var (r0, k) in new[] { (0, 1), (0, 7), (7, 33), (40, 3000), (3999, 1), (3000, 1000), (17, 0) })
            {
                int ld = k + 3;
                var buffer = new double[ld * 40];
                Array.Fill(buffer, -7.0);
                mapped.CopyRows<double>(r0, k, buffer, ld);
                for (int j = 0; j < 40; j++)
                {
                    for (int i = 0; i < k; i++) Assert.Equal(full[r0 + i, j], buffer[i + j * ld]);
                    for (int i = k; i < ld; i++) Assert.Equal(-7.0, buffer[i + j * ld]); // padding untouched
                }
            }
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData(5, 0, false)]
    [InlineData(0, 0, false)]
    [InlineData(5, 0, true)]
    public void A_file_without_columns_reads_as_an_empty_matrix(int rows, int cols, bool fortran)
    {
        // numpy writes np.zeros((5, 0)) as a C-order file of no data; the row-block split divided by the column count.
        string path = WriteFile(Matrix<double>.Build.Dense(rows, cols), fortran);
        var m = Npy.ReadMatrix(path);
        Assert.Equal((rows, cols), (m.RowCount, m.ColumnCount));
        using var mapped = NpyMappedMatrix.Open(path);
        mapped.CopyRows<double>(0, rows, new double[1], Math.Max(rows, 1));
    }

    [Fact]
    public void Float32_files_copy_into_float_or_double_buffers()
    {
        var m = Sample(50, 6);
        string path = WriteFile(m, fortran: false, "<f4");
        try
        {
            using var mapped = NpyMappedMatrix.Open(path);
            Assert.Equal(NpyDType.Float32, mapped.DType);
            var asFloat = new float[10 * 6];
            mapped.CopyRows<float>(20, 10, asFloat, 10);
            var asDouble = new double[10 * 6];
            mapped.CopyRows<double>(20, 10, asDouble, 10);
            var expected = Npy.ReadMatrix<float>(path).SubMatrix(20, 10, 0, 6);
            Assert.Equal(expected.ToColumnMajorArray(), asFloat);
            Assert.Equal(expected.ToColumnMajorArray().Select(v => (double)v), asDouble);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_numpy_written_big_endian_fortran_file_maps()
    {
        using var mapped = NpyMappedMatrix.Open(Fixture("np_f8be_fortran_5x3.npy"));
        var buffer = new double[2 * 3];
        mapped.CopyRows<double>(3, 2, buffer, 2);
        // numpy wrote arange(15).reshape(5, 3) / 4: row i, column j holds (3i + j) / 4.
        Assert.Equal(new[] { 9 / 4.0, 12 / 4.0, 10 / 4.0, 13 / 4.0, 11 / 4.0, 14 / 4.0 }, buffer);
    }

    [Fact]
    public void Bad_requests_are_rejected_by_parameter()
    {
        string path = WriteFile(Sample(10, 3), fortran: false);
        try
        {
            using var mapped = NpyMappedMatrix.Open(path);
            var buffer = new double[30];
            Assert.Equal("firstRow", Assert.Throws<ArgumentOutOfRangeException>(() => mapped.CopyRows<double>(8, 3, buffer, 3)).ParamName);
            Assert.Equal("firstRow", Assert.Throws<ArgumentOutOfRangeException>(() => mapped.CopyRows<double>(-1, 1, buffer, 3)).ParamName);
            Assert.Equal("rowCount", Assert.Throws<ArgumentOutOfRangeException>(() => mapped.CopyRows<double>(0, -1, buffer, 3)).ParamName);
            Assert.Equal("leadingDimension", Assert.Throws<ArgumentOutOfRangeException>(() => mapped.CopyRows<double>(0, 4, buffer, 3)).ParamName);
            Assert.Equal("destination", Assert.Throws<ArgumentException>(() => mapped.CopyRows<double>(0, 5, buffer, 13)).ParamName);
            Assert.Throws<InvalidDataException>(() => mapped.CopyRows<float>(0, 1, new float[3], 1));
            mapped.Dispose();
            Assert.Throws<ObjectDisposedException>(() => mapped.CopyRows<double>(0, 1, buffer, 1));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Files_that_are_not_numeric_matrices_are_refused_naming_the_file()
    {
        string vector = NpyBytes.TempFile(NpyBytes.File(NpyBytes.Dict("<f8", false, "(3,)"), new byte[24]));
        string bools = NpyBytes.TempFile(NpyBytes.File(NpyBytes.Dict("|b1", false, "(1, 3)"), new byte[3]));
        try
        {
            Assert.Contains(Path.GetFileName(vector), Assert.Throws<InvalidDataException>(() => NpyMappedMatrix.Open(vector)).Message);
            Assert.Contains("bool", Assert.Throws<InvalidDataException>(() => NpyMappedMatrix.Open(bools)).Message);
        }
        finally { File.Delete(vector); File.Delete(bools); }
    }
}
