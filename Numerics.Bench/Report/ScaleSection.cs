using System.Diagnostics;
using System.Text;
using Numerics.Distributed;
using Numerics.IO;
using Numerics.Sketching;

namespace Numerics.Bench.Report;

/// <summary>
/// Scale-out section: streaming least squares from a generated float64 <c>.npy</c> file (C order)
/// that is never loaded whole, against a plain sequential read of the same file in the same run;
/// peak memory; and two thread ranks against one process over the same two row blocks (the bits
/// must agree; the bytes communicated are reported).
/// </summary>
/// <remarks>
/// <para>The size is n = <c>NUMERICS_SCALE_ROWS</c> (default 400 000; smoke 20 000) by d = 256.
/// Before the yardstick read and before each solve the section asks the kernel to drop its page
/// cache (<c>sync</c>, then 3 into /proc/sys/vm/drop_caches, which needs root), so the read and the
/// first pass of each solve come from the disk; where that is refused it says so, and both see
/// whatever the cache holds (it prints the file size next to the memory available).</para>
/// <para>Peak memory per run: the peak resident set VmHWM (file pages included), reset before each
/// run through /proc/self/clear_refs, and the peak anonymous resident set sampled every 20 ms.</para>
/// </remarks>
internal sealed class ScaleSection : IReportSection
{
    /// <summary>The environment variable that sets n.</summary>
    public const string RowsVariable = "NUMERICS_SCALE_ROWS";

    private const int Columns = 256;

    /// <inheritdoc />
    public string Name => "scale";

