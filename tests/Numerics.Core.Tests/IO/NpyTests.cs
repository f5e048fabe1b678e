using System.Text;
using MathNet.Numerics.LinearAlgebra;
using Numerics.IO;

namespace Numerics.Core.Tests.IO;

public class NpyTests
{
    private static string Fixture(string name) => NpyBytes.Fixture(name);

    [Fact]
    public void Reads_numpy_written_int64_labels_and_uint8_images()
    {
        var labels = Npy.Read(Fixture("digits_labels.npy"));
        Assert.Equal(NpyDType.Int64, labels.DType);
        Assert.Equal([1797], labels.Shape);
        Assert.Equal(new long[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1 }, ((long[])labels.Data)[..12]);
        var images = Npy.Read(Fixture("digits_images.npy"));
        Assert.Equal(NpyDType.UInt8, images.DType);
        Assert.Equal([1797, 8, 8], images.Shape);
        // The first digit is a "0": its top row is 0 0 5 13 9 1 0 0 in the UCI data.
        Assert.Equal(new byte[] { 0, 0, 5, 13, 9, 1, 0, 0 }, ((byte[])images.Data)[..8]);
    }

    [Theory]
    [InlineData("f8_c_2x3.npy")]
    [InlineData("f4_fortran_2x3.npy")]
    [InlineData("f8_bigendian_2x3.npy")]
    public void Reads_the_same_matrix_from_every_layout(string file)
    {
        var m = Npy.ReadMatrix(Fixture(file));
        Assert.Equal(Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }), m);
    }

    [Fact]
    public void Reads_numpy_written_float32_c_order_and_bool_keeping_their_types()
    {
        // numpy: np.save(..., np.arange(12, dtype=np.float32).reshape(3, 4) * 0.5 - 1)
        var m = Npy.ReadMatrix<float>(Fixture("np_f4_c_3x4.npy"));
        Assert.Equal(Matrix<float>.Build.Dense(3, 4, (i, j) => (4 * i + j) * 0.5f - 1), m);
        Assert.Equal(m.Map(v => (double)v), Npy.ReadMatrix(Fixture("np_f4_c_3x4.npy")));
        var mask = Npy.Read(Fixture("np_bool_2x3.npy"));
        Assert.Equal(NpyDType.Bool, mask.DType);
        Assert.Equal(new[] { true, false, true, false, false, true }, (bool[])mask.Data);
        Assert.Equal(Matrix<double>.Build.Dense(5, 3, (i, j) => (3 * i + j) / 4.0), Npy.ReadMatrix(Fixture("np_f8be_fortran_5x3.npy")));
    }

    [Fact]
    public void Float32_matrices_and_vectors_round_trip_as_float32()
    {
        var m = Matrix<float>.Build.Dense(4, 3, (i, j) => i - 2.25f * j);
        string path = Path.GetTempFileName();
        try
        {
            Npy.Write(path, m);
            Assert.Equal(NpyDType.Float32, Npy.ReadHeader(path).DType);
            Assert.True(Npy.ReadHeader(path).FortranOrder);
            Assert.Equal(m, Npy.ReadMatrix<float>(path));
            Assert.Equal(m.Map(v => (double)v), Npy.ReadMatrix(path));
            Npy.Write(path, m.Row(2));
            Assert.Equal(m.Row(2), Npy.ReadVector<float>(path));
            Assert.Equal(m.Row(2).Map(v => (double)v), Npy.ReadVector(path));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Reads_version_2_and_3_headers()
    {
        Assert.Equal(new[] { -1, 0, 7, int.MaxValue }, (int[])Npy.Read(Fixture("i4_v2_vector.npy")).Data);
        Assert.Equal(new[] { 0.5, -1e300, 2.5e-310 }, Npy.ReadVector(Fixture("f8_v3_vector.npy")).ToArray());
    }

    public static TheoryData<NpyArray> Arrays() => new()
    {
        new NpyArray([2, 3], false, new double[] { 1, 2, 3, 4, 5, double.NaN }),
        new NpyArray([3, 2], true, new float[] { 1, 2, 3, 4, 5, 6 }),
        new NpyArray([4], false, new int[] { -5, 0, 5, int.MinValue }),
        new NpyArray([2, 2, 2], false, new long[] { 1, 2, 3, 4, 5, 6, 7, long.MaxValue }),
        new NpyArray([0, 3], false, Array.Empty<double>()),
        new NpyArray([], false, new double[] { 42 }),
        new NpyArray([5], false, new byte[] { 0, 1, 2, 254, 255 }),
        new NpyArray([2, 3], true, new bool[] { true, false, false, true, true, false }),
        new NpyArray([3, 2], false, new int[] { 1, 2, 3, 4, 5, 6 }),
        new NpyArray([2, 3], true, new long[] { -1, 2, -3, 4, -5, 6 }),
    };

    [Theory, MemberData(nameof(Arrays))]
    public void Round_trips_every_dtype_order_and_rank(NpyArray array)
    {
        using var stream = new MemoryStream();
        Npy.Write(stream, array);
        Assert.Equal(0, HeaderEnd(stream.ToArray()) % 64); // data starts on a 64-byte boundary, as numpy writes
        stream.Position = 0;
        var back = Npy.Read(stream);
        Assert.Equal(array.Shape, back.Shape);
        Assert.Equal(array.DType, back.DType);
        Assert.Equal(array.FortranOrder, back.FortranOrder);
        Assert.Equal(array.Data, back.Data);
    }

    private static int HeaderEnd(byte[] bytes) => 10 + BitConverter.ToUInt16(bytes, 8);

    [Fact]
    public void Matrix_round_trip_through_a_file_keeps_values_and_shape()
    {
        var m = Matrix<double>.Build.Dense(5, 3, (i, j) => i * 10 + j + 0.25);
        string path = Path.GetTempFileName();
        try
        {
            Npy.Write(path, m);
            Assert.Equal(m, Npy.ReadMatrix(path));
            Npy.Write(path, m.Column(1));
            Assert.Equal(m.Column(1), Npy.ReadVector(path));
        }
        finally { File.Delete(path); }
    }

    public static TheoryData<string, byte[]> Malformed()
    {
        static byte[] Header(string dict) => NpyBytes.Header(dict);
        return new TheoryData<string, byte[]>
        {
            { "bad magic", Encoding.ASCII.GetBytes("PK\x03\x04 not numpy at all") },
            { "ends inside", new byte[] { 0x93, (byte)'N', (byte)'U' } },
            { "unsupported .npy format version 9", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 9, 0, 0, 0] },
            { "unsupported .npy format version 1.1", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 1, 0, 0] },
            { "exceeds the 65536-byte limit", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0, 0, 0, 1] },
            { "duplicate key 'shape'", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'shape': (1,), }") },
            { "unexpected text after", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), } x") },
            { "structured dtypes are not supported", Header("{'descr': [('a', '<f8')], 'fortran_order': False, 'shape': (1,), }") },
            { "no byte-order character", Header("{'descr': 'f8', 'fortran_order': False, 'shape': (1,), }") },
            { "more than 64 dimensions", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (" + string.Concat(Enumerable.Repeat("1, ", 65)) + "), }") },
            { "exceeds 64 bits", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,), }") },
            { "more elements than a 64-bit count", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (4294967296, 4294967296), }") },
            { "more bytes than a 64-bit size", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (2305843009213693952,), }") },
            { "unsupported dtype", Header("{'descr': '<c16', 'fortran_order': False, 'shape': (1,), }") },
            { "truncated", [.. Header("{'descr': '<f8', 'fortran_order': False, 'shape': (4,), }"), .. new byte[16]] },
            { "fortran_order must be", Header("{'descr': '<f8', 'fortran_order': maybe, 'shape': (1,), }") },
            { "shape entries", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (-1,), }") },
            { "are all required", Header("{'descr': '<f8', 'shape': (1,), }") },
            { "unexpected key", Header("{'descr': '<f8', 'fortran_order': False, 'shape': (1,), 'extra': 1}") },
            { "ends inside the header", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 200, 0, (byte)'{'] },
        };
    }

    [Theory, MemberData(nameof(Malformed))]
    public void Malformed_files_fail_with_a_clear_message(string expected, byte[] bytes)
    {
        var e = Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream(bytes)));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void Wrong_rank_is_reported_with_the_file_name()
    {
        var e = Assert.Throws<InvalidDataException>(() => Npy.ReadMatrix(Fixture("digits_labels.npy")));
        Assert.Contains("digits_labels.npy", e.Message);
        Assert.Contains("2-D", e.Message);
    }

    [Fact]
    public void Constructor_rejects_mismatched_data()
    {
        Assert.Equal("data", Assert.Throws<ArgumentException>(() => new NpyArray([2, 2], false, new double[3])).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => new NpyArray([-1], false, new double[0])).ParamName);
    }
}
