using System.Buffers.Binary;
using Numerics.Proximal;

namespace Numerics.Core.Tests.Proximal;

public class ProximalNetworkFileTests
{
    private static readonly ProximalNetworkArchitecture Shape = new() { InputDimension = 2, Width = 5, Layers = 3, Beta = 7, Alpha = 0.01 };
    private static readonly ConvolutionalNetworkArchitecture Image = new() { ImageHeight = 5, ImageWidth = 4, Channels = 3, KernelSize = 3, Layers = 3, Beta = 6, Alpha = 0.02 };

    /// <summary>FNV-1a 64, written here from its definition (offset basis 14695981039346656037, prime 1099511628211).</summary>
    private static ulong Fnv1a(ReadOnlySpan<byte> data)
    {
        ulong hash = 14695981039346656037UL;
        foreach (byte b in data) hash = (hash ^ b) * 1099511628211UL;
        return hash;
    }

    [Fact]
    public void ARoundTripKeepsEveryBit()
    {
        foreach (InputConvexNetwork net in new InputConvexNetwork[] { new LearnedProximalNetwork(Shape, 1), new ConvolutionalProximalNetwork(Image, 1) })
        {
            var back = ProximalNetworkFile.Deserialize(ProximalNetworkFile.Serialize(net));
            Assert.Equal(net.GetType(), back.GetType());
            Assert.Equal(net.Parameters.ToArray(), back.Parameters.ToArray());
            if (net is ConvolutionalProximalNetwork conv) Assert.Equal(conv.Architecture, ((ConvolutionalProximalNetwork)back).Architecture);
            else Assert.Equal(((LearnedProximalNetwork)net).Architecture, ((LearnedProximalNetwork)back).Architecture);
            string path = Path.Combine(Path.GetTempPath(), $"lpn-{Guid.NewGuid():N}.lpn");
            try
            {
                ProximalNetworkFile.Save(net, path);
                Assert.Equal(net.Parameters.ToArray(), ProximalNetworkFile.Load(path).Parameters.ToArray());
            }
            finally { File.Delete(path); }
        }
    }

