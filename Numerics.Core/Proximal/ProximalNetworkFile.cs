using System.Buffers.Binary;

namespace Numerics.Proximal;

/// <summary>
/// Saves and loads a <see cref="LearnedProximalNetwork"/> or a <see cref="ConvolutionalProximalNetwork"/>.
/// Format version 2, little-endian:
/// <code>
/// offset  size  field
/// 0       8     magic "NELPNNET" (ASCII)
/// 8       4     format version (uint32) = 2
/// 12      4     kind (uint32): 1 dense, 2 convolutional
/// dense:         16 n, 20 h, 24 K (int32 each), 28 β, 36 α (float64 each), 44 P (int32); θ at 48
/// convolutional: 16 H, 20 W, 24 C, 28 k, 32 K (int32 each), 36 β, 44 α (float64 each), 52 P (int32); θ at 56
/// then           8·P θ (float64) in the network's layout, and 8 bytes: FNV-1a 64-bit hash of every preceding byte
/// </code>
/// Version 1 files (dense only: n, h, K at 12, 16, 20; β, α at 24, 32; P at 40; θ at 44) are still read.
/// </summary>
/// <remarks>
/// Loading refuses a foreign or truncated file, an unknown version or kind, a shape out of range, a
/// count that disagrees with the shape, a wrong hash, trailing bytes, and parameters that are not
/// finite or break the non-negativity of the hidden path, each with <see cref="InvalidDataException"/>
/// and a one-line reason. A <see cref="PatchedProximalNetwork"/> is a way of applying a saved
/// network, not a network of its own: save its <see cref="PatchedProximalNetwork.PatchNetwork"/>.
/// </remarks>
public static class ProximalNetworkFile
{
    /// <summary>The format version this code writes.</summary>
    public const uint Version = 2;

    private const uint DenseKind = 1, ConvolutionalKind = 2;
    private const int VersionOneHeader = 44, DenseHeader = 48, ConvolutionalHeader = 56;

    private static ReadOnlySpan<byte> Magic => "NELPNNET"u8;

    /// <summary>Writes <paramref name="network"/> to <paramref name="path"/> (created or overwritten).</summary>
    /// <exception cref="ArgumentException">The network is a patch construction (save its patch network).</exception>
    public static void Save(InputConvexNetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        File.WriteAllBytes(path, Serialize(network));
    }

