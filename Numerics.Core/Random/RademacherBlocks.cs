using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Numerics.Random;

/// <summary>±1 signs, all 128 bits of a block: element i is −1 when bit i mod 32 of word (i mod 128)/32 is set.</summary>
internal readonly struct RademacherBlocks : IBlockDistribution<double>
{
    public static int PerBlock => 128;

    public static double Element(CounterRng rng, long index)
    {
        var (x0, x1, x2, x3) = rng.Block((ulong)index >> 7);
        int bit = (int)(index & 127);
        uint word = (bit >> 5) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
        return Sign(word, bit & 31);
    }

    public static unsafe void FromBlocks(uint* blocks, int count, double* destination, PhiloxPath path)
    {
        ref double table = ref MemoryMarshal.GetReference(NibbleSigns);
        for (int w = 0; w < 4 * count; w++)
        {
            uint word = blocks[w];
            double* d = destination + 32 * w;
            if (path != PhiloxPath.Scalar)
                for (int b = 0; b < 32; b += 4)
                    Vector256.LoadUnsafe(ref table, (nuint)(4 * ((word >> b) & 15))).Store(d + b);
            else
                for (int b = 0; b < 32; b++) d[b] = Sign(word, b);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Sign(uint word, int bit) => ((word >> bit) & 1) == 0 ? 1.0 : -1.0;

    /// <summary>Row n: the four signs of nibble n, lowest bit first.</summary>
    private static ReadOnlySpan<double> NibbleSigns =>
    [
        1, 1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1, -1, -1, 1, 1,
        1, 1, -1, 1, -1, 1, -1, 1, 1, -1, -1, 1, -1, -1, -1, 1,
        1, 1, 1, -1, -1, 1, 1, -1, 1, -1, 1, -1, -1, -1, 1, -1,
        1, 1, -1, -1, -1, 1, -1, -1, 1, -1, -1, -1, -1, -1, -1, -1,
    ];
}
