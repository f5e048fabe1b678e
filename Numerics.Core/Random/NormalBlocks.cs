using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Numerics.Random;

/// <summary>Standard normals: one <see cref="BoxMuller"/> pair per block, the cosine half at even indices.</summary>
internal readonly struct NormalBlocks : IBlockDistribution<double>
{
    public static int PerBlock => 2;

    public static double Element(CounterRng rng, long index)
    {
        var (x0, x1, x2, x3) = rng.Block((ulong)index >> 1);
        var (cos, sin) = BoxMuller.Transform<HostFusedMultiplyAdd>(((ulong)x1 << 32) | x0, ((ulong)x3 << 32) | x2);
        return (index & 1) == 0 ? cos : sin;
    }

    public static unsafe void FromBlocks(uint* blocks, int count, double* destination, PhiloxPath path)
    {
        var words = (ulong*)blocks;
        int q = 0;
        if (path == PhiloxPath.Vector512)
            for (; q + 8 <= count; q += 8)
            {
                // As below, within each of the four 128-bit lanes.
                var v0 = Vector512.Load(words + 2 * q);
                var v1 = Vector512.Load(words + 2 * q + 8);
                var (cos, sin) = BoxMuller.Transform(Avx512F.UnpackLow(v0, v1), Avx512F.UnpackHigh(v0, v1));
                Avx512F.UnpackLow(cos, sin).Store(destination + 2 * q);
                Avx512F.UnpackHigh(cos, sin).Store(destination + 2 * q + 8);
            }
        if (path != PhiloxPath.Scalar)
            for (; q + 4 <= count; q += 4)
            {
                // Words [a0 b0 a1 b1], [a2 b2 a3 b3] → a = [a0 a2 a1 a3], b = [b0 b2 b1 b3]; the
                // same in-lane unpack puts the results back in order: [c0 s0 c1 s1], [c2 s2 c3 s3].
                var v0 = Vector256.Load(words + 2 * q);
                var v1 = Vector256.Load(words + 2 * q + 4);
                var (cos, sin) = BoxMuller.Transform(Avx2.UnpackLow(v0, v1), Avx2.UnpackHigh(v0, v1));
                Avx.UnpackLow(cos, sin).Store(destination + 2 * q);
                Avx.UnpackHigh(cos, sin).Store(destination + 2 * q + 4);
            }
        for (; q < count; q++)
        {
            var (cos, sin) = BoxMuller.Transform<HostFusedMultiplyAdd>(words[2 * q], words[2 * q + 1]);
            destination[2 * q] = cos;
            destination[2 * q + 1] = sin;
        }
    }
}
