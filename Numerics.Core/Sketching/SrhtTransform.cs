using System.Numerics;
using System.Runtime.Intrinsics;

namespace Numerics.Sketching;

/// <summary>
/// The SRHT of a panel of four columns: scatter the signed input rows to their permuted positions
/// in an N×4 row-major buffer, run the Walsh–Hadamard transform along the rows, keep the m sampled rows.
/// </summary>
/// <remarks>
/// <para>Why panels: a column of a tall column-major matrix is contiguous, so four columns are
/// read as four streams, transposed 4×4 in registers, and each permuted row is one 32-byte store
/// (instead of four scattered 8-byte stores). In the buffer every butterfly is a whole-vector
/// add/subtract with no shuffles, because the four lanes are four independent columns.</para>
/// <para>Blocking: the first stages run on blocks of 1024 rows (32 KiB, L1), the next ones on
/// blocks of B₁ = 8192 rows (256 KiB, L2); the remaining log₂B₂ stages, B₂ = N/B₁, span blocks. Pruning: output row i = hi·B₁ + lo is
/// Σ_h (−1)^popcount(hi &amp; h)·y[h·B₁ + lo] after the block stages, so when m·B₂ &lt; N·log₂B₂ the
/// m sampled rows are formed from B₂-term sums instead of finishing the transform for all N rows:
/// O(N·log₂B₁ + m·N/B₁) rather than O(N·log₂N).</para>
/// <para>Panels are independent: callers split them over threads, and every output value is
/// produced by one thread in a fixed order, so the result does not depend on the thread count.</para>
/// </remarks>
internal static unsafe class SrhtTransform
{
    /// <summary>Columns per panel (one Vector256 of doubles).</summary>
    public const int PanelWidth = 4;

    /// <summary>Rows per L1-resident block of a panel (1024 × 4 doubles = 32 KiB).</summary>
    private const int BlockRows = 1024;

    /// <summary>Rows per L2-resident block of a panel (8192 × 4 doubles = 256 KiB).</summary>
    private const int L2BlockRows = 8192;

    /// <summary>
    /// buffer[positions[offset + i]·4 + lane] = signs[offset + i]·column_lane[i] for i &lt; count, where
    /// column_lane = src + lane·ld for the <paramref name="lanes"/> lanes starting at <paramref name="firstLane"/>.
    /// Other rows and lanes of the buffer are left as they are.
    /// </summary>
    public static void ScatterPanel(double* src, int ld, int count, int firstLane, int lanes,
        int[] positions, double[] signs, int offset, double* buffer)
    {
        fixed (int* pos = &positions[offset])
        fixed (double* sgn = &signs[offset])
        {
            int i = 0;
            if (firstLane == 0 && lanes == PanelWidth && Vector256.IsHardwareAccelerated)
            {
                double* c0 = src, c1 = src + ld, c2 = src + 2L * ld, c3 = src + 3L * ld;
                for (; i + 4 <= count; i += 4)
                {
                    // Rows i..i+3 of the four columns, transposed in registers into four rows.
                    var v0 = Vector256.Load(c0 + i);
                    var v1 = Vector256.Load(c1 + i);
                    var v2 = Vector256.Load(c2 + i);
                    var v3 = Vector256.Load(c3 + i);
                    Transpose4(v0, v1, v2, v3, out var r0, out var r1, out var r2, out var r3);
                    (r0 * sgn[i]).Store(buffer + (long)pos[i] * PanelWidth);
                    (r1 * sgn[i + 1]).Store(buffer + (long)pos[i + 1] * PanelWidth);
                    (r2 * sgn[i + 2]).Store(buffer + (long)pos[i + 2] * PanelWidth);
                    (r3 * sgn[i + 3]).Store(buffer + (long)pos[i + 3] * PanelWidth);
                }
            }
            for (; i < count; i++)
            {
                double* row = buffer + (long)pos[i] * PanelWidth + firstLane;
                for (int lane = 0; lane < lanes; lane++) row[lane] = sgn[i] * src[lane * (long)ld + i];
            }
        }
    }

