using Numerics.Proximal;

namespace Numerics.Core.Tests.Proximal;

public class ProximalNetworkFileTests
{
    private static readonly ProximalNetworkArchitecture Shape = new() { InputDimension = 2, Width = 5, Layers = 3, Beta = 7, Alpha = 0.01 };

    [Fact]
    public void ARoundTripKeepsEveryBit()
    {
        var net = new LearnedProximalNetwork(Shape, 1);
        var back = ProximalNetworkFile.Deserialize(ProximalNetworkFile.Serialize(net));
        Assert.Equal(net.Architecture, back.Architecture);
        Assert.Equal(net.Parameters.ToArray(), back.Parameters.ToArray());
        string path = Path.Combine(Path.GetTempPath(), $"lpn-{Guid.NewGuid():N}.lpn");
        try
        {
            ProximalNetworkFile.Save(net, path);
            Assert.Equal(net.Parameters.ToArray(), ProximalNetworkFile.Load(path).Parameters.ToArray());
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void ForeignTruncatedCorruptAndInconsistentFilesAreRefused()
    {
        var bytes = ProximalNetworkFile.Serialize(new LearnedProximalNetwork(Shape, 2));
        void Refused(byte[] data, string fragment)
        {
            var e = Assert.Throws<InvalidDataException>(() => ProximalNetworkFile.Deserialize(data));
            Assert.Contains(fragment, e.Message);
        }
        Refused("not a model at all"u8.ToArray(), "bad magic");
        Refused(bytes[..20], "truncated");
        Refused(bytes[..^1], "truncated");
        Refused([.. bytes, 0], "unexpected bytes");
        var flipped = (byte[])bytes.Clone();
        flipped[100] ^= 1;
        Refused(flipped, "hash");
        var version = (byte[])bytes.Clone();
        version[8] = 2;
        Refused(version, "version 2");
        var width = (byte[])bytes.Clone();
        width[16] = 0;
        Refused(width, "Width");
        var count = (byte[])bytes.Clone();
        count[40] ^= 1;
        Refused(count, "parameter count");
    }
}
