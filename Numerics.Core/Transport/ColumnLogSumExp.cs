using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

namespace Numerics.Transport;

/// <summary>
/// The hot loop of log-domain Sinkhorn: for every column j of a column-major rows×columns matrix C,
/// resultⱼ = log Σᵢ exp(qᵢ − Cᵢⱼ/ε), stabilised by the column's maximum. Columns run in parallel; each
/// column is reduced by one thread in a fixed order, so the bits do not depend on the thread count.
/// </summary>
internal static unsafe class ColumnLogSumExp
{
    /// <summary>Below this many entries the columns run on the calling thread (a parallel loop costs more than it saves).</summary>
    private const int SequentialEntries = 1 << 15;

    /// <summary>Columns handed to a worker at a time: enough work per task to amortise the scheduling.</summary>
    private const int ColumnsPerTask = 8;

    /// <summary>resultⱼ ← log Σᵢ exp(qᵢ − C[i + j·rows]/ε) for j &lt; columns; C is read through a pointer the caller keeps pinned.</summary>
    public static void Compute(double* c, int rows, int columns, double epsilon, double[] q, double[] result, int maxDegreeOfParallelism)
    {
        var k = (nint)c;
        double scale = -1 / epsilon;
        if ((long)rows * columns < SequentialEntries || maxDegreeOfParallelism == 1)
        {
            var scratch = new double[rows];
            for (int j = 0; j < columns; j++) result[j] = Column((double*)k, rows, j, scale, q, scratch);
            return;
        }
        int tasks = (columns + ColumnsPerTask - 1) / ColumnsPerTask;
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism };
        Parallel.For(0, tasks, options, () => new double[rows], (task, _, scratch) =>
        {
            int end = Math.Min(columns, (task + 1) * ColumnsPerTask);
            for (int j = task * ColumnsPerTask; j < end; j++) result[j] = Column((double*)k, rows, j, scale, q, scratch);
            return scratch;
        }, _ => { });
    }

    private static double Column(double* c, int rows, int j, double scale, double[] q, double[] scratch)
    {
        var s = scratch.AsSpan(0, rows);
        TensorPrimitives.MultiplyAdd(new ReadOnlySpan<double>(c + (long)j * rows, rows), scale, q, s);
        double max = TensorPrimitives.Max<double>(s);
        if (!double.IsFinite(max)) return max;
        TensorPrimitives.Subtract(s, max, s);
        TensorPrimitives.Exp(s, s);
        return max + Math.Log(FixedOrderSum(s));
    }

    /// <summary>Σ xᵢ with four lanes accumulated by index, whatever the span's alignment.</summary>
    private static double FixedOrderSum(ReadOnlySpan<double> x)
    {
        var acc = Vector256<double>.Zero;
        int i = 0;
        for (; i + 4 <= x.Length; i += 4) acc += Vector256.Create(x.Slice(i, 4));
        double sum = (acc[0] + acc[1]) + (acc[2] + acc[3]);
        for (; i < x.Length; i++) sum += x[i];
        return sum;
    }
}