    /// <summary>Transposes the 4×4 block whose columns are v0..v3 into its rows r0..r3.</summary>
    private static void Transpose4(Vector256<double> v0, Vector256<double> v1, Vector256<double> v2, Vector256<double> v3,
        out Vector256<double> r0, out Vector256<double> r1, out Vector256<double> r2, out Vector256<double> r3)
    {
        if (System.Runtime.Intrinsics.X86.Avx.IsSupported)
        {
            var t0 = System.Runtime.Intrinsics.X86.Avx.UnpackLow(v0, v1);   // v0[0] v1[0] v0[2] v1[2]
            var t1 = System.Runtime.Intrinsics.X86.Avx.UnpackHigh(v0, v1);  // v0[1] v1[1] v0[3] v1[3]
            var t2 = System.Runtime.Intrinsics.X86.Avx.UnpackLow(v2, v3);
            var t3 = System.Runtime.Intrinsics.X86.Avx.UnpackHigh(v2, v3);
            r0 = System.Runtime.Intrinsics.X86.Avx.Permute2x128(t0, t2, 0x20);
            r1 = System.Runtime.Intrinsics.X86.Avx.Permute2x128(t1, t3, 0x20);
            r2 = System.Runtime.Intrinsics.X86.Avx.Permute2x128(t0, t2, 0x31);
            r3 = System.Runtime.Intrinsics.X86.Avx.Permute2x128(t1, t3, 0x31);
            return;
        }
        r0 = Vector256.Create(v0[0], v1[0], v2[0], v3[0]);
        r1 = Vector256.Create(v0[1], v1[1], v2[1], v3[1]);
        r2 = Vector256.Create(v0[2], v1[2], v2[2], v3[2]);
        r3 = Vector256.Create(v0[3], v1[3], v2[3], v3[3]);
    }

    /// <summary>
    /// output[k + lane·ld] = scale·(H·buffer)[rows[k], lane] for k &lt; m and lane &lt; lanes; the
    /// N×4 buffer is overwritten.
    /// </summary>
    public static void TransformAndSample(double* buffer, int n, int[] rows, double scale, double* output, long ld, int lanes)
    {
        // Stages within 1024-row blocks (L1), then within 8192-row blocks (L2): B₁ = min(N, 8192).
        int l1 = Math.Min(n, BlockRows), b1 = Math.Min(n, L2BlockRows);
        for (int block = 0; block < n; block += l1)
            Hadamard.TransformRowBlock(buffer + (long)block * PanelWidth, l1, PanelWidth, PanelWidth);
        if (b1 > l1)
            for (int block = 0; block < n; block += b1)
                Hadamard.TransformRowBlock(buffer + (long)block * PanelWidth, b1 / l1, (long)l1 * PanelWidth, l1 * PanelWidth);
        int b2 = n / b1;
        int m = rows.Length;
        Span<double> lane = stackalloc double[PanelWidth];
        if (b2 > 1 && (long)m * b2 < (long)n * BitOperations.Log2((uint)b2))
        {
            int shift = BitOperations.Log2((uint)b1);
            for (int k = 0; k < m; k++)
            {
                int hi = rows[k] >> shift, lo = rows[k] & (b1 - 1);
                var sum = Vector256<double>.Zero;
                for (int h = 0; h < b2; h++)
                {
                    var v = Vector256.Load(buffer + ((long)h * b1 + lo) * PanelWidth);
                    sum = (BitOperations.PopCount((uint)(hi & h)) & 1) == 0 ? sum + v : sum - v;
                }
                (sum * scale).CopyTo(lane);
                for (int c = 0; c < lanes; c++) output[k + c * ld] = lane[c];
            }
            return;
        }
        if (b2 > 1) Hadamard.TransformRowBlock(buffer, b2, (long)b1 * PanelWidth, b1 * PanelWidth);
        for (int k = 0; k < m; k++)
        {
            double* row = buffer + (long)rows[k] * PanelWidth;
            for (int c = 0; c < lanes; c++) output[k + c * ld] = scale * row[c];
        }
    }

    /// <summary>
    /// The SRHT of the <paramref name="columns"/> columns at src (column j at src + j·ld, n rows),
    /// written to columns outputColumn.. of the column-major m×· output. Each panel of four columns
    /// goes through a thread-local N×4 buffer; no N×c copy of the input is made.
    /// </summary>
    public static void ApplyColumns(SketchOperator op, double* src, int ld, int columns, double[] output, int outputColumn)
    {
        int n = op.InputRows, padded = op.PaddedRows, m = op.Rows;
        var positions = op.Positions;
        var signs = op.Signs;
        var rows = op.SampledRows;
        double scale = 1.0 / Math.Sqrt(m);
        int panels = (columns + PanelWidth - 1) / PanelWidth;
        Parallel.For(0, panels, () => new double[(long)padded * PanelWidth], (panel, _, buffer) =>
        {
            int first = panel * PanelWidth, lanes = Math.Min(PanelWidth, columns - first);
            fixed (double* b = buffer)
            fixed (double* o = output)
            {
                // Padding rows must be zero; lanes beyond `lanes` never mix with the others and are not read.
                if (n < padded) Array.Clear(buffer);
                ScatterPanel(src + (long)first * ld, ld, n, 0, lanes, positions, signs, 0, b);
                TransformAndSample(b, padded, rows, scale, o + (long)(outputColumn + first) * m, m, lanes);
            }
            return buffer;
        }, _ => { });
    }
}
