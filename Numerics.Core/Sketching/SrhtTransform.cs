using System.Numerics;

namespace Numerics.Sketching;

/// <summary>
/// The sampled Walsh–Hadamard transform of a row-major N×c buffer: only the m requested rows of
/// H·Y are produced, in two cache-blocked passes.
/// </summary>
/// <remarks>
/// Write N = B₁·B₂ and a row index as i = hi·B₁ + lo. Sylvester's H factors as H_N = H_{B₂} ⊗ H_{B₁},
/// so (H·Y)[hi·B₁ + lo] = Σ_h H_{B₂}[hi, h]·(H_{B₁}·Y_h)[lo], where Y_h is the h-th block of B₁ rows.
/// <list type="number">
/// <item>Pass 1 transforms every block of B₁ consecutive rows in place (all log₂B₁ stages on a
/// column strip that stays in L2).</item>
/// <item>Pass 2, for each low index lo that a sampled row needs, gathers the B₂ rows lo, lo+B₁, …
/// of a column strip into a contiguous scratch and either runs the full B₂-point transform on it
/// or — when few samples share that lo — forms just the needed ±1 combinations (the pruned transform).</item>
/// </list>
/// The buffer is read about twice and written once, instead of log₂N/2 radix-4 passes. Every
/// output value is computed by one thread in a fixed order, so results do not depend on the thread count.
/// </remarks>
internal static unsafe class SrhtTransform
{
    /// <summary>Scratch strip size: B·strip·8 bytes stays within L2.</summary>
    private const int StripBytes = 1 << 18;

    /// <summary>
    /// Writes scale·(H·Y)[rows[k], :] into row k of the column-major m×c <paramref name="output"/>
    /// (leading dimension m). Y (N rows, row stride <paramref name="stride"/>) is overwritten.
    /// </summary>
    public static void SampleRows(double* y, int n, int columns, long stride, int[] rows, double scale, double[] output)
    {
        int m = rows.Length;
        int logN = BitOperations.Log2((uint)n);
        int b1 = 1 << ((logN + 1) / 2), b2 = n / b1;
        int strip = StripWidth(Math.Max(b1, b2), columns);
        int strips = (columns + strip - 1) / strip;

        // Pass 1: every block of b1 rows, one column strip at a time.
        Parallel.For(0, b2 * strips, task =>
        {
            int block = task / strips, s = task % strips;
            int c0 = s * strip, width = Math.Min(strip, columns - c0);
            Hadamard.TransformRowBlock(y + (long)block * b1 * stride + c0, b1, stride, width);
        });

        // Pass 2: group the sampled rows by their low index.
        var byLow = new Dictionary<int, List<int>>();
        for (int k = 0; k < m; k++)
        {
            int lo = rows[k] & (b1 - 1);
            if (!byLow.TryGetValue(lo, out var list)) byLow[lo] = list = [];
            list.Add(k);
        }
        var lows = byLow.Keys.Order().ToArray();
        int logB2 = BitOperations.Log2((uint)b2);
        Parallel.For(0, lows.Length * strips,
            () => new double[(long)b2 * strip],
            (task, _, scratch) =>
            {
                int lo = lows[task / strips], s = task % strips;
                int c0 = s * strip, width = Math.Min(strip, columns - c0);
                var samples = byLow[lo];
                fixed (double* x = scratch)
                {
                    for (int h = 0; h < b2; h++)
                        new ReadOnlySpan<double>(y + ((long)h * b1 + lo) * stride + c0, width).CopyTo(new Span<double>(x + (long)h * width, width));
                    if (samples.Count >= logB2)
                    {
                        Hadamard.TransformRowBlock(x, b2, width, width);
                        foreach (int k in samples)
                            WriteRow(x + (long)(rows[k] / b1) * width, width, scale, output, m, k, c0);
                    }
                    else
                    {
                        var acc = new double[width];
                        foreach (int k in samples)
                        {
                            CombineSigned(x, b2, width, rows[k] / b1, acc);
                            fixed (double* a = acc) WriteRow(a, width, scale, output, m, k, c0);
                        }
                    }
                }
                return scratch;
            },
            _ => { });
    }

    /// <summary>acc = Σ_h (−1)^popcount(hi &amp; h)·x[h], i.e. row hi of H_{b2}·x.</summary>
    private static void CombineSigned(double* x, int b2, int width, int hi, double[] acc)
    {
        Array.Clear(acc);
        fixed (double* a = acc)
        {
            for (int h = 0; h < b2; h++)
            {
                double* row = x + (long)h * width;
                bool negative = (BitOperations.PopCount((uint)(hi & h)) & 1) != 0;
                int j = 0;
                for (; j <= width - Vector<double>.Count; j += Vector<double>.Count)
                {
                    var v = Vector.Load(row + j);
                    var s = Vector.Load(a + j);
                    Vector.Store(negative ? s - v : s + v, a + j);
                }
                for (; j < width; j++) a[j] = negative ? a[j] - row[j] : a[j] + row[j];
            }
        }
    }

    private static void WriteRow(double* row, int width, double scale, double[] output, int m, int k, int c0)
    {
        for (int j = 0; j < width; j++) output[(long)(c0 + j) * m + k] = scale * row[j];
    }

    /// <summary>Column strip width: the widest multiple of the SIMD width whose B-row strip fits the scratch budget.</summary>
    private static int StripWidth(int rowsPerStrip, int columns)
    {
        int lanes = Vector<double>.Count;
        int w = Math.Max(lanes, StripBytes / (rowsPerStrip * sizeof(double)) / lanes * lanes);
        return Math.Min(w, columns);
    }
}