    /// <inheritdoc />
    public string Description => "streaming sketched least squares from a .npy read in row chunks (n×256, n from NUMERICS_SCALE_ROWS) against a cold sequential read of the file; peak RSS; 2 thread ranks vs 1";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        int n = context.Smoke ? 20_000 : int.TryParse(Environment.GetEnvironmentVariable(RowsVariable), out int rows) && rows >= 2 * Columns ? rows : 400_000;
        const int d = Columns;
        w.WriteLine($"## Streaming least squares (float64 {n}×{d}, C order, read by pread in row chunks; CountSketch)");
        string directory = Directory.CreateTempSubdirectory("numerics-scale-").FullName;
        try
        {
            string aPath = Path.Combine(directory, "a.npy"), bPath = Path.Combine(directory, "b.npy");
            var clock = Stopwatch.StartNew();
            var b = WriteProblem(aPath, n, d);
            Npy.Write(bPath, MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(b));
            double writeSeconds = clock.Elapsed.TotalSeconds;
            long bytes = new FileInfo(aPath).Length;
            long available = MemAvailable();
            bool dropped = DropPageCache();
            w.WriteLine($"file: {bytes / 1e6:F0} MB written in {writeSeconds:F1} s; memory available {available / 1e6:F0} MB; "
                + (dropped ? "the page cache is dropped before the read and before each solve (cold first pass)."
                    : $"the page cache could not be dropped (not root), so the read and the solves are from the cache where the file fits ({(bytes < available / 2 ? "it is expected to" : "it may not")})."));

            DropPageCache();
            double readSeconds = SequentialRead(aPath);
            double bandwidth = bytes / readSeconds;
            Console.Error.WriteLine($"scale: wrote {bytes / 1e9:F2} GB in {writeSeconds:F1} s; read in {readSeconds:F1} s ({bandwidth / 1e9:F2} GB/s, page cache dropped: {dropped})");
            var table = new ReportTable("run", "passes over A", "s", "GB/s (passes·size/s)", "fraction of read bandwidth", "peak RSS, VmHWM (MB)", "peak anon RSS (MB)", "status", "iterations", "‖r‖", "relative ‖Aᵀr‖");
            table.Add($"sequential read (FileStream, 16 MB buffer{(dropped ? ", cold" : "")})", 1, readSeconds, bandwidth / 1e9, 1.0, "-", "-", "-", "-", "-", "-");

            using var file = NpyMappedMatrix.Open(aPath);
            var block = new[] { RowBlock.Mapped(file, 0, n, b) };
            // Warm-up on the first rows (JIT, the BLAS library's start-up), so the timed runs measure the passes.
            DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, [RowBlock.Mapped(file, 0, 8 * d, b.AsSpan(0, 8 * d))], 8 * d,
                new SketchedLeastSquaresOptions { Sketch = SketchKind.CountSketch, Method = LeastSquaresMethod.SketchAndPrecondition, Seed = 1, Rows = 2 * d });
            LeastSquaresResult? sketched = null, preconditioned = null;
            foreach (var (label, method, passes) in new[] { ("sketch-and-solve", LeastSquaresMethod.SketchAndSolve, 0), ("sketch-and-precondition", LeastSquaresMethod.SketchAndPrecondition, 0) })
            {
                var options = new SketchedLeastSquaresOptions { Sketch = SketchKind.CountSketch, Method = method, Seed = 1, Rows = method == LeastSquaresMethod.SketchAndPrecondition ? 4 * d : null };
                LeastSquaresResult result = null!;
                DropPageCache();
                var (seconds, peak, resident) = MeasurePeak(() => result = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, block, n, options));
                // Sketch-and-solve: the sketch and the residual; precondition adds one pass per LSQR
                // iteration and its checkpoints (LSQR's recomputations and the status's two).
                int counted = method == LeastSquaresMethod.SketchAndSolve ? 2 : 2 + result.Iterations + 2 + 2;
                table.Add(label, counted, seconds, counted * bytes / seconds / 1e9, counted * bytes / seconds / bandwidth, resident > 0 ? (resident / 1e6).ToString("F0") : "n/a", peak / 1e6, result.Status, result.Iterations, result.ResidualNorm,
                    result.RelativeNormalResidual is { } relative ? relative.ToString("E2", System.Globalization.CultureInfo.InvariantCulture) : "-");
                if (method == LeastSquaresMethod.SketchAndSolve) sketched = result; else preconditioned = result;
                Console.Error.WriteLine($"scale: {label}: {seconds:F1} s, {result.Status}, {result.Iterations} iterations, VmHWM {resident / 1e6:F0} MB, anon {peak / 1e6:F0} MB");
            }
            table.Write(w);
            w.WriteLine($"VmHWM per run is reset before it (n/a where /proc/self/clear_refs is refused); the process's VmHWM over the whole section so far: {PeakResident() / 1e6:F0} MB. Pass counts for precondition are approximate (iterations + checkpoints).");
            double difference = (sketched!.X - preconditioned!.X).L2Norm() / preconditioned.X.L2Norm();
            w.WriteLine($"sketch-and-solve vs sketch-and-precondition: relative difference {difference:E2}; LSQR iterations {preconditioned.Iterations}.");

            // Two thread ranks against one process over the same two blocks, for both methods: the bits must agree.
            RowBlock Half(int r)
            {
                var (offset, count) = RowPartition.Block(n, 2, r);
                return RowBlock.Mapped(file, offset, (int)count, b.AsSpan((int)offset, (int)count));
            }
            var ranks = new ReportTable("method", "run", "s", "ratio to 1 process", "bytes communicated (per rank)", "iterations", "status", "peak RSS, VmHWM (MB)", "peak anon RSS (MB)", "bits equal");
            bool allSame = true;
            foreach (var method in new[] { LeastSquaresMethod.SketchAndSolve, LeastSquaresMethod.SketchAndPrecondition })
            {
                var options2 = new SketchedLeastSquaresOptions { Sketch = SketchKind.CountSketch, Method = method, Seed = 1, Rows = method == LeastSquaresMethod.SketchAndPrecondition ? 4 * d : null };
                DropPageCache();
                LeastSquaresResult one = null!;
                var (oneSeconds, onePeak, oneResident) = MeasurePeak(() => one = DistributedLeastSquares.Solve(SingleProcessCommunicator.Instance, [Half(0), Half(1)], n, options2));
                Console.Error.WriteLine($"scale: {method}, 1 process over 2 blocks: {oneSeconds:F1} s, {one.Status}, {one.Iterations} iterations");
                DropPageCache();
                RankOutcome<LeastSquaresResult>[] two = null!;
                var (twoSeconds, twoPeak, twoResident) = MeasurePeak(() => two = ThreadCommunicator.Run(2, c => DistributedLeastSquares.Solve(c, [Half(c.Rank)], n, options2)));
                if (two.Any(o => o.Error is not null)) throw new InvalidOperationException("a thread rank failed", two.First(o => o.Error is not null).Error);
                bool same = two.All(o => o.Value!.X.ToArray().AsSpan().SequenceEqual(one.X.ToArray()));
                Console.Error.WriteLine($"scale: {method}, 2 thread ranks: {twoSeconds:F1} s, bits equal {same}, {two[0].BytesCommunicated} bytes per rank");
                string label = method == LeastSquaresMethod.SketchAndSolve ? "sketch-and-solve" : "sketch-and-precondition";
                ranks.Add(label, "1 process, --row-blocks 2", oneSeconds, 1.0, 0, one.Iterations, one.Status, oneResident / 1e6, onePeak / 1e6, "-");
                ranks.Add(label, "2 thread ranks", twoSeconds, twoSeconds / oneSeconds, two[0].BytesCommunicated, two[0].Value!.Iterations, two[0].Value!.Status, twoResident / 1e6, twoPeak / 1e6, same ? "yes" : "NO");
                allSame &= same;
            }
            ranks.Write(w);
            if (!allSame) throw new InvalidOperationException("two ranks and one process over the same blocks disagree");
            w.WriteLine("2 ranks share this machine's cores with each other, so no speed-up is expected; the bytes are the Allreduce payloads (each counted sent and received).");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        w.WriteLine();
    }

    /// <summary>Writes A (n×d, C order) in row chunks and returns b = A·x + 0.1·noise, x = (1, …, 1).</summary>
    private static double[] WriteProblem(string path, int n, int d)
    {
        string dict = $"{{'descr': '<f8', 'fortran_order': False, 'shape': ({n}, {d}), }}";
        int headerLength = 10 + dict.Length + 1;
        int padded = (headerLength + 63) / 64 * 64;
        var header = new byte[padded];
        header[0] = 0x93;
        "NUMPY"u8.CopyTo(header.AsSpan(1));
        header[6] = 1;
        header[7] = 0;
        BitConverter.TryWriteBytes(header.AsSpan(8, 2), (ushort)(padded - 10));
        Encoding.ASCII.GetBytes(dict.PadRight(padded - 10 - 1) + "\n").CopyTo(header, 10);
        var b = new double[n];
        var noise = new Numerics.Random.CounterRng(8);
        noise.FillNormal(b, 0);
        const int chunk = 8192;
        var rows = new double[chunk * d];
        var rng = new Numerics.Random.CounterRng(7);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        stream.Write(header);
        for (int r0 = 0; r0 < n; r0 += chunk)
        {
            int k = Math.Min(chunk, n - r0);
            var span = rows.AsSpan(0, k * d);
            rng.FillNormal(span, (long)r0 * d);
            for (int i = 0; i < k; i++)
            {
                double sum = 0;
                foreach (double v in span.Slice(i * d, d)) sum += v;
                b[r0 + i] = sum + 0.1 * b[r0 + i];
            }
            stream.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(span));
        }
        return b;
    }

    private static double SequentialRead(string path)
    {
        var buffer = new byte[16 << 20];
        var clock = Stopwatch.StartNew();
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            while (stream.Read(buffer) > 0) { }
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// Runs the action while a sampler reads RssAnon every 20 ms (the solver's own memory), after
    /// resetting VmHWM through /proc/self/clear_refs; returns the time, the anonymous peak and VmHWM
    /// (every resident page, file-backed ones included; 0 when the reset is refused).
    /// </summary>
    private static (double Seconds, long PeakAnonymous, long PeakResident) MeasurePeak(Action action)
    {
        bool reset;
        try { File.WriteAllText("/proc/self/clear_refs", "5"); reset = true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { reset = false; }
        long peak = Status("RssAnon:");
        using var done = new ManualResetEventSlim();
        var sampler = new Thread(() =>
        {
            while (!done.Wait(20)) peak = Math.Max(peak, Status("RssAnon:"));
        }) { IsBackground = true };
        sampler.Start();
        var clock = Stopwatch.StartNew();
        action();
        double seconds = clock.Elapsed.TotalSeconds;
        done.Set();
        sampler.Join();
        return (seconds, Math.Max(peak, Status("RssAnon:")), reset ? PeakResident() : 0);
    }

    /// <summary>Writes dirty pages back and drops the page cache (needs root); false where that is refused.</summary>
    private static bool DropPageCache()
    {
        try
        {
            using (var sync = Process.Start(new ProcessStartInfo("sync") { UseShellExecute = false })) sync?.WaitForExit();
            File.WriteAllText("/proc/sys/vm/drop_caches", "3");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.ComponentModel.Win32Exception) { return false; }
    }

    private static long PeakResident() => Status("VmHWM:");

    private static long MemAvailable() => Field("/proc/meminfo", "MemAvailable:");

    private static long Status(string key) => Field("/proc/self/status", key);

    /// <summary>A "key: value kB" line of a /proc file, in bytes (0 where there is no such file).</summary>
    private static long Field(string path, string key)
    {
        if (!File.Exists(path)) return 0;
        foreach (var line in File.ReadLines(path))
            if (line.StartsWith(key, StringComparison.Ordinal))
                return long.Parse(line[key.Length..].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) * 1024;
        return 0;
    }
}
