using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Numerics.IO;

/// <summary>
/// The validated header of a <c>.npy</c> file: element type, byte order, memory order and shape,
/// and where the data starts.
/// </summary>
/// <remarks>
/// <see cref="Read"/> checks everything numpy's format documents before any array is allocated:
/// the magic string; the version (1.0, 2.0 or 3.0); a header length of at most
/// <see cref="MaxHeaderBytes"/> that the stream actually holds; the dict literal with exactly the
/// keys <c>descr</c>, <c>fortran_order</c> and <c>shape</c>; a supported dtype; at most
/// <see cref="MaxDimensions"/> non-negative dimensions whose element count and byte count fit
/// in 64 bits; and, when the stream can seek, that the bytes after the header hold the whole
/// array. A shape bomb (a tiny file declaring a huge shape) or a truncated file therefore fails
/// while only the header has been read.
/// </remarks>
public sealed class NpyHeader
{
    /// <summary>numpy's limit on the number of dimensions (<c>NPY_MAXDIMS</c> in numpy 2).</summary>
    public const int MaxDimensions = 64;

    /// <summary>
    /// The longest header accepted. A header for a supported dtype and <see cref="MaxDimensions"/>
    /// 20-digit dimensions is under 2 KiB; the bound stops a corrupt length field from allocating.
    /// </summary>
    public const int MaxHeaderBytes = 1 << 16;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(NpyDType dtype, bool bigEndian, bool fortranOrder, long[] shape, long elementCount, long dataOffset)
    {
        DType = dtype;
        BigEndian = bigEndian;
        FortranOrder = fortranOrder;
        Shape = shape;
        ElementCount = elementCount;
        DataOffset = dataOffset;
    }

    /// <summary>The element type.</summary>
    public NpyDType DType { get; }

    /// <summary>True when the file stores multi-byte elements big-endian (<c>&gt;f8</c>); readers swap them.</summary>
    public bool BigEndian { get; }

    /// <summary>True when the data is column-major (Fortran order).</summary>
    public bool FortranOrder { get; }

    /// <summary>The dimensions.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The number of elements (the product of <see cref="Shape"/>).</summary>
    public long ElementCount { get; }

    /// <summary>Bytes per element.</summary>
    public int ItemSize => NpyDTypeCodes.SizeOf(DType);

    /// <summary>Bytes of data the header declares.</summary>
    public long DataBytes => ElementCount * ItemSize;

    /// <summary>Bytes from the magic string to the first element.</summary>
    public long DataOffset { get; }

    /// <summary>True when the file's byte order differs from this machine's.</summary>
    internal bool NeedsByteSwap => ItemSize > 1 && BigEndian == BitConverter.IsLittleEndian;

    /// <summary>The shape as numpy prints it, for messages: <c>(3, 4)</c>, <c>(5,)</c>.</summary>
    public string ShapeText => FormatShape(Shape);

