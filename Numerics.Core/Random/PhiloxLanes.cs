using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Numerics.Random;

/// <summary>How a fill computes its Philox blocks and transforms them.</summary>
internal enum PhiloxPath
{
    /// <summary>One block at a time, scalar transforms.</summary>
    Scalar,
    /// <summary>Eight blocks per Vector256 pass (AVX2), Vector256 transforms.</summary>
    Vector256,
    /// <summary>Sixteen blocks per Vector512 pass (AVX-512F), Vector512 normals (a full-width FPU, e.g. Zen 5, runs them at twice the Vector256 rate).</summary>
    Vector512,
}

/// <summary>
/// Philox4x32-10 on 8 or 16 consecutive counters at once, one counter per 32-bit lane, written out
/// block after block (x₀ x₁ x₂ x₃ of block b, then of block b + 1, …) exactly as
/// <see cref="Philox4x32.Block"/> would produce them one at a time.
/// </summary>
/// <remarks>
/// The 32×32→64-bit products come from the even-lane multiply (vpmuludq) on the lanes and on the
/// lanes shifted down by 32 bits. The lanes are assigned counters so that the final 4×4 transposes
/// within each 128-bit lane already leave the blocks in order: lane 4j + i holds block G·i + j, G
/// being the number of 128-bit lanes; no cross-lane permute is needed.
/// </remarks>
internal static class PhiloxLanes
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>The widest path this CPU runs (the transforms need AVX2 and FMA).</summary>
    public static PhiloxPath Best { get; } =
        !(Avx2.IsSupported && Fma.IsSupported) ? PhiloxPath.Scalar
        : Avx512F.IsSupported ? PhiloxPath.Vector512 : PhiloxPath.Vector256;

    /// <summary>Blocks first … first + count − 1 of (stream, seed) into destination[0 .. 4·count).</summary>
    public static unsafe void Generate(PhiloxPath path, CounterRng rng, ulong first, int count, uint* destination)
    {
        uint s0 = (uint)rng.Stream, s1 = (uint)(rng.Stream >> 32), k0 = (uint)rng.Seed, k1 = (uint)(rng.Seed >> 32);
        int done = 0;
        if (path == PhiloxPath.Vector512)
            for (; done + 16 <= count; done += 16) Sixteen(first + (ulong)done, s0, s1, k0, k1, destination + 4 * done);
        if (path != PhiloxPath.Scalar)
            for (; done + 8 <= count; done += 8) Eight(first + (ulong)done, s0, s1, k0, k1, destination + 4 * done);
        for (; done < count; done++)
        {
            ulong block = first + (ulong)done;
            var (x0, x1, x2, x3) = Philox4x32.Block((uint)block, (uint)(block >> 32), s0, s1, k0, k1);
            uint* d = destination + 4 * done;
            d[0] = x0; d[1] = x1; d[2] = x2; d[3] = x3;
        }
    }

    private static unsafe void Eight(ulong first, uint s0, uint s1, uint k0, uint k1, uint* destination)
    {
        var low = Vector256.Create((uint)first);
        var c0 = low + Vector256.Create(0u, 2, 4, 6, 1, 3, 5, 7);
        // A lane whose low word wrapped past 2³² carries into the high word (LessThan is all ones = −1).
        var c1 = Vector256.Create((uint)(first >> 32)) - Vector256.LessThan(c0, low);
        var c2 = Vector256.Create(s0);
        var c3 = Vector256.Create(s1);
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            var (hi0, lo0) = MultiplyWide(c0, M0);
            var (hi1, lo1) = MultiplyWide(c2, M1);
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ Vector256.Create(k0), lo1, hi0 ^ c3 ^ Vector256.Create(k1), lo0);
        }
        var t0 = Avx2.UnpackLow(c0, c1).AsUInt64();
        var t1 = Avx2.UnpackLow(c2, c3).AsUInt64();
        var t2 = Avx2.UnpackHigh(c0, c1).AsUInt64();
        var t3 = Avx2.UnpackHigh(c2, c3).AsUInt64();
        Avx2.UnpackLow(t0, t1).AsUInt32().Store(destination);
        Avx2.UnpackHigh(t0, t1).AsUInt32().Store(destination + 8);
        Avx2.UnpackLow(t2, t3).AsUInt32().Store(destination + 16);
        Avx2.UnpackHigh(t2, t3).AsUInt32().Store(destination + 24);
    }

    private static unsafe void Sixteen(ulong first, uint s0, uint s1, uint k0, uint k1, uint* destination)
    {
        var low = Vector512.Create((uint)first);
        var c0 = low + Vector512.Create(0u, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
        var c1 = Vector512.Create((uint)(first >> 32)) - Vector512.LessThan(c0, low);
        var c2 = Vector512.Create(s0);
        var c3 = Vector512.Create(s1);
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            var (hi0, lo0) = MultiplyWide(c0, M0);
            var (hi1, lo1) = MultiplyWide(c2, M1);
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ Vector512.Create(k0), lo1, hi0 ^ c3 ^ Vector512.Create(k1), lo0);
        }
        var t0 = Avx512F.UnpackLow(c0, c1).AsUInt64();
        var t1 = Avx512F.UnpackLow(c2, c3).AsUInt64();
        var t2 = Avx512F.UnpackHigh(c0, c1).AsUInt64();
        var t3 = Avx512F.UnpackHigh(c2, c3).AsUInt64();
        Avx512F.UnpackLow(t0, t1).AsUInt32().Store(destination);
        Avx512F.UnpackHigh(t0, t1).AsUInt32().Store(destination + 16);
        Avx512F.UnpackLow(t2, t3).AsUInt32().Store(destination + 32);
        Avx512F.UnpackHigh(t2, t3).AsUInt32().Store(destination + 48);
    }

    /// <summary>The high and low 32 bits of m·x in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<uint> Hi, Vector256<uint> Lo) MultiplyWide(Vector256<uint> x, uint m)
    {
        var mv = Vector256.Create(m);
        var even = Avx2.Multiply(x, mv);
        var odd = Avx2.Multiply((x.AsUInt64() >> 32).AsUInt32(), mv);
        var high = Vector256.Create(0xFFFFFFFF_00000000UL);
        return (((even >> 32) | (odd & high)).AsUInt32(), ((even & ~high) | (odd << 32)).AsUInt32());
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<uint> Hi, Vector512<uint> Lo) MultiplyWide(Vector512<uint> x, uint m)
    {
        var mv = Vector512.Create(m);
        var even = Avx512F.Multiply(x, mv);
        var odd = Avx512F.Multiply((x.AsUInt64() >> 32).AsUInt32(), mv);
        var high = Vector512.Create(0xFFFFFFFF_00000000UL);
        return (((even >> 32) | (odd & high)).AsUInt32(), ((even & ~high) | (odd << 32)).AsUInt32());
    }
}
