using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Numerics.Sketching;

/// <summary>
/// The SRHT of a panel of w columns (w = 8 with AVX-512, else 4): scatter the signed input rows to
/// their permuted positions in an N×w row-major buffer, run the Walsh–Hadamard transform along the
/// rows, keep the m sampled rows.
/// </summary>
/// <remarks>
/// <para>Why panels: a column of a tall column-major matrix is contiguous, so w columns are
/// read as w streams, transposed w×w in registers, and each permuted row is one w·8-byte store
/// (with w = 8, one whole cache line, instead of eight scattered 8-byte stores). In the buffer every
/// butterfly is a whole-vector add/subtract with no shuffles, because the lanes are independent
/// columns. The lanes never mix, so the width changes no output bit.</para>
/// <para>Blocking: the first stages run on blocks of 32 KiB (1024 rows of 4 or 512 rows of 8, L1), the
/// next ones on blocks of B₁ = 8192 rows (256 or 512 KiB, L2); the remaining log₂B₂ stages, B₂ = N/B₁,
/// span blocks. The stages run in the same order whatever the blocking, and a radix-4 pass computes
/// exactly what its two radix-2 stages would. Pruning: output row i = hi·B₁ + lo is
/// Σ_h (−1)^popcount(hi &amp; h)·y[h·B₁ + lo] after the block stages, so when m·B₂ &lt; N·log₂B₂ the
/// m sampled rows are formed from B₂-term sums instead of finishing the transform for all N rows:
/// O(N·log₂B₁ + m·N/B₁) rather than O(N·log₂N).</para>
/// <para>Panels are independent: callers split them over threads, and every output value is
/// produced by one thread in a fixed order, so the result does not depend on the thread count.</para>
/// </remarks>
internal static unsafe class SrhtTransform
{
    /// <summary>Whether panels of eight columns (one Vector512 of doubles per row) are used.</summary>
    private static readonly bool Wide = Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    /// <summary>Tests only: true forces panels of four columns even where eight would be used.</summary>
    internal static readonly AsyncLocal<bool> ForceNarrowPanels = new();

    /// <summary>
    /// Columns per panel for a sketch of <paramref name="columns"/> columns: eight (one Vector512 of
    /// doubles, a cache line per row) with AVX-512 when there are more than four, else four (one Vector256).
    /// </summary>
    public static int PanelWidth(int columns) => Wide && columns > 4 && !ForceNarrowPanels.Value ? 8 : 4;

    /// <summary>Bytes per L1-resident block of a panel (1024 rows of 4 or 512 rows of 8 doubles).</summary>
    private const int BlockBytes = 32 * 1024;

    /// <summary>Rows per L2-resident block of a panel, B₁ (the pruned sums depend on it).</summary>
    private const int L2BlockRows = 8192;

    /// <summary>
    /// buffer[positions[offset + i]·width + lane] = signs[offset + i]·column_lane[i] for i &lt; count, where
    /// column_lane = src + lane·ld for the <paramref name="lanes"/> lanes starting at <paramref name="firstLane"/>.
    /// Other rows and lanes of the buffer are left as they are. With <paramref name="accumulate"/> the
    /// values are added to the buffer's instead (an accumulator that receives a row twice sums it).
    /// </summary>
    /// <remarks>Float32 input is widened to double as it is read (exactly), so the sketch of a float
    /// matrix is the sketch of its double copy, bit for bit. Eight lanes go as one 8×8 transpose and
    /// one 64-byte store per row; groups of four lanes as a 4×4 transpose and a 32-byte store.</remarks>
    public static void ScatterPanel<T>(T* src, int ld, int count, int firstLane, int lanes,
        int[] positions, double[] signs, int offset, double* buffer, int width, bool accumulate = false) where T : unmanaged
    {
        fixed (int* pos = &positions[offset])
        fixed (double* sgn = &signs[offset])
        {
            while (lanes > 0)
            {
                int done = ScatterLanes(src, ld, count, firstLane, lanes, pos, sgn, buffer, width, accumulate);
                src += (long)done * ld;
                firstLane += done;
                lanes -= done;
            }
        }
    }

