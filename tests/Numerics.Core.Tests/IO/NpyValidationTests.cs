using MathNet.Numerics.LinearAlgebra;
using Numerics.IO;

namespace Numerics.Core.Tests.IO;

/// <summary>Hostile and unusual headers: what is rejected before anything large is allocated, and what numpy-compatible variants still read.</summary>
public class NpyValidationTests
{
    /// <summary>
    /// What a rejected read may allocate: the header, the exception and its message. A shape bomb
    /// that allocated its declared array would cost gigabytes, so a 1 MiB ceiling cannot be met by accident.
    /// </summary>
    private const long SmallAllocation = 1 << 20;

    private static long AllocatedBy(Action action)
    {
        action(); // once to warm up: JIT and first-exception costs are not the reader's allocations
        long before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    private static void RejectedCheaply(byte[] file, string expected)
    {
        string path = NpyBytes.TempFile(file);
        try
        {
            void Read(Action<string> read) =>
                Assert.True(AllocatedBy(() => Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => read(path)).Message)) < SmallAllocation);
            Read(p => Npy.Read(p));
            Read(p => Npy.ReadMatrix(p));
            Read(p => Npy.ReadMatrix<float>(p));
            Read(p => Npy.ReadHeader(p));
            Read(p => NpyMappedMatrix.Open(p).Dispose());
            Assert.Contains(Path.GetFileName(path), Assert.Throws<InvalidDataException>(() => Npy.Read(path)).Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void A_129_byte_file_declaring_a_huge_shape_is_rejected_without_a_large_allocation()
    {
        // 3e8 float64 elements (2.4 GB) declared, one element present: the file is 129 bytes long.
        var file = NpyBytes.File(NpyBytes.Dict("<f4", false, "(20000, 15000)"), new byte[1], align: 0);
        var padded = NpyBytes.File(NpyBytes.Dict("<f8", false, "(20000, 15000)"), [], align: 0);
        padded = [.. padded, .. new byte[129 - padded.Length]];
        Assert.Equal(129, padded.Length);
        RejectedCheaply(padded, "data is truncated");
        RejectedCheaply(file, "needs 1200000000 bytes");
    }

    [Fact]
    public void A_truncated_file_is_rejected_without_a_large_allocation()
    {
        // 64 MB declared, 1000 bytes present.
        RejectedCheaply(NpyBytes.File(NpyBytes.Dict("<f8", true, "(4096, 2048)"), new byte[1000]), "only 1000 follow the header");
    }

    [Fact]
    public void Shapes_beyond_what_an_array_holds_are_rejected_by_name_not_by_overflow()
    {
        // 3e9 elements: representable as a count, and the file is short, so truncation is found first.
        RejectedCheaply(NpyBytes.File(NpyBytes.Dict("|u1", false, "(3000000000,)"), new byte[8]), "data is truncated");
        // A zero-length array with a dimension no .NET array can index.
        var e = Assert.Throws<InvalidDataException>(() => Npy.Read(new MemoryStream(NpyBytes.File(NpyBytes.Dict("<f8", false, "(0, 3000000000)"), []))));
        Assert.Contains("dimension beyond", e.Message);
    }

    [Fact]
    public void A_non_seekable_stream_that_lies_about_its_length_allocates_only_as_data_arrives()
    {
        // 800 MB declared, 4 KB present: the array grows with the data, so the allocation is one chunk, not the declared size.
        var bytes = NpyBytes.File(NpyBytes.Dict("<f8", false, "(100000000,)"), new byte[4096]);
        long allocated = AllocatedBy(() =>
            Assert.Contains("ends after 512", Assert.Throws<InvalidDataException>(() => Npy.Read(new NpyBytes.NonSeekable(new MemoryStream(bytes)))).Message));
        Assert.True(allocated < 2 * (1 << 22) + SmallAllocation, $"allocated {allocated} bytes");
    }

    [Theory]
    [InlineData(1, 64)]   // what numpy ≥ 1.9 writes
    [InlineData(1, 16)]   // what older numpy wrote
    [InlineData(1, 0)]    // no padding at all
    [InlineData(2, 64)]
    [InlineData(3, 64)]
    public void Header_versions_and_padding_that_numpy_documents_all_read(int major, int align)
    {
        double[] values = [1.5, -2, 3e-300, double.MaxValue, 0, -0.0];
        var bytes = NpyBytes.File(NpyBytes.Dict("<f8", false, "(2, 3)"), [.. values.SelectMany(BitConverter.GetBytes)], major, align);
        var m = Npy.ReadMatrix<double>(new MemoryStream(bytes));
        Assert.Equal(Matrix<double>.Build.DenseOfRowMajor(2, 3, values), m);
        Assert.Equal(values, (double[])Npy.Read(new MemoryStream(bytes)).Data);
    }

    [Fact]
    public void Python_2_long_literals_and_a_tuple_without_a_trailing_comma_read()
    {
        var bytes = NpyBytes.File("{'descr': '<i4', 'fortran_order': False, 'shape': (2L, 1L)}", [.. new[] { 7, -8 }.SelectMany(BitConverter.GetBytes)]);
        var array = Npy.Read(new MemoryStream(bytes));
        Assert.Equal([2, 1], array.Shape);
        Assert.Equal(new[] { 7, -8 }, (int[])array.Data);
    }

    [Fact]
    public void Big_endian_data_of_every_width_is_byte_swapped()
    {
        double[] values = [1, -2.5, 1e300, 7];
        var f8 = NpyBytes.File(NpyBytes.Dict(">f8", false, "(2, 2)"), NpyBytes.BigEndian(values));
        Assert.Equal(Matrix<double>.Build.DenseOfRowMajor(2, 2, values), Npy.ReadMatrix<double>(new MemoryStream(f8)));
        var f4 = NpyBytes.File(NpyBytes.Dict(">f4", true, "(2, 2)"), [.. values.SelectMany(v => BitConverter.GetBytes((float)v).Reverse())]);
        Assert.Equal(Matrix<float>.Build.Dense(2, 2, [.. values.Select(v => (float)v)]), Npy.ReadMatrix<float>(new MemoryStream(f4)));
        var i8 = NpyBytes.File(NpyBytes.Dict(">i8", false, "(3,)"), [.. new long[] { 1, -1, long.MinValue }.SelectMany(v => BitConverter.GetBytes(v).Reverse())]);
        Assert.Equal(new long[] { 1, -1, long.MinValue }, (long[])Npy.Read(new MemoryStream(i8)).Data);
        var i4 = NpyBytes.File(NpyBytes.Dict(">i4", false, "(2,)"), [.. new[] { 5, int.MinValue }.SelectMany(v => BitConverter.GetBytes(v).Reverse())]);
        Assert.Equal(new[] { 5, int.MinValue }, (int[])Npy.Read(new MemoryStream(i4)).Data);
    }

    [Fact]
    public void The_header_reports_what_the_file_declares()
    {
        var header = NpyHeader.Read(new MemoryStream(NpyBytes.File(NpyBytes.Dict(">f4", true, "(3, 5, 2)"), new byte[120])));
        Assert.Equal(NpyDType.Float32, header.DType);
        Assert.True(header.BigEndian);
        Assert.True(header.FortranOrder);
        Assert.Equal([3L, 5, 2], header.Shape);
        Assert.Equal(30, header.ElementCount);
        Assert.Equal(120, header.DataBytes);
        Assert.Equal(128, header.DataOffset);
        Assert.Equal("(3, 5, 2)", header.ShapeText);
    }

    [Fact]
    public void Bool_values_other_than_zero_and_one_read_as_true()
    {
        var array = Npy.Read(new MemoryStream(NpyBytes.File(NpyBytes.Dict("|b1", false, "(4,)"), [0, 1, 2, 255])));
        Assert.Equal(NpyDType.Bool, array.DType);
        Assert.Equal(new[] { false, true, true, true }, (bool[])array.Data);
        // Stored as the canonical byte 1, so bool equality and bitwise operations behave.
        Assert.Equal(new byte[] { 0, 1, 1, 1 }, System.Runtime.InteropServices.MemoryMarshal.AsBytes(((bool[])array.Data).AsSpan()).ToArray());
    }

    [Fact]
    public void Bool_and_narrowing_reads_into_matrices_are_refused()
    {
        var bools = NpyBytes.File(NpyBytes.Dict("|b1", false, "(1, 2)"), [0, 1]);
        Assert.Contains("bool", Assert.Throws<InvalidDataException>(() => Npy.ReadMatrix<double>(new MemoryStream(bools))).Message);
        var f8 = NpyBytes.File(NpyBytes.Dict("<f8", false, "(1, 1)"), new byte[8]);
        Assert.Contains("float32 cannot hold", Assert.Throws<InvalidDataException>(() => Npy.ReadMatrix<float>(new MemoryStream(f8))).Message);
        Assert.Throws<NotSupportedException>(() => Npy.ReadMatrix<int>(new MemoryStream(f8)));
    }
}
