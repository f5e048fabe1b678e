using System.Runtime.CompilerServices;

namespace Numerics.Random;

/// <summary>
/// A reproducible random stream addressed by (seed, stream, index): element i of any of the
/// distributions below depends only on those three numbers, so a fill can be split across
/// threads or blocks, or a single block of a sketch regenerated, without changing a bit.
/// </summary>
/// <remarks>
/// The key is the 64-bit seed; the Philox counter is (block, stream) with a 64-bit block index and
/// a 64-bit stream id. Distinct (seed, stream) pairs give independent streams. Each Philox block
/// yields 128 bits, consumed as: two uniform doubles (53 bits each), four uniform floats (24 bits
/// each), two standard normals (one <see cref="BoxMuller"/> pair), or 128 Rademacher signs.
/// Fills compute 8 or 16 blocks per SIMD pass and transform them with vector arithmetic that
/// repeats the scalar formulas operation for operation, so a fill, its split over threads and the
/// single-element accessors agree bit for bit, on every CPU and on the device.
/// </remarks>
/// <param name="Seed">The key.</param>
/// <param name="Stream">The stream id, e.g. one per sketch component (signs, permutation, rows).</param>
public readonly record struct CounterRng(ulong Seed, ulong Stream = 0)
{
    /// <summary>A different stream under the same seed.</summary>
    public CounterRng WithStream(ulong stream) => this with { Stream = stream };

    /// <summary>The 128 bits of block <paramref name="block"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public (uint X0, uint X1, uint X2, uint X3) Block(ulong block) =>
        Philox4x32.Block((uint)block, (uint)(block >> 32), (uint)Stream, (uint)(Stream >> 32), (uint)Seed, (uint)(Seed >> 32));

    /// <summary>64 random bits: element <paramref name="index"/> of the stream's 64-bit words.</summary>
    public ulong UInt64(long index)
    {
        var (x0, x1, x2, x3) = Block((ulong)index >> 1);
        return (index & 1) == 0 ? ((ulong)x1 << 32) | x0 : ((ulong)x3 << 32) | x2;
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits: element <paramref name="index"/>.</summary>
    public double Uniform(long index) => UniformDoubleBlocks.Element(this, index);

    /// <summary>Standard normal: element <paramref name="index"/> (<see cref="BoxMuller"/> on one block; even indices the cosine half).</summary>
    public double Normal(long index) => NormalBlocks.Element(this, index);

    /// <summary>±1 with probability ½ each: element <paramref name="index"/> (one bit of block ⌊index/128⌋).</summary>
    public double Rademacher(long index) => RademacherBlocks.Element(this, index);

    /// <summary>Uniform float in [0, 1) with 24 random bits: element <paramref name="index"/>.</summary>
    public float UniformSingle(long index) => UniformSingleBlocks.Element(this, index);

    /// <summary>An integer in [0, bound) from 64-bit word <paramref name="index"/>, by multiply-high (bias ≤ bound/2⁶⁴).</summary>
    public long UniformInteger(long index, long bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1, nameof(bound));
        return ScaleWord(UInt64(index), bound);
    }

    private static long ScaleWord(ulong word, long bound) => (long)Math.BigMul(word, (ulong)bound, out _);

    /// <summary>Fills <paramref name="destination"/> with elements start, start+1, … of the uniform [0,1) stream.</summary>
    public void FillUniform(Span<double> destination, long start = 0) => FillUniform(destination, start, PhiloxLanes.Best);

    /// <summary>Fills with uniform floats in [0,1), elements start, start+1, ….</summary>
    public void FillUniform(Span<float> destination, long start = 0) => FillUniform(destination, start, PhiloxLanes.Best);

    /// <summary>Fills with standard normals, elements start, start+1, … (the same bits as <see cref="Normal"/>).</summary>
    public void FillNormal(Span<double> destination, long start = 0) => FillNormal(destination, start, PhiloxLanes.Best);

    /// <summary>Fills with ±1 signs, elements start, start+1, ….</summary>
    public void FillRademacher(Span<double> destination, long start = 0) => FillRademacher(destination, start, PhiloxLanes.Best);

    /// <summary>Fills with 64-bit words start, start+1, … (the words of <see cref="UInt64"/>).</summary>
    public void FillUInt64(Span<ulong> destination, long start = 0) => FillUInt64(destination, start, PhiloxLanes.Best);

    internal void FillUniform(Span<double> destination, long start, PhiloxPath path) => BlockFill.Fill<double, UniformDoubleBlocks>(this, destination, start, path);

    internal void FillUniform(Span<float> destination, long start, PhiloxPath path) => BlockFill.Fill<float, UniformSingleBlocks>(this, destination, start, path);

    internal void FillNormal(Span<double> destination, long start, PhiloxPath path) => BlockFill.Fill<double, NormalBlocks>(this, destination, start, path);

    internal void FillRademacher(Span<double> destination, long start, PhiloxPath path) => BlockFill.Fill<double, RademacherBlocks>(this, destination, start, path);

    internal void FillUInt64(Span<ulong> destination, long start, PhiloxPath path) => BlockFill.Fill<ulong, WordBlocks>(this, destination, start, path);

    /// <summary>The 64-bit words a shuffle consumes, generated a buffer at a time.</summary>
    private const int WordBuffer = 1 << 12;

    /// <summary>A uniformly random permutation of 0..n−1 (Fisher–Yates driven by 64-bit words 0..n−2).</summary>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(n));
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        Span<ulong> words = stackalloc ulong[WordBuffer];
        for (int step = 0; step < n - 1; step++)
        {
            if (step % WordBuffer == 0) FillUInt64(words, step);
            int i = n - 1 - step, j = (int)ScaleWord(words[step % WordBuffer], i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    /// <summary>
    /// <paramref name="count"/> distinct integers from 0..n−1, uniformly without replacement, in the
    /// order drawn (the first <paramref name="count"/> steps of a forward Fisher–Yates shuffle).
    /// </summary>
    public int[] SampleWithoutReplacement(int n, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(n));
        if (count < 0 || count > n) throw new ArgumentOutOfRangeException(nameof(count), count, $"count must be in 0..{n}.");
        // Sparse Fisher–Yates: only displaced positions are stored, so memory is O(count) not O(n).
        var displaced = new Dictionary<int, int>(count);
        var result = new int[count];
        Span<ulong> words = stackalloc ulong[WordBuffer];
        for (int i = 0; i < count; i++)
        {
            if (i % WordBuffer == 0) FillUInt64(words, i);
            int j = i + (int)ScaleWord(words[i % WordBuffer], n - i);
            int vj = displaced.TryGetValue(j, out var dj) ? dj : j;
            int vi = displaced.TryGetValue(i, out var di) ? di : i;
            result[i] = vj;
            displaced[j] = vi;
        }
        return result;
    }
}
