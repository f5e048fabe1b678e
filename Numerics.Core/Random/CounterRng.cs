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
/// each), two standard normals (one Box–Muller pair), or 128 Rademacher signs.
/// </remarks>
/// <param name="Seed">The key.</param>
/// <param name="Stream">The stream id, e.g. one per sketch component (signs, permutation, rows).</param>
public readonly record struct CounterRng(ulong Seed, ulong Stream = 0)
{
    private const double TwoPow53Inv = 1.0 / (1UL << 53);
    private const float TwoPow24Inv = 1.0f / (1 << 24);
    /// <summary>Fills longer than this are split over threads (each element is independent of the split).</summary>
    private const int ParallelThreshold = 1 << 16;

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
    public double Uniform(long index) => (UInt64(index) >> 11) * TwoPow53Inv;

    /// <summary>Standard normal: element <paramref name="index"/> (Box–Muller on one block; even indices the cosine half).</summary>
    public double Normal(long index)
    {
        var (x0, x1, x2, x3) = Block((ulong)index >> 1);
        // u1 ∈ (0, 1] so that the logarithm is finite; u2 ∈ [0, 1).
        double u1 = (((((ulong)x1 << 32) | x0) >> 11) + 1) * TwoPow53Inv;
        double u2 = ((((ulong)x3 << 32) | x2) >> 11) * TwoPow53Inv;
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double angle = 2.0 * Math.PI * u2;
        return (index & 1) == 0 ? r * Math.Cos(angle) : r * Math.Sin(angle);
    }

    /// <summary>±1 with probability ½ each: element <paramref name="index"/> (one bit of block ⌊index/128⌋).</summary>
    public double Rademacher(long index)
    {
        var (x0, x1, x2, x3) = Block((ulong)index >> 7);
        int bit = (int)(index & 127);
        uint word = (bit >> 5) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
        return ((word >> (bit & 31)) & 1) == 0 ? 1.0 : -1.0;
    }

    /// <summary>Uniform float in [0, 1) with 24 random bits: element <paramref name="index"/>.</summary>
    public float UniformSingle(long index)
    {
        var (x0, x1, x2, x3) = Block((ulong)index >> 2);
        uint word = (index & 3) switch { 0 => x0, 1 => x1, 2 => x2, _ => x3 };
        return (word >> 8) * TwoPow24Inv;
    }

    /// <summary>An integer in [0, bound) from 64-bit word <paramref name="index"/>, by multiply-high (bias ≤ bound/2⁶⁴).</summary>
    public long UniformInteger(long index, long bound)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bound, 1, nameof(bound));
        return (long)Math.BigMul(UInt64(index), (ulong)bound, out _);
    }

    /// <summary>Fills <paramref name="destination"/> with elements start, start+1, … of the uniform [0,1) stream.</summary>
    public void FillUniform(Span<double> destination, long start = 0) => Fill(destination, start, static (r, i) => r.Uniform(i));

    /// <summary>Fills with uniform floats in [0,1), elements start, start+1, ….</summary>
    public void FillUniform(Span<float> destination, long start = 0) => Fill(destination, start, static (r, i) => r.UniformSingle(i));

    /// <summary>Fills with standard normals, elements start, start+1, ….</summary>
    /// <remarks>
    /// Each Philox block gives one Box–Muller pair, so the fill computes a block, a logarithm and a
    /// square root once per two elements (the same formulas as <see cref="Normal"/>, bit for bit).
    /// </remarks>
    public unsafe void FillNormal(Span<double> destination, long start = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start, nameof(start));
        int n = destination.Length;
        if (n == 0) return;
        // Elements before the first even index and after the last whole pair go one at a time.
        int head = (start & 1) == 1 ? 1 : 0;
        if (head == 1) destination[0] = Normal(start);
        int pairs = (n - head) / 2;
        if (head + 2 * pairs < n) destination[n - 1] = Normal(start + n - 1);
        long firstPair = (start + head) >> 1;
        var self = this;
        fixed (double* p = destination)
        {
            double* basePtr = p + head;
            const int chunk = 1 << 13;
            if (n < ParallelThreshold) self.NormalPairs(basePtr, firstPair, 0, pairs);
            else Parallel.For(0, (pairs + chunk - 1) / chunk, c => self.NormalPairs(basePtr, firstPair, c * chunk, Math.Min(pairs, (c + 1) * chunk)));
        }
    }

    /// <summary>Pairs [from, to) of the Box–Muller stream into destination[2·(pair − 0)], starting at block firstPair.</summary>
    private unsafe void NormalPairs(double* destination, long firstPair, int from, int to)
    {
        for (int q = from; q < to; q++)
        {
            var (x0, x1, x2, x3) = Block((ulong)(firstPair + q));
            double u1 = (((((ulong)x1 << 32) | x0) >> 11) + 1) * TwoPow53Inv;
            double u2 = ((((ulong)x3 << 32) | x2) >> 11) * TwoPow53Inv;
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            double angle = 2.0 * Math.PI * u2;
            destination[2 * q] = r * Math.Cos(angle);
            destination[2 * q + 1] = r * Math.Sin(angle);
        }
    }

    /// <summary>Fills with ±1 signs, elements start, start+1, ….</summary>
    public void FillRademacher(Span<double> destination, long start = 0) => Fill(destination, start, static (r, i) => r.Rademacher(i));

    private unsafe void Fill<T>(Span<T> destination, long start, Func<CounterRng, long, T> element) where T : unmanaged
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start, nameof(start));
        if (destination.Length < ParallelThreshold)
        {
            for (int i = 0; i < destination.Length; i++) destination[i] = element(this, start + i);
            return;
        }
        var self = this;
        int n = destination.Length;
        const int chunk = 1 << 14;
        fixed (T* p = destination)
        {
            T* basePtr = p;
            Parallel.For(0, (n + chunk - 1) / chunk, c =>
            {
                int end = Math.Min(n, (c + 1) * chunk);
                for (int i = c * chunk; i < end; i++) basePtr[i] = element(self, start + i);
            });
        }
    }

    /// <summary>A uniformly random permutation of 0..n−1 (Fisher–Yates driven by 64-bit words 0..n−2).</summary>
    public int[] Permutation(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(n, nameof(n));
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)UniformInteger(n - 1 - i, i + 1);
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
        for (int i = 0; i < count; i++)
        {
            int j = i + (int)UniformInteger(i, n - i);
            int vj = displaced.TryGetValue(j, out var dj) ? dj : j;
            int vi = displaced.TryGetValue(i, out var di) ? di : i;
            result[i] = vj;
            displaced[j] = vi;
        }
        return result;
    }
}