    /// <summary>Scatters 8 or 4 of the lanes (as many as fit in one transpose) or all of them one value at a time; returns how many.</summary>
    private static int ScatterLanes<T>(T* src, int ld, int count, int firstLane, int lanes,
        int* pos, double* sgn, double* buffer, int width, bool accumulate) where T : unmanaged
    {
        int i = 0;
        if (lanes >= 8 && Wide)
        {
            double* dst = buffer + firstLane;
            T* c0 = src, c1 = src + ld, c2 = src + 2L * ld, c3 = src + 3L * ld;
            T* c4 = src + 4L * ld, c5 = src + 5L * ld, c6 = src + 6L * ld, c7 = src + 7L * ld;
            for (; i + 8 <= count; i += 8)
            {
                // Rows i..i+7 of the eight columns, transposed in registers into eight rows.
                Transpose8(LoadEight(c0 + i), LoadEight(c1 + i), LoadEight(c2 + i), LoadEight(c3 + i),
                    LoadEight(c4 + i), LoadEight(c5 + i), LoadEight(c6 + i), LoadEight(c7 + i),
                    out var r0, out var r1, out var r2, out var r3, out var r4, out var r5, out var r6, out var r7);
                Put(r0 * sgn[i], dst + (long)pos[i] * width, accumulate);
                Put(r1 * sgn[i + 1], dst + (long)pos[i + 1] * width, accumulate);
                Put(r2 * sgn[i + 2], dst + (long)pos[i + 2] * width, accumulate);
                Put(r3 * sgn[i + 3], dst + (long)pos[i + 3] * width, accumulate);
                Put(r4 * sgn[i + 4], dst + (long)pos[i + 4] * width, accumulate);
                Put(r5 * sgn[i + 5], dst + (long)pos[i + 5] * width, accumulate);
                Put(r6 * sgn[i + 6], dst + (long)pos[i + 6] * width, accumulate);
                Put(r7 * sgn[i + 7], dst + (long)pos[i + 7] * width, accumulate);
            }
            lanes = 8;
        }
        else if (lanes >= 4 && Vector256.IsHardwareAccelerated)
        {
            double* dst = buffer + firstLane;
            T* c0 = src, c1 = src + ld, c2 = src + 2L * ld, c3 = src + 3L * ld;
            for (; i + 4 <= count; i += 4)
            {
                // Rows i..i+3 of the four columns, transposed in registers into four rows.
                Transpose4(LoadFour(c0 + i), LoadFour(c1 + i), LoadFour(c2 + i), LoadFour(c3 + i),
                    out var r0, out var r1, out var r2, out var r3);
                Put(r0 * sgn[i], dst + (long)pos[i] * width, accumulate);
                Put(r1 * sgn[i + 1], dst + (long)pos[i + 1] * width, accumulate);
                Put(r2 * sgn[i + 2], dst + (long)pos[i + 2] * width, accumulate);
                Put(r3 * sgn[i + 3], dst + (long)pos[i + 3] * width, accumulate);
            }
            lanes = 4;
        }
        for (; i < count; i++)
        {
            double* row = buffer + (long)pos[i] * width + firstLane;
            if (accumulate) for (int lane = 0; lane < lanes; lane++) row[lane] += sgn[i] * Widen(src[lane * (long)ld + i]);
            else for (int lane = 0; lane < lanes; lane++) row[lane] = sgn[i] * Widen(src[lane * (long)ld + i]);
        }
        return lanes;
    }

    /// <summary>Stores v at p, or adds it to what p holds.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Put(Vector512<double> v, double* p, bool accumulate) => (accumulate ? v + Vector512.Load(p) : v).Store(p);

    /// <summary>Stores v at p, or adds it to what p holds.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Put(Vector256<double> v, double* p, bool accumulate) => (accumulate ? v + Vector256.Load(p) : v).Store(p);