    [Fact]
    public void AVersionOneFileIsStillRead()
    {
        // The version-1 layout, written field by field: n, h, K, β, α, P at 12..43, θ at 44, then the hash.
        var net = new LearnedProximalNetwork(Shape, 3);
        int count = net.ParameterCount;
        var bytes = new byte[44 + 8 * count + 8];
        "NELPNNET"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(12), Shape.InputDimension);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), Shape.Width);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), Shape.Layers);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(24), Shape.Beta);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(32), Shape.Alpha);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(40), count);
        for (int i = 0; i < count; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(44 + 8 * i), net.Parameters[i]);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), Fnv1a(bytes.AsSpan(0, bytes.Length - 8)));
        var back = Assert.IsType<LearnedProximalNetwork>(ProximalNetworkFile.Deserialize(bytes));
        Assert.Equal(Shape, back.Architecture);
        Assert.Equal(net.Parameters.ToArray(), back.Parameters.ToArray());
        // And the version written now is 2, with the kind after it.
        var current = ProximalNetworkFile.Serialize(net);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(current.AsSpan(8)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32LittleEndian(current.AsSpan(12)));
    }

    private static void Refused(byte[] data, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(() => ProximalNetworkFile.Deserialize(data));
        Assert.Contains(fragment, e.Message);
    }

    /// <summary>A copy with its hash rewritten, so that only the edited field can be the reason for a refusal.</summary>
    private static byte[] Edited(byte[] bytes, Action<byte[]> edit)
    {
        var copy = (byte[])bytes.Clone();
        edit(copy);
        BinaryPrimitives.WriteUInt64LittleEndian(copy.AsSpan(copy.Length - 8), Fnv1a(copy.AsSpan(0, copy.Length - 8)));
        return copy;
    }

    [Fact]
    public void ForeignTruncatedCorruptAndInconsistentFilesAreRefused()
    {
        var bytes = ProximalNetworkFile.Serialize(new LearnedProximalNetwork(Shape, 2));
        Refused("not a model at all"u8.ToArray(), "bad magic");
        Refused(bytes[..14], "truncated");
        Refused(bytes[..20], "truncated");
        Refused(bytes[..^1], "truncated");
        Refused([.. bytes, 0], "unexpected bytes");
        var flipped = (byte[])bytes.Clone();
        flipped[100] ^= 1;
        Refused(flipped, "hash");
        Refused(Edited(bytes, b => b[8] = 3), "version 3");
        Refused(Edited(bytes, b => b[12] = 9), "kind 9");
        Refused(Edited(bytes, b => b[20] = 0), "Width");
        Refused(Edited(bytes, b => b[44] ^= 1), "parameter count");
        // A negative hidden-path weight (w, the readout, just before a), with a valid hash.
        var net = new LearnedProximalNetwork(Shape, 2);
        Refused(Edited(bytes, b => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(48 + 8 * net.Layout.OutputWeights), -1)), "negative hidden-path");
        Refused(Edited(bytes, b => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(48 + 8 * 3), double.NaN)), "invalid parameters");
    }

    [Fact]
    public void AShapeWhoseParameterCountOverflowsIsRefused()
    {
        // C = 65536 channels: C² = 2³² wraps to 0 in 32-bit arithmetic, and the wrapped count (327,681)
        // passed the size check although W₂ alone needs 2³² weights; the network then indexed past θ.
        var wrapsToSmall = new ConvolutionalNetworkArchitecture { ImageHeight = 1, ImageWidth = 1, Channels = 65536, KernelSize = 1, Layers = 2 };
        Assert.Throws<ArgumentException>("architecture", () => new ConvolutionalProximalNetwork(wrapsToSmall));
        // C = 46341: C² wraps negative; k = 2³¹ − 1 with C = 3: C²·k² wraps a long.
        Assert.Throws<ArgumentException>("architecture", () => new ConvolutionalProximalNetwork(wrapsToSmall with { Channels = 46341 }));
        Assert.Throws<ArgumentException>("architecture", () => new ConvolutionalProximalNetwork(wrapsToSmall with { Channels = 3, KernelSize = int.MaxValue }));
        // Dense, h = n = 2³¹ − 1 and K = 2: (K − 1)(h² + hn + h) wraps a long to a negative count.
        Assert.Throws<ArgumentException>("architecture", () => new LearnedProximalNetwork(new ProximalNetworkArchitecture { InputDimension = int.MaxValue, Width = int.MaxValue, Layers = 2 }));

        // The same C = 65536 shape in a file whose count field holds the wrapped count, with a valid hash.
        const int wrappedCount = 327681;
        var bytes = new byte[56 + 8 * wrappedCount + 8];
        "NELPNNET"u8.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), 2);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(16), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(20), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(24), 65536);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(28), 1);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(32), 2);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(36), 10);
        BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(44), 0.01);
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(52), wrappedCount);
        for (int i = 0; i < wrappedCount; i++) BinaryPrimitives.WriteDoubleLittleEndian(bytes.AsSpan(56 + 8 * i), 1e-3);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8), Fnv1a(bytes.AsSpan(0, bytes.Length - 8)));
        Refused(bytes, "more than an array holds");
    }

    [Fact]
    public void BadConvolutionalFilesAreRefused()
    {
        var net = new ConvolutionalProximalNetwork(Image, 4);
        var bytes = ProximalNetworkFile.Serialize(net);
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        Refused(bytes[..40], "truncated");
        Refused(Edited(bytes, b => b[28] = 2), "KernelSize");
        Refused(Edited(bytes, b => b[24] = 0), "Channels");
        Refused(Edited(bytes, b => b[52] ^= 1), "parameter count");
        Refused(Edited(bytes, b => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(44), -1)), "Alpha");
        Refused(Edited(bytes, b => BinaryPrimitives.WriteDoubleLittleEndian(b.AsSpan(56 + 8 * net.Layout.W(2)), -0.5)), "negative hidden-path");
    }
}
