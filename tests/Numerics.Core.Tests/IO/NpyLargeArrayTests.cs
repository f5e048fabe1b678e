using Numerics.IO;

namespace Numerics.Core.Tests.IO;

/// <summary>Runs only when NUMERICS_LARGE_IO_TESTS=1: it needs about 7 GB of memory and 2.2 GB of disk.</summary>
public sealed class LargeIoFactAttribute : FactAttribute
{
    public LargeIoFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("NUMERICS_LARGE_IO_TESTS") != "1") Skip = "set NUMERICS_LARGE_IO_TESTS=1 (needs ~7 GB of memory)";
    }
}

public class NpyLargeArrayTests
{
    [LargeIoFact]
    public void A_float64_array_beyond_2_GiB_round_trips()
    {
        // 2^28 + 4099 doubles: 2 GiB + 32 KiB of data, so every span and read must be chunked.
        const int rows = (1 << 25) + 4099, cols = 8;
        var values = GC.AllocateUninitializedArray<double>(rows * cols);
        for (int k = 0; k < values.Length; k++) values[k] = k * 0.5;
        string path = Path.Combine(Path.GetTempPath(), $"npy-large-{Guid.NewGuid():N}.npy");
        try
        {
            Npy.Write(path, new NpyArray([rows, cols], false, values));
            Assert.Equal(128 + 8L * rows * cols, new FileInfo(path).Length);
            var back = (double[])Npy.Read(path).Data;
            Assert.True(values.AsSpan().SequenceEqual(back));
            back = null;
            // C order into a column-major matrix: element (i, j) is values[i·cols + j].
            var m = Npy.ReadMatrix(path);
            foreach (int i in new[] { 0, 1, rows / 2, rows - 1 })
                for (int j = 0; j < cols; j++) Assert.Equal((i * (long)cols + j) * 0.5, m[i, j]);
            using var mapped = NpyMappedMatrix.Open(path);
            var block = new double[3 * cols];
            mapped.CopyRows<double>(rows - 3, 3, block, 3);
            for (int j = 0; j < cols; j++) Assert.Equal(m[rows - 2, j], block[1 + 3 * j]);
        }
        finally { File.Delete(path); }
    }
}