    /// <summary>Reads and validates a header from a stream positioned at the magic string.</summary>
    /// <exception cref="InvalidDataException">The header is malformed or unsupported, or (for a seekable stream) the data is shorter than declared.</exception>
    public static NpyHeader Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        long start = stream.CanSeek ? stream.Position : 0;
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, "the magic string and version");
        if (!prefix[..6].SequenceEqual(Magic)) throw new InvalidDataException("not a .npy file (bad magic string).");
        int major = prefix[6], minor = prefix[7];
        if (major is < 1 or > 3 || minor != 0) throw new InvalidDataException($"unsupported .npy format version {major}.{minor} (supported: 1.0, 2.0, 3.0).");
        Span<byte> lengthBytes = stackalloc byte[major == 1 ? 2 : 4];
        ReadExactly(stream, lengthBytes, "the header length");
        long headerLength = major == 1 ? BinaryPrimitives.ReadUInt16LittleEndian(lengthBytes) : BinaryPrimitives.ReadUInt32LittleEndian(lengthBytes);
        long dataOffset = prefix.Length + lengthBytes.Length + headerLength;
        if (headerLength > MaxHeaderBytes) throw new InvalidDataException($"header length {headerLength} exceeds the {MaxHeaderBytes}-byte limit.");
        long available = stream.CanSeek ? stream.Length - stream.Position : long.MaxValue;
        if (headerLength > available) throw new InvalidDataException($"file ends inside the header ({headerLength} bytes declared, {available} present).");
        var headerBytes = new byte[headerLength];
        ReadExactly(stream, headerBytes, "the header");
        // Version 3.0 exists only to allow UTF-8 in structured field names; 1.0 and 2.0 are Latin-1.
        string text = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(headerBytes);
        var header = Parse(text, dataOffset);
        if (stream.CanSeek && stream.Length - (start + dataOffset) < header.DataBytes)
            throw new InvalidDataException(
                $"data is truncated: shape {header.ShapeText} of {NpyDTypeCodes.Descriptor(header.DType)[1..]} needs {header.DataBytes} bytes "
                + $"but only {Math.Max(0, stream.Length - (start + dataOffset))} follow the header.");
        return header;
    }

    /// <summary>Writes a version 1.0 header (2.0 when it needs more than 65535 bytes), padded so the data starts on a 64-byte boundary as numpy does.</summary>
    internal static void Write(Stream stream, NpyDType dtype, bool fortranOrder, IReadOnlyList<long> shape)
    {
        string dict = $"{{'descr': '{NpyDTypeCodes.Descriptor(dtype)}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {FormatShape(shape)}, }}";
        int major = dict.Length + 1 + 10 > ushort.MaxValue ? 2 : 1;
        int prefix = 8 + (major == 1 ? 2 : 4);
        int total = (prefix + dict.Length + 1 + 63) / 64 * 64;
        string text = dict.PadRight(total - prefix - 1) + "\n";
        Span<byte> head = stackalloc byte[12];
        Magic.CopyTo(head);
        head[6] = (byte)major;
        head[7] = 0;
        if (major == 1) BinaryPrimitives.WriteUInt16LittleEndian(head[8..], (ushort)text.Length);
        else BinaryPrimitives.WriteUInt32LittleEndian(head[8..], (uint)text.Length);
        stream.Write(head[..prefix]);
        stream.Write(Encoding.Latin1.GetBytes(text));
    }

    private static string FormatShape(IReadOnlyList<long> shape) =>
        shape.Count == 1 ? $"({shape[0]},)" : $"({string.Join(", ", shape)})";

    private static void ReadExactly(Stream stream, Span<byte> buffer, string what)
    {
        if (stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) < buffer.Length)
            throw new InvalidDataException($"file ends inside {what}.");
    }

    /// <summary>Parses and validates the dict literal: <c>{'descr': '&lt;f8', 'fortran_order': False, 'shape': (3, 4), }</c>.</summary>
    internal static NpyHeader Parse(string text, long dataOffset)
    {
        var (descr, fortran, shape) = new DictParser(text).Parse();
        char order = descr[0];
        if (order is not ('<' or '>' or '|' or '='))
            throw new InvalidDataException($"dtype '{descr}' has no byte-order character.");
        var dtype = NpyDTypeCodes.FromCode(descr[1..])
            ?? throw new InvalidDataException($"unsupported dtype '{descr}' (supported: {NpyDTypeCodes.Supported}).");
        bool bigEndian = order == '>' || (order is '=' or '|' && !BitConverter.IsLittleEndian);
        long count = 1;
        foreach (long d in shape)
        {
            if (d != 0 && count > long.MaxValue / d)
            {
                if (shape.Contains(0)) { count = 0; break; }
                throw new InvalidDataException($"shape {FormatShape(shape)} has more elements than a 64-bit count can hold.");
            }
            count *= d;
        }
        if (count > long.MaxValue / NpyDTypeCodes.SizeOf(dtype))
            throw new InvalidDataException($"shape {FormatShape(shape)} of '{descr}' needs more bytes than a 64-bit size can hold.");
        return new NpyHeader(dtype, bigEndian, fortran, shape, count, dataOffset);
    }

    /// <summary>A strict reader for the one Python literal numpy writes; anything else is a malformed header.</summary>
    private ref struct DictParser(string text)
    {
        private int _pos;

        public (string Descr, bool Fortran, long[] Shape) Parse()
        {
            string? descr = null;
            bool? fortran = null;
            long[]? shape = null;
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (Peek() == '}') { _pos++; break; }
                string key = ReadString("a quoted key");
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr" when descr is null:
                        descr = ReadString("descr to be a dtype string (structured dtypes are not supported)");
                        if (descr.Length < 2) throw Bad($"dtype '{descr}' is too short");
                        break;
                    case "fortran_order" when fortran is null:
                        fortran = ReadBool();
                        break;
                    case "shape" when shape is null:
                        shape = ReadShape();
                        break;
                    case "descr" or "fortran_order" or "shape":
                        throw Bad($"duplicate key '{key}'");
                    default:
                        throw Bad($"unexpected key '{key}'");
                }
                SkipSpace();
                if (Peek() == ',') _pos++;
                else if (Peek() != '}') throw Bad("expected ',' or '}'");
            }
            SkipSpace();
            if (_pos != text.Length) throw Bad("unexpected text after the closing brace");
            if (descr is null || fortran is null || shape is null) throw Bad("descr, fortran_order and shape are all required");
            return (descr, fortran.Value, shape);
        }

        private readonly char Peek() => _pos < text.Length ? text[_pos] : '\0';

        private void SkipSpace() { while (_pos < text.Length && char.IsWhiteSpace(text[_pos])) _pos++; }

        private readonly InvalidDataException Bad(string why) =>
            new($"malformed header ({why}): {(text.Length > 200 ? text[..200] + "…" : text.Trim())}");

        private void Expect(char c)
        {
            SkipSpace();
            if (Peek() != c) throw Bad($"expected '{c}'");
            _pos++;
        }

        private string ReadString(string what)
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"')) throw Bad($"expected {what}");
            int end = text.IndexOf(quote, _pos + 1);
            if (end < 0) throw Bad("unterminated string");
            string s = text[(_pos + 1)..end];
            _pos = end + 1;
            return s;
        }

        private bool ReadBool()
        {
            if (text.AsSpan(_pos).StartsWith("True")) { _pos += 4; return true; }
            if (text.AsSpan(_pos).StartsWith("False")) { _pos += 5; return false; }
            throw Bad("fortran_order must be True or False");
        }

        private long[] ReadShape()
        {
            Expect('(');
            var dims = new List<long>();
            while (true)
            {
                SkipSpace();
                if (Peek() == ')') { _pos++; break; }
                int start = _pos;
                while (char.IsAsciiDigit(Peek())) _pos++;
                if (start == _pos) throw Bad("shape entries must be non-negative integers");
                if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.None, CultureInfo.InvariantCulture, out long d))
                    throw Bad($"shape entry {text[start.._pos]} exceeds 64 bits");
                if (Peek() == 'L') _pos++; // Python 2 long literals, as old numpy versions wrote them
                if (dims.Count == MaxDimensions) throw Bad($"more than {MaxDimensions} dimensions");
                dims.Add(d);
                SkipSpace();
                if (Peek() == ',') _pos++;
                else if (Peek() != ')') throw Bad("expected ',' or ')' in the shape");
            }
            return [.. dims];
        }
    }
}