    /// <summary>Reads a network from <paramref name="path"/>.</summary>
    /// <exception cref="InvalidDataException">The file is not a valid model (the message says why).</exception>
    public static InputConvexNetwork Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Deserialize(File.ReadAllBytes(path));
    }

    /// <summary>The file's bytes for <paramref name="network"/>.</summary>
    /// <exception cref="ArgumentException">The network is a patch construction (save its patch network).</exception>
    public static byte[] Serialize(InputConvexNetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        int header = network switch
        {
            LearnedProximalNetwork => DenseHeader,
            ConvolutionalProximalNetwork => ConvolutionalHeader,
            _ => throw new ArgumentException($"A {network.GetType().Name} has no file form; save the network it is built on.", nameof(network)),
        };
        int count = network.ParameterCount;
        var bytes = new byte[header + 8L * count + 8];
        var s = bytes.AsSpan();
        Magic.CopyTo(s);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], Version);
        if (network is LearnedProximalNetwork dense)
        {
            var a = dense.Architecture;
            BinaryPrimitives.WriteUInt32LittleEndian(s[12..], DenseKind);
            BinaryPrimitives.WriteInt32LittleEndian(s[16..], a.InputDimension);
            BinaryPrimitives.WriteInt32LittleEndian(s[20..], a.Width);
            BinaryPrimitives.WriteInt32LittleEndian(s[24..], a.Layers);
            BinaryPrimitives.WriteDoubleLittleEndian(s[28..], a.Beta);
            BinaryPrimitives.WriteDoubleLittleEndian(s[36..], a.Alpha);
            BinaryPrimitives.WriteInt32LittleEndian(s[44..], count);
        }
        else
        {
            var a = ((ConvolutionalProximalNetwork)network).Architecture;
            BinaryPrimitives.WriteUInt32LittleEndian(s[12..], ConvolutionalKind);
            BinaryPrimitives.WriteInt32LittleEndian(s[16..], a.ImageHeight);
            BinaryPrimitives.WriteInt32LittleEndian(s[20..], a.ImageWidth);
            BinaryPrimitives.WriteInt32LittleEndian(s[24..], a.Channels);
            BinaryPrimitives.WriteInt32LittleEndian(s[28..], a.KernelSize);
            BinaryPrimitives.WriteInt32LittleEndian(s[32..], a.Layers);
            BinaryPrimitives.WriteDoubleLittleEndian(s[36..], a.Beta);
            BinaryPrimitives.WriteDoubleLittleEndian(s[44..], a.Alpha);
            BinaryPrimitives.WriteInt32LittleEndian(s[52..], count);
        }
        var theta = network.Parameters;
        for (int i = 0; i < count; i++) BinaryPrimitives.WriteDoubleLittleEndian(s[(header + 8 * i)..], theta[i]);
        BinaryPrimitives.WriteUInt64LittleEndian(s[^8..], Fnv1a(s[..^8]));
        return bytes;
    }

    /// <summary>A network from the file's bytes.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid model.</exception>
    public static InputConvexNetwork Deserialize(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length || !bytes[..Magic.Length].SequenceEqual(Magic))
            throw new InvalidDataException("not a learned proximal network file (bad magic).");
        if (bytes.Length < 16) throw new InvalidDataException($"truncated model file ({bytes.Length} bytes, the version and kind alone need 16).");
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes[8..]);
        if (version == 1) return ReadDense(bytes, 12, VersionOneHeader);
        if (version != Version) throw new InvalidDataException($"unsupported model format version {version} (supported: 1 and {Version}).");
        uint kind = BinaryPrimitives.ReadUInt32LittleEndian(bytes[12..]);
        return kind switch
        {
            DenseKind => ReadDense(bytes, 16, DenseHeader),
            ConvolutionalKind => ReadConvolutional(bytes),
            _ => throw new InvalidDataException($"unknown network kind {kind} (known: 1 dense, 2 convolutional)."),
        };
    }

    /// <summary>A dense network whose shape fields start at <paramref name="at"/> and whose θ starts at <paramref name="header"/>.</summary>
    private static LearnedProximalNetwork ReadDense(ReadOnlySpan<byte> bytes, int at, int header)
    {
        RequireLength(bytes, header + 8);
        var architecture = new ProximalNetworkArchitecture
        {
            InputDimension = BinaryPrimitives.ReadInt32LittleEndian(bytes[at..]),
            Width = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 4)..]),
            Layers = BinaryPrimitives.ReadInt32LittleEndian(bytes[(at + 8)..]),
            Beta = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 12)..]),
            Alpha = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(at + 20)..]),
        };
        try { architecture.Validate("bytes"); }
        catch (ArgumentException e) { throw new InvalidDataException($"invalid model shape: {FirstSentence(e.Message)}"); }
        long expected = ProximalNetworkLayout.Count(architecture.InputDimension, architecture.Width, architecture.Layers);
        var theta = ReadParameters(bytes, at + 28, header, expected);
        try { return new LearnedProximalNetwork(architecture, theta); }
        catch (ArgumentException e) { throw new InvalidDataException($"invalid parameters: {FirstSentence(e.Message)}"); }
    }

    private static ConvolutionalProximalNetwork ReadConvolutional(ReadOnlySpan<byte> bytes)
    {
        RequireLength(bytes, ConvolutionalHeader + 8);
        var architecture = new ConvolutionalNetworkArchitecture
        {
            ImageHeight = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]),
            ImageWidth = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]),
            Channels = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]),
            KernelSize = BinaryPrimitives.ReadInt32LittleEndian(bytes[28..]),
            Layers = BinaryPrimitives.ReadInt32LittleEndian(bytes[32..]),
            Beta = BinaryPrimitives.ReadDoubleLittleEndian(bytes[36..]),
            Alpha = BinaryPrimitives.ReadDoubleLittleEndian(bytes[44..]),
        };
        try { architecture.Validate("bytes"); }
        catch (ArgumentException e) { throw new InvalidDataException($"invalid model shape: {FirstSentence(e.Message)}"); }
        long expected = ConvolutionalNetworkLayout.Count(architecture.Pixels, architecture.Channels, architecture.KernelSize, architecture.Layers);
        var theta = ReadParameters(bytes, 52, ConvolutionalHeader, expected);
        try { return new ConvolutionalProximalNetwork(architecture, theta); }
        catch (ArgumentException e) { throw new InvalidDataException($"invalid parameters: {FirstSentence(e.Message)}"); }
    }

    private static void RequireLength(ReadOnlySpan<byte> bytes, int length)
    {
        if (bytes.Length < length) throw new InvalidDataException($"truncated model file ({bytes.Length} bytes, header alone needs {length}).");
    }

    /// <summary>Checks the count at <paramref name="countAt"/>, the length and the hash, and reads θ from <paramref name="header"/>.</summary>
    private static double[] ReadParameters(ReadOnlySpan<byte> bytes, int countAt, int header, long expected)
    {
        int count = BinaryPrimitives.ReadInt32LittleEndian(bytes[countAt..]);
        if (count != expected) throw new InvalidDataException($"parameter count {count} does not match the shape, which needs {expected}.");
        long length = header + 8L * count + 8;
        if (bytes.Length < length) throw new InvalidDataException($"truncated model file ({bytes.Length} bytes, {length} expected).");
        if (bytes.Length > length) throw new InvalidDataException($"{bytes.Length - length} unexpected bytes after the model.");
        if (BinaryPrimitives.ReadUInt64LittleEndian(bytes[(int)(length - 8)..]) != Fnv1a(bytes[..(int)(length - 8)]))
            throw new InvalidDataException("model file is corrupt (hash mismatch).");
        var theta = new double[count];
        for (int i = 0; i < count; i++) theta[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(header + 8 * i)..]);
        return theta;
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
