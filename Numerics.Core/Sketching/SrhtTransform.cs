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
    /// <remarks>Float32 input is widened to double as it is read (exactly), so the sketch of a float
    /// matrix is the sketch of its double copy, bit for bit.</remarks>
    public static void ScatterPanel<T>(T* src, int ld, int count, int firstLane, int lanes,
        int[] positions, double[] signs, int offset, double* buffer) where T : unmanaged
    {
        fixed (int* pos = &positions[offset])
        fixed (double* sgn = &signs[offset])
        {
            int i = 0;
            if (firstLane == 0 && lanes == PanelWidth && Vector256.IsHardwareAccelerated)
            {
                T* c0 = src, c1 = src + ld, c2 = src + 2L * ld, c3 = src + 3L * ld;
                for (; i + 4 <= count; i += 4)
                {
                    // Rows i..i+3 of the four columns, transposed in registers into four rows.
                    var v0 = LoadFour(c0 + i);
                    var v1 = LoadFour(c1 + i);
                    var v2 = LoadFour(c2 + i);
                    var v3 = LoadFour(c3 + i);
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
                for (int lane = 0; lane < lanes; lane++) row[lane] = sgn[i] * Widen(src[lane * (long)ld + i]);
            }
        }
    }

    /// <summary>Four consecutive values as doubles.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> LoadFour<T>(T* p) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector256.Load((double*)p);
        if (typeof(T) == typeof(float)) return Vector256.WidenLower(Vector128.Load((float*)p).ToVector256Unsafe());
        throw new NotSupportedException($"Element type {typeof(T)} is not supported.");
    }

    /// <summary>One value as a double (float and double only).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static double Widen<T>(T value) where T : unmanaged =>
        typeof(T) == typeof(double) ? System.Runtime.CompilerServices.Unsafe.As<T, double>(ref value)
        : typeof(T) == typeof(float) ? System.Runtime.CompilerServices.Unsafe.As<T, float>(ref value)
        : throw new NotSupportedException($"Element type {typeof(T)} is not supported.");

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
    /// N×4 buffer is overwritten. With <paramref name="parallel"/> the independent blocks, columns of
    /// the cross-block stages, and output rows of each phase are split over threads; every value is
    /// computed by the same operations in the same order either way.
    /// </summary>
    public static void TransformAndSample(double* buffer, int n, int[] rows, double scale, double* output, long ld, int lanes, bool parallel = false)
    {
        // Stages within 1024-row blocks (L1), then within 8192-row blocks (L2): B₁ = min(N, 8192).
        int l1 = Math.Min(n, BlockRows), b1 = Math.Min(n, L2BlockRows);
        For(n / l1, parallel, block => Hadamard.TransformRowBlock(buffer + (long)block * l1 * PanelWidth, l1, PanelWidth, PanelWidth));
        if (b1 > l1)
            For(n / b1, parallel, block => Hadamard.TransformRowBlock(buffer + (long)block * b1 * PanelWidth, b1 / l1, (long)l1 * PanelWidth, l1 * PanelWidth));
        int b2 = n / b1;
        int m = rows.Length;
        const int rowChunk = 256;
        int chunks = (m + rowChunk - 1) / rowChunk;
        if (b2 > 1 && (long)m * b2 < (long)n * BitOperations.Log2((uint)b2))
        {
            int shift = BitOperations.Log2((uint)b1);
            For(chunks, parallel, chunk =>
            {
                Span<double> lane = stackalloc double[PanelWidth];
                for (int k = chunk * rowChunk, end = Math.Min(m, k + rowChunk); k < end; k++)
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
            });
            return;
        }
        if (b2 > 1)
        {
            // The cross-block stages act on rows of b1·4 values; slices of those columns are independent.
            const int slice = 1024;
            int width = b1 * PanelWidth;
            For(width / slice, parallel, part => Hadamard.TransformRowBlock(buffer + (long)part * slice, b2, width, slice));
        }
        For(chunks, parallel, chunk =>
        {
            for (int k = chunk * rowChunk, end = Math.Min(m, k + rowChunk); k < end; k++)
            {
                double* row = buffer + (long)rows[k] * PanelWidth;
                for (int c = 0; c < lanes; c++) output[k + c * ld] = scale * row[c];
            }
        });
    }

    /// <summary>Tests only: true forces the row-split schedule, false the panel-parallel one, null (the default) chooses by core count.</summary>
    internal static readonly AsyncLocal<bool?> ForcedSchedule = new();

    /// <summary>Tests only: called as each SRHT panel, or each row block of the other sketches, starts (to cancel from inside a sketch).</summary>
    internal static readonly AsyncLocal<Action?> BlockStarted = new();

    /// <summary>body(0..count−1), over threads when asked.</summary>
    private static void For(int count, bool parallel, Action<int> body)
    {
        if (parallel && count > 1) Parallel.For(0, count, body);
        else for (int i = 0; i < count; i++) body(i);
    }

    /// <summary>
    /// The SRHT of [A | b]: the <paramref name="columns"/> columns at a (column j at a + j·ld, n rows)
    /// and, when <paramref name="b"/> is not null, the column at b, written to the column-major
    /// m×(columns + 1) output. Each panel of four columns goes through an N×4 buffer (b shares
    /// the last panel of A when it has room); no N×c copy of the input is made. With at least as
    /// many panels as cores, panels run in parallel; with fewer (small d), the rows of each panel
    /// are split. Cancellation is checked between panels.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void ApplyColumns<T>(SketchOperator op, T* a, int ld, int columns, double* b, double[] output,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        int n = op.InputRows, padded = op.PaddedRows, m = op.Rows;
        var positions = op.Positions;
        var signs = op.Signs;
        var rows = op.SampledRows;
        double scale = 1.0 / Math.Sqrt(m);
        int total = columns + (b is null ? 0 : 1);
        int panels = (total + PanelWidth - 1) / PanelWidth;

        // Lanes [0, aLanes) of a panel come from A, the next one (if any) from b.
        void Scatter(int panel, double* buffer, int r0, int count)
        {
            int first = panel * PanelWidth;
            int aLanes = Math.Clamp(columns - first, 0, PanelWidth);
            if (aLanes > 0) ScatterPanel(a + (long)first * ld + r0, ld, count, 0, aLanes, positions, signs, r0, buffer);
            if (b is not null && first + aLanes == columns && aLanes < PanelWidth)
                ScatterPanel(b + r0, ld, count, aLanes, 1, positions, signs, r0, buffer);
        }

        bool panelParallel = ForcedSchedule.Value is { } forced ? !forced : panels >= Environment.ProcessorCount;
        // Panel buffers are huge-page-backed scratch memory: a fresh N×4 managed array per worker and
        // call costs more in 4 KiB page faults than the transform on a small VM.
        int workers = panelParallel ? Math.Max(1, Math.Min(panels, Environment.ProcessorCount)) : 1;
        long slot = (long)padded * PanelWidth;
        using var scratch = Numerics.Memory.ScratchBuffer.Rent(workers * slot * sizeof(double));
        double* buffers = scratch.Doubles;
        if (panelParallel)
        {
            // Parallel.For may start a new worker task when one finishes its range, so slots are lent
            // and returned rather than numbered: at most `workers` tasks run at once.
            var free = new System.Collections.Concurrent.ConcurrentStack<int>(Enumerable.Range(0, workers));
            var options = new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = workers };
            Parallel.For(0, panels, options,
                () => free.TryPop(out int lent) ? lent : throw new InvalidOperationException("More SRHT workers than panel buffers."),
                (panel, _, worker) =>
            {
                BlockStarted.Value?.Invoke();
                cancellationToken.ThrowIfCancellationRequested();
                int first = panel * PanelWidth, lanes = Math.Min(PanelWidth, total - first);
                double* buf = buffers + worker * slot;
                fixed (double* o = output)
                {
                    // Padding rows must be zero (the scratch memory holds anything); lanes beyond
                    // `lanes` never mix with the others and are not read.
                    if (n < padded) new Span<double>(buf, (int)slot).Clear();
                    Scatter(panel, buf, 0, n);
                    TransformAndSample(buf, padded, rows, scale, o + (long)first * m, m, lanes);
                }
                return worker;
            }, free.Push);
            return;
        }
        const int scatterChunk = 1 << 14;
        fixed (double* o = output)
        {
            double* bp = buffers, outp = o;
            for (int panel = 0; panel < panels; panel++)
            {
                BlockStarted.Value?.Invoke();
                cancellationToken.ThrowIfCancellationRequested();
                int first = panel * PanelWidth, lanes = Math.Min(PanelWidth, total - first);
                if (n < padded) new Span<double>(bp, (int)slot).Clear();
                // Π is injective, so the row chunks write disjoint rows of the buffer.
                int p = panel;
                For((n + scatterChunk - 1) / scatterChunk, true, c => Scatter(p, bp, c * scatterChunk, Math.Min(scatterChunk, n - c * scatterChunk)));
                TransformAndSample(bp, padded, rows, scale, outp + (long)first * m, m, lanes, parallel: true);
            }
        }
    }
}
