using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Numerics.Sketching;

/// <summary>
/// The fast Walsh–Hadamard transform (Sylvester ordering, unnormalised): y = H·x with
/// H[i, j] = (−1)^popcount(i &amp; j), in O(N log N) additions.
/// </summary>
/// <remarks>
/// Two layouts are served. <see cref="Transform{T}(Span{T})"/> transforms one vector.
/// <see cref="TransformRows{T}(Span{T}, int, int, int)"/> transforms a row-major block along its
/// row index: every butterfly combines two whole rows, so the inner loop is a contiguous SIMD
/// add/subtract over the row, which is the layout the SRHT uses. Two stages are fused per pass
/// (radix 4) to halve the memory traffic.
/// </remarks>
public static class Hadamard
{
    /// <summary>In-place unnormalised FWHT of <paramref name="x"/> (length a power of two).</summary>
    /// <exception cref="ArgumentException">The length is not a power of two.</exception>
    public static unsafe void Transform<T>(Span<T> x) where T : unmanaged, INumber<T>
    {
        if (x.Length == 0 || !BitOperations.IsPow2(x.Length))
            throw new ArgumentException($"x must have a power-of-two length, got {x.Length}.", nameof(x));
        fixed (T* p = x) TransformVector(p, x.Length);
    }

    /// <summary>
    /// In-place unnormalised FWHT along the row index of the row-major block
    /// <paramref name="data"/>: rows × width values, row r starting at r·<paramref name="rowStride"/>.
    /// </summary>
    /// <exception cref="ArgumentException">rows is not a power of two, width &gt; rowStride, or the span is too short.</exception>
    public static unsafe void TransformRows<T>(Span<T> data, int rows, int width, int rowStride) where T : unmanaged, INumber<T>
    {
        if (rows <= 0 || !BitOperations.IsPow2(rows))
            throw new ArgumentException($"rows must be a power of two, got {rows}.", nameof(rows));
        ArgumentOutOfRangeException.ThrowIfNegative(width, nameof(width));
        if (rowStride < width) throw new ArgumentException($"rowStride ({rowStride}) must be at least width ({width}).", nameof(rowStride));
        long needed = (long)(rows - 1) * rowStride + width;
        if (data.Length < needed) throw new ArgumentException($"data holds {data.Length} values; {needed} are needed.", nameof(data));
        fixed (T* p = data) TransformRowBlock(p, rows, rowStride, width);
    }

