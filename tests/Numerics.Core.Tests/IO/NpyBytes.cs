using System.Text;

namespace Numerics.Core.Tests.IO;

/// <summary>Builds .npy files byte for byte as numpy's format documents them, for the cases numpy's own writer does not produce.</summary>
internal static class NpyBytes
{
    /// <summary>Magic, version, little-endian header length, then the dict (space-padded to <paramref name="align"/> and newline-terminated when align &gt; 0).</summary>
    public static byte[] Header(string dict, int major = 1, int align = 0)
    {
        int prefix = major == 1 ? 10 : 12;
        string text = dict + "\n";
        if (align > 0) text = dict.PadRight((prefix + dict.Length + 1 + align - 1) / align * align - prefix - 1) + "\n";
        var body = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetBytes(text);
        var bytes = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)major, 0 };
        bytes.AddRange(major == 1 ? BitConverter.GetBytes((ushort)body.Length) : BitConverter.GetBytes((uint)body.Length));
        bytes.AddRange(body);
        return [.. bytes];
    }

    /// <summary>The path of a committed fixture (see Fixtures/README.md).</summary>
    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "IO", "Fixtures", name);

    /// <summary>A header followed by <paramref name="data"/>.</summary>
    public static byte[] File(string dict, byte[] data, int major = 1, int align = 64) => [.. Header(dict, major, align), .. data];

    /// <summary>The dict numpy writes for a dtype, order and shape text such as <c>(3, 4)</c>.</summary>
    public static string Dict(string descr, bool fortran, string shape) =>
        $"{{'descr': '{descr}', 'fortran_order': {(fortran ? "True" : "False")}, 'shape': {shape}, }}";

    /// <summary>Big-endian bytes of each value.</summary>
    public static byte[] BigEndian(double[] values) =>
        [.. values.SelectMany(v => BitConverter.GetBytes(v).Reverse())];

    /// <summary>A temporary file holding <paramref name="bytes"/>.</summary>
    public static string TempFile(byte[] bytes, string extension = ".npy")
    {
        string path = Path.Combine(Path.GetTempPath(), $"npy-{Guid.NewGuid():N}{extension}");
        System.IO.File.WriteAllBytes(path, bytes);
        return path;
    }

    /// <summary>A stream that reads like <paramref name="inner"/> but cannot seek, like a pipe or a deflated zip member.</summary>
    public sealed class NonSeekable(Stream inner) : Stream
    {
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override int Read(Span<byte> buffer) => inner.Read(buffer);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
