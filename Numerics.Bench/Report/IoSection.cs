using Numerics.IO;

namespace Numerics.Bench.Report;

/// <summary>
/// Foundation section: loading a float64 <c>.npy</c> matrix (C order, as numpy writes by default,
/// and Fortran order) against reading the same file's bytes into memory, in the same run, with the
/// file in the page cache.
/// </summary>
internal sealed class IoSection : IReportSection
{
    private static readonly (int Rows, int Columns)[] SmokeSizes = [(4096, 64)], FullSizes = [(131072, 256)];

    /// <inheritdoc />
    public string Name => "io";

    /// <inheritdoc />
    public string Description => ".npy matrix load (C and Fortran order) against File.ReadAllBytes and a FileStream read";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine("## .npy load (float64, warm page cache, best of 7)");
        // Two yardsticks: reading the file into a new array (what any loader pays, page faults of
        // fresh memory included) and into a buffer already in memory (the I/O alone).
        var table = new ReportTable("n×d", "MB", "read, new array (s)", "read, touched buffer (s)", "C order (s)", "C / new-array read",
            "Fortran order (s)", "Fortran / new-array read");
        string directory = Directory.CreateTempSubdirectory("numerics-io-").FullName;
        try
        {
            foreach (var (n, d) in context.Sizes(SmokeSizes, FullSizes))
            {
                var values = new double[(long)n * d];
                new Numerics.Random.CounterRng(5).FillUniform(values);
                string cOrder = Path.Combine(directory, "c.npy"), fortran = Path.Combine(directory, "f.npy");
                // The same values both ways: row-major data with fortran_order False, column-major with True.
                Npy.Write(cOrder, new NpyArray([n, d], fortranOrder: false, values));
                Npy.Write(fortran, new NpyArray([n, d], fortranOrder: true, values));
                long bytes = new FileInfo(cOrder).Length;
                int length = checked((int)bytes);
                void ReadInto(byte[] target)
                {
                    using var stream = new FileStream(cOrder, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                    stream.ReadExactly(target.AsSpan(0, length));
                }
                var touched = new byte[length];
                double tTouched = Timing.Best(() => ReadInto(touched), 7);
                double tNew = Timing.Best(() => ReadInto(GC.AllocateUninitializedArray<byte>(length)), 7);
                double tC = Timing.Best(() => Npy.ReadMatrix(cOrder), 7);
                double tF = Timing.Best(() => Npy.ReadMatrix(fortran), 7);
                var check = Npy.ReadMatrix(cOrder);
                if (check[n - 1, d - 1] != values[(long)(n - 1) * d + d - 1]) throw new InvalidOperationException("the C-order load disagrees with the values written");
                table.Add($"{n}×{d}", bytes / 1e6, tNew, tTouched, tC, tC / tNew, tF, tF / tNew);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
        table.Write(w);
        w.WriteLine("target: a C-order load within 2× of reading the file into memory.");
        w.WriteLine();
    }
}