    /// <summary>Transforms the <paramref name="rows"/> rows at p + r·stride, over <paramref name="width"/> columns.</summary>
    internal static unsafe void TransformRowBlock<T>(T* p, int rows, long stride, int width) where T : unmanaged, INumber<T>
    {
        int h = 1;
        // When rows are packed (stride = width), the h rows a butterfly group pairs up are one
        // contiguous run of h·width values: one long SIMD loop instead of h short ones.
        bool packed = stride == width;
        // Radix-4 passes: stages h and 2h together.
        for (; 4 * h <= rows; h *= 4)
            for (int start = 0; start < rows; start += 4 * h)
            {
                if (packed)
                {
                    long span = (long)h * width;
                    T* q = p + start * stride;
                    Butterfly4(q, q + span, q + 2 * span, q + 3 * span, (int)span);
                    continue;
                }
                for (int i = start; i < start + h; i++)
                    Butterfly4(p + i * stride, p + (i + h) * stride, p + (i + 2 * h) * stride, p + (i + 3 * h) * stride, width);
            }
        if (2 * h <= rows)
        {
            if (packed) Butterfly2(p, p + (long)h * width, h * width);
            else
                for (int i = 0; i < h; i++)
                    Butterfly2(p + i * stride, p + (i + h) * stride, width);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Butterfly2<T>(T* a, T* b, int width) where T : unmanaged, INumber<T>
    {
        int j = 0;
        // Vector<T> is 256 bits by default even with AVX-512, so doubles take 512-bit vectors explicitly.
        if (typeof(T) == typeof(double) && Vector512.IsHardwareAccelerated)
            for (double* x0 = (double*)a, x1 = (double*)b; j <= width - 8; j += 8)
            {
                var x = Vector512.Load(x0 + j);
                var y = Vector512.Load(x1 + j);
                (x + y).Store(x0 + j);
                (x - y).Store(x1 + j);
            }
        for (; j <= width - Vector<T>.Count; j += Vector<T>.Count)
        {
            var x = Vector.Load(a + j);
            var y = Vector.Load(b + j);
            Vector.Store(x + y, a + j);
            Vector.Store(x - y, b + j);
        }
        for (; j < width; j++)
        {
            T x = a[j], y = b[j];
            a[j] = x + y;
            b[j] = x - y;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void Butterfly4<T>(T* r0, T* r1, T* r2, T* r3, int width) where T : unmanaged, INumber<T>
    {
        int j = 0;
        if (typeof(T) == typeof(double) && Vector512.IsHardwareAccelerated)
            j = Butterfly4Double512((double*)r0, (double*)r1, (double*)r2, (double*)r3, width);
        for (; j <= width - Vector<T>.Count; j += Vector<T>.Count)
        {
            var x0 = Vector.Load(r0 + j);
            var x1 = Vector.Load(r1 + j);
            var x2 = Vector.Load(r2 + j);
            var x3 = Vector.Load(r3 + j);
            var a = x0 + x1;
            var b = x0 - x1;
            var c = x2 + x3;
            var d = x2 - x3;
            Vector.Store(a + c, r0 + j);
            Vector.Store(b + d, r1 + j);
            Vector.Store(a - c, r2 + j);
            Vector.Store(b - d, r3 + j);
        }
        for (; j < width; j++)
        {
            T a = r0[j] + r1[j], b = r0[j] - r1[j], c = r2[j] + r3[j], d = r2[j] - r3[j];
            r0[j] = a + c;
            r1[j] = b + d;
            r2[j] = a - c;
            r3[j] = b - d;
        }
    }

    /// <summary>The radix-4 butterfly on whole Vector512s of doubles (the same operations as the generic one); returns the columns done.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe int Butterfly4Double512(double* r0, double* r1, double* r2, double* r3, int width)
    {
        int j = 0;
        for (; j <= width - 8; j += 8)
        {
            var x0 = Vector512.Load(r0 + j);
            var x1 = Vector512.Load(r1 + j);
            var x2 = Vector512.Load(r2 + j);
            var x3 = Vector512.Load(r3 + j);
            var a = x0 + x1;
            var b = x0 - x1;
            var c = x2 + x3;
            var d = x2 - x3;
            (a + c).Store(r0 + j);
            (b + d).Store(r1 + j);
            (a - c).Store(r2 + j);
            (b - d).Store(r3 + j);
        }
        return j;
    }

    /// <summary>Length of the blocks the 1-D transform finishes in L1 before the stages that span blocks (4096 doubles = 32 KiB).</summary>
    internal const int BlockLength = 4096;

    /// <summary>1-D transform: every block of <see cref="BlockLength"/> in L1, then the stages across blocks as one row transform.</summary>
    private static unsafe void TransformVector<T>(T* p, int n) where T : unmanaged, INumber<T>
    {
        int block = Math.Min(n, BlockLength);
        for (int b = 0; b < n; b += block) TransformBlock(p + b, block);
        // Element b·block + r across blocks: rows of width `block`, contiguous.
        if (n > block) TransformRowBlock(p, n / block, block, block);
    }

    /// <summary>
    /// In-place transform of one contiguous block (length a power of two): the stages shorter than a
    /// SIMD vector in registers (AVX for double), the rest as row butterflies of width h.
    /// </summary>
    internal static unsafe void TransformBlock<T>(T* p, int n) where T : unmanaged, INumber<T>
    {
        int h = 1;
        if (typeof(T) == typeof(double) && Avx.IsSupported && n >= 4)
        {
            // Stages 1 and 2 inside each group of four: [a b c d] → [a+b a−b c+d c−d] → ….
            var alternate = Vector256.Create(1.0, -1.0, 1.0, -1.0);
            var halves = Vector256.Create(1.0, 1.0, -1.0, -1.0);
            double* d = (double*)p;
            for (int i = 0; i < n; i += 4)
            {
                var x = Avx.LoadVector256(d + i);
                var y = Avx.Permute(x, 0b0101) + x * alternate;
                var z = Avx.Permute2x128(y, y, 0x01) + y * halves;
                Avx.Store(d + i, z);
            }
            h = 4;
        }
        int lanes = Vector<T>.Count;
        for (; h < lanes && h < n; h *= 2)
            for (int start = 0; start < n; start += 2 * h)
                for (int i = start; i < start + h; i++)
                {
                    T x = p[i], y = p[i + h];
                    p[i] = x + y;
                    p[i + h] = x - y;
                }
        if (h < n) TransformRowBlock(p, n / h, h, h);
    }
}
