using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using MathNet.Numerics.LinearAlgebra;

namespace Numerics.IO;

/// <summary>
/// Reads and writes numpy <c>.npy</c> files: format versions 1.0, 2.0 and 3.0; float64, float32,
/// int32, int64 (and uint8 for reading); little- or big-endian; C or Fortran order; any rank.
/// </summary>
/// <remarks>
/// Malformed files raise <see cref="InvalidDataException"/> saying what is wrong and where.
/// Writing uses version 1.0 unless the header needs more than 65535 bytes, little-endian, and
/// pads the header so the data starts on a 64-byte boundary, as numpy does.
/// </remarks>
public static class Npy
{
    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a file.</summary>
    public static NpyArray Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        try { return Read(stream); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    /// <summary>Reads an array from a stream positioned at the magic string.</summary>
    public static NpyArray Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, "the magic string and version");
        if (!prefix[..6].SequenceEqual(Magic)) throw new InvalidDataException("not a .npy file (bad magic string).");
        int major = prefix[6];
        if (major is < 1 or > 3) throw new InvalidDataException($"unsupported .npy format version {major}.{prefix[7]}.");
        Span<byte> lenBytes = stackalloc byte[major == 1 ? 2 : 4];
        ReadExactly(stream, lenBytes, "the header length");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lenBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lenBytes);
        if (headerLength > 1 << 24) throw new InvalidDataException($"header length {headerLength} is implausibly large.");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "the header");
        string header = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var (descr, fortran, shape) = ParseHeader(header);

        char endian = descr[0];
        string kind = descr[1..];
        if (endian is not ('<' or '>' or '|' or '='))
            throw new InvalidDataException($"dtype '{descr}' has no byte-order character.");
        bool swap = endian == '>' ? BitConverter.IsLittleEndian : endian == '<' && !BitConverter.IsLittleEndian;
        long count = 1;
        foreach (var d in shape) count = checked(count * d);
        if (count > Array.MaxLength) throw new InvalidDataException($"shape ({string.Join(", ", shape)}) is too large to load.");
        int n = (int)count;
        Array data = kind switch
        {
            "f8" => ReadData<double>(stream, n, swap),
            "f4" => ReadData<float>(stream, n, swap),
            "i4" => ReadData<int>(stream, n, swap),
            "i8" => ReadData<long>(stream, n, swap),
            "u1" => ReadData<byte>(stream, n, false),
            _ => throw new InvalidDataException($"unsupported dtype '{descr}' (supported: f8, f4, i4, i8, u1)."),
        };
        return new NpyArray(shape, fortran, data);
    }

    /// <summary>Reads a 2-D file as a matrix, failing with a message naming the file otherwise.</summary>
    public static Matrix<double> ReadMatrix(string path)
    {
        var array = Read(path);
        if (array.Shape.Count != 2) throw new InvalidDataException($"{path}: expected a 2-D array, got shape ({string.Join(", ", array.Shape)}).");
        return array.ToMatrix();
    }

    /// <summary>Reads a 1-D file as a vector (an n×1 or 1×n 2-D file is accepted too).</summary>
    public static Vector<double> ReadVector(string path)
    {
        var array = Read(path);
        if (array.Shape.Count == 1) return array.ToVector();
        if (array.Shape.Count == 2 && (array.Shape[0] == 1 || array.Shape[1] == 1))
            return MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(array.ToDoubleArray());
        throw new InvalidDataException($"{path}: expected a 1-D array, got shape ({string.Join(", ", array.Shape)}).");
    }

    /// <summary>Writes an array.</summary>
    public static void Write(string path, NpyArray array)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.Create(path);
        Write(stream, array);
    }

    /// <summary>Writes a matrix as 2-D float64 in Fortran order.</summary>
    public static void Write(string path, Matrix<double> matrix) => Write(path, NpyArray.FromMatrix(matrix));

    /// <summary>Writes a vector as 1-D float64.</summary>
    public static void Write(string path, MathNet.Numerics.LinearAlgebra.Vector<double> vector) => Write(path, NpyArray.FromVector(vector));

    /// <summary>Writes an array to a stream.</summary>
    public static void Write(Stream stream, NpyArray array)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(array);
        string descr = array.DType switch
        {
            NpyDType.Float64 => "<f8",
            NpyDType.Float32 => "<f4",
            NpyDType.Int32 => "<i4",
            NpyDType.Int64 => "<i8",
            _ => "|u1",
        };
        string shape = array.Shape.Count == 1 ? $"({array.Shape[0]},)" : $"({string.Join(", ", array.Shape)})";
        string dict = $"{{'descr': '{descr}', 'fortran_order': {(array.FortranOrder ? "True" : "False")}, 'shape': {shape}, }}";
        int major = dict.Length + 1 + 10 > ushort.MaxValue ? 2 : 1;
        int prefix = 6 + 2 + (major == 1 ? 2 : 4);
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - prefix - 1) + "\n";
        stream.Write(Magic);
        stream.WriteByte((byte)major);
        stream.WriteByte(0);
        Span<byte> len = stackalloc byte[4];
        if (major == 1) { BinaryPrimitives.WriteUInt16LittleEndian(len, (ushort)header.Length); stream.Write(len[..2]); }
        else { BinaryPrimitives.WriteUInt32LittleEndian(len, (uint)header.Length); stream.Write(len); }
        stream.Write(Encoding.Latin1.GetBytes(header));
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Writing .npy needs a little-endian machine.");
        switch (array.Data)
        {
            case double[] d: stream.Write(MemoryMarshal.AsBytes(d.AsSpan())); break;
            case float[] f: stream.Write(MemoryMarshal.AsBytes(f.AsSpan())); break;
            case int[] i: stream.Write(MemoryMarshal.AsBytes(i.AsSpan())); break;
            case long[] l: stream.Write(MemoryMarshal.AsBytes(l.AsSpan())); break;
            case byte[] b: stream.Write(b); break;
        }
    }

    private static T[] ReadData<T>(Stream stream, int count, bool swap) where T : unmanaged
    {
        var data = new T[count];
        var bytes = MemoryMarshal.AsBytes(data.AsSpan());
        int read = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
        if (read < bytes.Length)
            throw new InvalidDataException($"data is truncated: the shape needs {bytes.Length} bytes but only {read} follow the header.");
        if (swap)
        {
            int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
            for (int i = 0; i < bytes.Length; i += size) bytes.Slice(i, size).Reverse();
        }
        return data;
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw new InvalidDataException($"file ends inside {what}.");
    }

    /// <summary>Parses the Python dict literal: {'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }.</summary>
    internal static (string Descr, bool Fortran, int[] Shape) ParseHeader(string header)
    {
        string? descr = null;
        bool? fortran = null;
        int[]? shape = null;
        int pos = 0;
        void SkipSpace() { while (pos < header.Length && char.IsWhiteSpace(header[pos])) pos++; }
        InvalidDataException Bad(string why) => new($"malformed header ({why}): {header.Trim()}");
        string ReadString()
        {
            SkipSpace();
            if (pos >= header.Length || (header[pos] != '\'' && header[pos] != '"')) throw Bad("expected a quoted string");
            char quote = header[pos++];
            int end = header.IndexOf(quote, pos);
            if (end < 0) throw Bad("unterminated string");
            string s = header[pos..end];
            pos = end + 1;
            return s;
        }
        void Expect(char c)
        {
            SkipSpace();
            if (pos >= header.Length || header[pos] != c) throw Bad($"expected '{c}'");
            pos++;
        }

        Expect('{');
        while (true)
        {
            SkipSpace();
            if (pos < header.Length && header[pos] == '}') break;
            string key = ReadString();
            Expect(':');
            SkipSpace();
            switch (key)
            {
                case "descr":
                    descr = ReadString();
                    if (descr.Length < 2) throw Bad($"dtype '{descr}' is too short");
                    break;
                case "fortran_order":
                    if (header.AsSpan(pos).StartsWith("True")) { fortran = true; pos += 4; }
                    else if (header.AsSpan(pos).StartsWith("False")) { fortran = false; pos += 5; }
                    else throw Bad("fortran_order must be True or False");
                    break;
                case "shape":
                    Expect('(');
                    var dims = new List<int>();
                    while (true)
                    {
                        SkipSpace();
                        if (pos < header.Length && header[pos] == ')') { pos++; break; }
                        int start = pos;
                        while (pos < header.Length && char.IsDigit(header[pos])) pos++;
                        if (start == pos || !int.TryParse(header.AsSpan(start, pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out int d))
                            throw Bad("shape entries must be non-negative integers");
                        dims.Add(d);
                        SkipSpace();
                        if (pos < header.Length && header[pos] == ',') pos++;
                    }
                    shape = dims.ToArray();
                    break;
                default:
                    throw Bad($"unexpected key '{key}'");
            }
            SkipSpace();
            if (pos < header.Length && header[pos] == ',') pos++;
        }
        if (descr is null || fortran is null || shape is null) throw Bad("descr, fortran_order and shape are all required");
        return (descr, fortran.Value, shape);
    }
}
