using System.Runtime.CompilerServices;

namespace Numerics.Random;

/// <summary>
/// The Philox4x32-10 counter-based bijection (Salmon, Moraes, Dror, Shaw, SC'11): 128 random bits
/// as a pure function of a 128-bit counter and a 64-bit key.
/// </summary>
/// <remarks>
/// Being a function of (key, counter) rather than a sequential state is what makes every stream in
/// the engine reproducible whatever the thread count or block split: element i of a stream is
/// computed from block ⌊i/w⌋ alone. Checked against the Random123 known-answer vectors.
/// </remarks>
public static class Philox4x32
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    private const uint W0 = 0x9E3779B9, W1 = 0xBB67AE85; // golden ratio and √3 − 1, the key schedule (Weyl) increments

    /// <summary>Applies the 10-round bijection to (c0, c1, c2, c3) under key (k0, k1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static (uint X0, uint X1, uint X2, uint X3) Block(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1)
    {
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += W0; k1 += W1; }
            ulong p0 = (ulong)M0 * c0, p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            (c0, c1, c2, c3) = (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0);
        }
        return (c0, c1, c2, c3);
    }
}