    /// <summary>Eight consecutive values as doubles.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> LoadEight<T>(T* p) where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return Vector512.Load((double*)p);
        if (typeof(T) == typeof(float)) return Avx512F.ConvertToVector512Double(Vector256.Load((float*)p));
        throw new NotSupportedException($"Element type {typeof(T)} is not supported.");
    }

    /// <summary>Transposes the 8×8 block whose columns are v0..v7 into its rows r0..r7 (AVX-512 only).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(Vector512<double> v0, Vector512<double> v1, Vector512<double> v2, Vector512<double> v3,
        Vector512<double> v4, Vector512<double> v5, Vector512<double> v6, Vector512<double> v7,
        out Vector512<double> r0, out Vector512<double> r1, out Vector512<double> r2, out Vector512<double> r3,
        out Vector512<double> r4, out Vector512<double> r5, out Vector512<double> r6, out Vector512<double> r7)
    {
        // Pairs within 128-bit lanes: t0 = v0[0] v1[0] v0[2] v1[2] v0[4] v1[4] v0[6] v1[6], t1 the odd ones.
        var t0 = Avx512F.UnpackLow(v0, v1);
        var t1 = Avx512F.UnpackHigh(v0, v1);
        var t2 = Avx512F.UnpackLow(v2, v3);
        var t3 = Avx512F.UnpackHigh(v2, v3);
        var t4 = Avx512F.UnpackLow(v4, v5);
        var t5 = Avx512F.UnpackHigh(v4, v5);
        var t6 = Avx512F.UnpackLow(v6, v7);
        var t7 = Avx512F.UnpackHigh(v6, v7);
        // 128-bit lanes 0, 2 (0x88) or 1, 3 (0xDD) of each: u0 = v0[0] v1[0] v0[4] v1[4] v2[0] v3[0] v2[4] v3[4].
        var u0 = Avx512F.Shuffle4x128(t0, t2, 0x88);
        var u1 = Avx512F.Shuffle4x128(t0, t2, 0xDD);
        var u2 = Avx512F.Shuffle4x128(t1, t3, 0x88);
        var u3 = Avx512F.Shuffle4x128(t1, t3, 0xDD);
        var u4 = Avx512F.Shuffle4x128(t4, t6, 0x88);
        var u5 = Avx512F.Shuffle4x128(t4, t6, 0xDD);
        var u6 = Avx512F.Shuffle4x128(t5, t7, 0x88);
        var u7 = Avx512F.Shuffle4x128(t5, t7, 0xDD);
        r0 = Avx512F.Shuffle4x128(u0, u4, 0x88);
        r4 = Avx512F.Shuffle4x128(u0, u4, 0xDD);
        r2 = Avx512F.Shuffle4x128(u1, u5, 0x88);
        r6 = Avx512F.Shuffle4x128(u1, u5, 0xDD);
        r1 = Avx512F.Shuffle4x128(u2, u6, 0x88);
        r5 = Avx512F.Shuffle4x128(u2, u6, 0xDD);
        r3 = Avx512F.Shuffle4x128(u3, u7, 0x88);
        r7 = Avx512F.Shuffle4x128(u3, u7, 0xDD);
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
    /// N×<paramref name="width"/> buffer (width 4 or 8) is overwritten. With <paramref name="parallel"/> the independent blocks, columns of
    /// the cross-block stages, and output rows of each phase are split over threads; every value is
    /// computed by the same operations in the same order either way.
    /// </summary>
    public static void TransformAndSample(double* buffer, int n, int[] rows, double scale, double* output, long ld, int lanes,
        int width, bool parallel = false)
    {
        // Stages within 32 KiB blocks (L1), then within 8192-row blocks (L2): B₁ = min(N, 8192).
        int l1 = Math.Min(n, BlockBytes / (width * sizeof(double))), b1 = Math.Min(n, L2BlockRows);
        For(n / l1, parallel, block => Hadamard.TransformRowBlock(buffer + (long)block * l1 * width, l1, width, width));
        if (b1 > l1)
            For(n / b1, parallel, block => Hadamard.TransformRowBlock(buffer + (long)block * b1 * width, b1 / l1, (long)l1 * width, l1 * width));
        int b2 = n / b1;
        int m = rows.Length;
        const int rowChunk = 256;
        int chunks = (m + rowChunk - 1) / rowChunk;
        if (b2 > 1 && (long)m * b2 < (long)n * BitOperations.Log2((uint)b2))
        {
            int shift = BitOperations.Log2((uint)b1);
            For(chunks, parallel, chunk =>
            {
                Span<double> lane = stackalloc double[8];
                for (int k = chunk * rowChunk, end = Math.Min(m, k + rowChunk); k < end; k++)
                {
                    int hi = rows[k] >> shift, lo = rows[k] & (b1 - 1);
                    PrunedRow(buffer + (long)lo * width, (long)b1 * width, b2, hi, scale, width, lane);
                    for (int c = 0; c < lanes; c++) output[k + c * ld] = lane[c];
                }
            });
            return;
        }
        if (b2 > 1)
        {
            // The cross-block stages act on rows of b1·width values; slices of those columns are independent.
            const int slice = 1024;
            int span = b1 * width;
            For(span / slice, parallel, part => Hadamard.TransformRowBlock(buffer + (long)part * slice, b2, span, slice));
        }
        For(chunks, parallel, chunk =>
        {
            for (int k = chunk * rowChunk, end = Math.Min(m, k + rowChunk); k < end; k++)
            {
                double* row = buffer + (long)rows[k] * width;
                for (int c = 0; c < lanes; c++) output[k + c * ld] = scale * row[c];
            }
        });
    }

    /// <summary>
    /// lane = scale·Σ_h (−1)^popcount(hi &amp; h)·row_h for h = 0..b2−1 in that order, row_h the
    /// <paramref name="width"/> (4 or 8) values at p + h·stride.
    /// </summary>
    private static void PrunedRow(double* p, long stride, int b2, int hi, double scale, int width, Span<double> lane)
    {
        Vector256<double> low = Vector256<double>.Zero, high = low;
        for (int h = 0; h < b2; h++)
        {
            bool plus = (BitOperations.PopCount((uint)(hi & h)) & 1) == 0;
            var v = Vector256.Load(p + h * stride);
            low = plus ? low + v : low - v;
            if (width == 8)
            {
                var w = Vector256.Load(p + h * stride + 4);
                high = plus ? high + w : high - w;
            }
        }
        (low * scale).CopyTo(lane);
        (high * scale).CopyTo(lane[4..]);
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
    /// m×(columns + 1) output. Each panel of w columns (<see cref="PanelWidth"/>) goes through an N×w buffer (b shares
    /// the last panel of A when it has room); no N×c copy of the input is made. With at least as
    /// many panels as cores, panels run in parallel; with fewer (small d), the rows of each panel
    /// are split. Cancellation is checked between panels.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static void ApplyColumns<T>(SketchOperator op, T* a, int ld, int columns, double* b, double* output,
        CancellationToken cancellationToken = default) where T : unmanaged
    {
        int n = op.InputRows, padded = op.PaddedRows, m = op.Rows;
        var positions = op.Positions;
        var signs = op.Signs;
        var rows = op.SampledRows;
        double scale = 1.0 / Math.Sqrt(m);
        int total = columns + (b is null ? 0 : 1);
        int width = PanelWidth(total);
        int panels = (total + width - 1) / width;

        // Lanes [0, aLanes) of a panel come from A, the next one (if any) from b.
        void Scatter(int panel, double* buffer, int r0, int count)
        {
            int first = panel * width;
            int aLanes = Math.Clamp(columns - first, 0, width);
            if (aLanes > 0) ScatterPanel(a + (long)first * ld + r0, ld, count, 0, aLanes, positions, signs, r0, buffer, width);
            if (b is not null && first + aLanes == columns && aLanes < width)
                ScatterPanel(b + r0, ld, count, aLanes, 1, positions, signs, r0, buffer, width);
        }

        bool panelParallel = ForcedSchedule.Value is { } forced ? !forced : panels >= Environment.ProcessorCount;
        // Panel buffers are huge-page-backed scratch memory: a fresh N×w managed array per worker and
        // call costs more in 4 KiB page faults than the transform on a small VM.
        int workers = panelParallel ? Math.Max(1, Math.Min(panels, Environment.ProcessorCount)) : 1;
        long slot = (long)padded * width;
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
                int first = panel * width, lanes = Math.Min(width, total - first);
                double* buf = buffers + worker * slot;
                // Padding rows must be zero (the scratch memory holds anything); lanes beyond
                // `lanes` never mix with the others and are not read.
                if (n < padded) System.Runtime.InteropServices.NativeMemory.Clear(buf, (nuint)slot * sizeof(double));
                Scatter(panel, buf, 0, n);
                TransformAndSample(buf, padded, rows, scale, output + (long)first * m, m, lanes, width);
                return worker;
            }, free.Push);
            return;
        }
        const int scatterChunk = 1 << 14;
        {
            double* bp = buffers, outp = output;
            for (int panel = 0; panel < panels; panel++)
            {
                BlockStarted.Value?.Invoke();
                cancellationToken.ThrowIfCancellationRequested();
                int first = panel * width, lanes = Math.Min(width, total - first);
                if (n < padded) System.Runtime.InteropServices.NativeMemory.Clear(bp, (nuint)slot * sizeof(double));
                // Π is injective, so the row chunks write disjoint rows of the buffer.
                int p = panel;
                For((n + scatterChunk - 1) / scatterChunk, true, c => Scatter(p, bp, c * scatterChunk, Math.Min(scatterChunk, n - c * scatterChunk)));
                // One panel can be the whole job here (few columns): look again before the transform.
                cancellationToken.ThrowIfCancellationRequested();
                TransformAndSample(bp, padded, rows, scale, outp + (long)first * m, m, lanes, width, parallel: true);
            }
        }
    }
}
