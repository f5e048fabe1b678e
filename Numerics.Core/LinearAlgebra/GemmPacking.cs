using System.Numerics;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Copies a block of op(A) or op(B) into the micro-panel order the GEMM micro-kernels read: one
/// contiguous stream per tile, zero-padded to whole tiles so that the kernels never branch on edges.
/// </summary>
/// <remarks>
/// Both operands are the same problem seen through strides: a block of <c>count</c> tile lines
/// (rows of op(A), columns of op(B)) by kc depth steps, element (t, p) at
/// <c>src + t·lineStride + p·depthStride</c>. Column-major storage makes one of the two strides 1,
/// and the loop runs along that one so that reads stay contiguous.
/// </remarks>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs the count×kc block as ⌈count/width⌉ micro-panels; the panel of line t (a multiple of
    /// width) starts at <c>dst + t·kc</c> and holds kc consecutive groups of width values.
    /// </summary>
    public static void Pack<T>(T* src, nint lineStride, nint depthStride, int count, int kc, int width, T* dst)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int t = 0; t < count; t += width)
        {
            int lines = Math.Min(width, count - t);
            T* panel = dst + (nint)t * kc, from = src + t * lineStride;
            if (lineStride == 1)
            {
                // The lines of one depth step are contiguous: one short copy per step.
                for (int p = 0; p < kc; p++)
                {
                    T* d = panel + (nint)p * width;
                    new ReadOnlySpan<T>(from + p * depthStride, lines).CopyTo(new Span<T>(d, lines));
                    if (lines < width) new Span<T>(d + lines, width - lines).Clear();
                }
                continue;
            }
            // Each line is contiguous along the depth: read it in order, write every width-th slot.
            for (int line = 0; line < width; line++)
            {
                T* d = panel + line;
                if (line < lines)
                {
                    T* s = from + line * lineStride;
                    for (int p = 0; p < kc; p++) d[(nint)p * width] = s[p * depthStride];
                }
                else
                {
                    for (int p = 0; p < kc; p++) d[(nint)p * width] = T.Zero;
                }
            }
        }
    }
}
