using System.Buffers.Binary;
using System.Text;

namespace Numerics.Proximal;

/// <summary>
/// Saves and loads a dense <see cref="LearnedProximalNetwork"/>. Format version 1, little-endian:
/// <code>
/// offset  size  field
/// 0       8     magic "NELPNNET" (ASCII)
/// 8       4     format version (uint32) = 1
/// 12      4     n, input dimension (int32 ≥ 1)
/// 16      4     h, width (int32 ≥ 1)
/// 20      4     K, hidden layers (int32 ≥ 1)
/// 24      8     β (float64 &gt; 0)
/// 32      8     α (float64 ≥ 0)
/// 40      4     P, parameter count (int32; must equal the count the shape implies)
/// 44      8·P   θ (float64), in the layout of <see cref="LearnedProximalNetwork.Parameters"/>
/// 44+8P   8     FNV-1a 64-bit hash of every preceding byte
/// </code>
/// </summary>
/// <remarks>
/// Loading refuses a foreign or truncated file, another version, a shape out of range, a count that
/// disagrees with the shape, a wrong hash, trailing bytes, and parameters that are not finite or
/// break the non-negativity of the hidden path, each with <see cref="InvalidDataException"/> and a
/// one-line reason.
/// </remarks>
public static class ProximalNetworkFile
{
    /// <summary>The format version this code writes and reads.</summary>
    public const uint Version = 1;

    private static ReadOnlySpan<byte> Magic => "NELPNNET"u8;
    private const int HeaderBytes = 44;

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> (created or overwritten).</summary>
    public static void Save(LearnedProximalNetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, Serialize(network));
    }

    /// <summary>Reads a network from <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid version-1 model (the message says why).</exception>
    public static LearnedProximalNetwork Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Deserialize(File.ReadAllBytes(path));
    }

    /// <summary>The file's bytes for <paramref name="network"/>.</summary>
    public static byte[] Serialize(LearnedProximalNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        var a = network.Architecture;
        int count = network.ParameterCount;
        var bytes = new byte[HeaderBytes + 8L * count + 8];
        var s = bytes.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], Version);
        BinaryPrimitives.WriteInt32LittleEndian(s[12..], a.InputDimension);
        BinaryPrimitives.WriteInt32LittleEndian(s[16..], a.Width);
        BinaryPrimitives.WriteInt32LittleEndian(s[20..], a.Layers);
        BinaryPrimitives.WriteDoubleLittleEndian(s[24..], a.Beta);
        BinaryPrimitives.WriteDoubleLittleEndian(s[32..], a.Alpha);
        BinaryPrimitives.WriteInt32LittleEndian(s[40..], count);
        var theta = network.Parameters;
        for (int i = 0; i < count; i++) BinaryPrimitives.WriteDoubleLittleEndian(s[(HeaderBytes + 8 * i)..], theta[i]);
        BinaryPrimitives.WriteUInt64LittleEndian(s[^8..], Fnv1a(s[..^8]));
        return bytes;
    }

    /// <summary>A network from the file's bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid version-1 model.</exception>
    public static LearnedProximalNetwork Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length || !bytes[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException("not a learned proximal network file (bad magic).");
        if (bytes.Length < HeaderBytes + 8) throw new InvalidDataException($"truncated model file ({bytes.Length} bytes, header alone needs {HeaderBytes + 8}).");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version != Version) throw new InvalidDataException($"unsupported model format version {version} (supported: {Version}).");
        var architecture = new ProximalNetworkArchitecture
        {
            InputDimension = BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]),
            Width = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]),
            Layers = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]),
            Beta = BinaryPrimitives.ReadDoubleLittleEndian(bytes[24..]),
            Alpha = BinaryPrimitives.ReadDoubleLittleEndian(bytes[32..]),
        };
        try { architecture.Validate("bytes"); }
        catch (ArgumentException e) { throw new InvalidDataException($"invalid model shape: {FirstSentence(e.Message)}"); }
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[40..]);
        long expected = ProximalNetworkLayout.Count(architecture.InputDimension, architecture.Width, architecture.Layers);
        if (count != expected) throw new InvalidDataException($"parameter count {count} does not match the shape, which needs {expected}.");
        long length = HeaderBytes + 8L * count + 8;
        if (bytes.Length < length) throw new InvalidDataException($"truncated model file ({bytes.Length} bytes, {length} expected).");
        if (bytes.Length > length) throw new InvalidDataException($"{bytes.Length - length} unexpected bytes after the model.");
        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes[(int)(length - 8)..]) != Fnv1a(bytes[..(int)(length - 8)]))
            throw new InvalidDataException("model file is corrupt (hash mismatch).");
        var theta = new double[count];
        for (int i = 0; i < count; i++) theta[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(HeaderBytes + 8 * i)..]);
        try { return new LearnedProximalNetwork(architecture, theta); }
        catch (ArgumentException e) { throw new InvalidDataException($"invalid parameters: {FirstSentence(e.Message)}"); }
    }

    private static string FirstSentence(string message)
    {
        int end = message.IndexOf(" (Parameter", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }

    /// <summary>FNV-1a, 64 bits: detects truncation and bit flips (not tampering).</summary>
    private static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }
}
