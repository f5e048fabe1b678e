using System.IO.Compression;
using Numerics.IO;

namespace Numerics.Core.Tests.IO;

public class NpzTests
{
    private static string Fixture(string name) => NpyBytes.Fixture(name);

    [Theory]
    [InlineData("np_savez.npz")]
    [InlineData("np_savez_compressed.npz")]
    public void Reads_archives_numpy_wrote(string file)
    {
        var arrays = Npz.Read(Fixture(file));
        Assert.Equal(["a", "labels", "mask"], arrays.Keys);
        // a = arange(12, dtype=float32).reshape(3, 4) * 0.5 - 1, in C order.
        Assert.Equal(NpyDType.Float32, arrays["a"].DType);
        Assert.Equal(MathNet.Numerics.LinearAlgebra.Matrix<float>.Build.Dense(3, 4, (i, j) => (4 * i + j) * 0.5f - 1), arrays["a"].ToMatrix<float>());
        Assert.Equal(new long[] { 3, 1, 4, 1, 5 }, (long[])arrays["labels"].Data);
        Assert.Equal([2, 3], arrays["mask"].Shape);
        Assert.Equal(new[] { true, false, true, false, false, true }, (bool[])arrays["mask"].Data);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Round_trips_named_arrays_stored_or_compressed(bool compressed)
    {
        var arrays = new Dictionary<string, NpyArray>
        {
            ["x"] = new([2, 3], true, new double[] { 1, 2, 3, 4, 5, double.NaN }),
            ["flags"] = new([3], false, new[] { true, false, true }),
            ["counts"] = new([2, 2], false, new long[] { 1, -2, 3, long.MaxValue }),
            ["image"] = new([1000], false, new byte[1000]),
        };
        using var stream = new MemoryStream();
        Npz.Write(stream, arrays, compressed);
        stream.Position = 0;
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true))
        {
            Assert.Equal(["x.npy", "flags.npy", "counts.npy", "image.npy"], zip.Entries.Select(e => e.FullName));
            var image = zip.GetEntry("image.npy")!;
            // numpy.savez stores members; savez_compressed deflates them.
            Assert.Equal(compressed, image.CompressedLength < image.Length);
        }
        stream.Position = 0;
        var back = Npz.Read(stream);
        Assert.Equal(arrays.Keys, back.Keys);
        foreach (var (name, array) in arrays)
        {
            Assert.Equal(array.Shape, back[name].Shape);
            Assert.Equal(array.FortranOrder, back[name].FortranOrder);
            Assert.Equal(array.Data, back[name].Data);
        }
    }

    [Fact]
    public void Bad_names_are_rejected_before_anything_is_written()
    {
        var a = new NpyArray([1], false, new double[1]);
        using var stream = new MemoryStream();
        Assert.Equal("arrays", Assert.Throws<ArgumentException>(() => Npz.Write(stream, [new("", a)])).ParamName);
        Assert.Equal("arrays", Assert.Throws<ArgumentException>(() => Npz.Write(stream, [new("a", a), new("a", a)])).ParamName);
        foreach (var name in new[] { "../evil", "/abs", "a/b", "a\\b", "..", ".", "nul\0" })
            Assert.Equal("arrays", Assert.Throws<ArgumentException>(() => Npz.Write(stream, [new(name, a)])).ParamName);
        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public void A_bad_member_is_named_in_the_error()
    {
        using var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var ok = zip.CreateEntry("ok.npy").Open()) Npy.Write(ok, new NpyArray([1], false, new double[1]));
            using var bad = zip.CreateEntry("short.npy", CompressionLevel.Optimal).Open();
            bad.Write(NpyBytes.File(NpyBytes.Dict("<f8", false, "(1000000,)"), new byte[64]));
        }
        stream.Position = 0;
        var e = Assert.Throws<InvalidDataException>(() => Npz.Read(stream));
        Assert.Contains("short.npy", e.Message);
        Assert.Contains("truncated", e.Message);

        using var notes = new MemoryStream();
        using (var zip = new ZipArchive(notes, ZipArchiveMode.Create, leaveOpen: true))
            zip.CreateEntry("notes.txt");
        notes.Position = 0;
        Assert.Contains("notes.txt", Assert.Throws<InvalidDataException>(() => Npz.Read(notes)).Message);
    }
}
