using ILGPU;
using ILGPU.Runtime;

namespace Numerics.Gpu.Kernels;

/// <summary>
/// Device kernels of the sketches: the SRHT as scatter → column FWHT → gather, and the Gaussian
/// sketch's random block generated in place from the same Philox stream as the CPU.
/// </summary>
internal static class SketchKernels
{
    /// <summary>Elements of a column transformed in shared memory by one group (16 KiB of doubles).</summary>
    public const int SharedChunk = 2048;

    /// <summary>y[positions[i] + j·N] = signs[i]·x[i + j·ldx] over (i, j) ∈ n × c.</summary>
    public static void Scatter<T, TOps>(Index2D ij, ArrayView<T> x, int ldx, ArrayView<int> positions, ArrayView<T> signs, ArrayView<T> y, int paddedRows)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        int i = ij.X, j = ij.Y;
        y[positions[i] + (long)j * paddedRows] = default(TOps).Mul(signs[i], x[i + (long)j * ldx]);
    }

    /// <summary>
    /// The first log₂(chunk) FWHT stages of every column, one group per chunk of a column: each of
    /// the chunk/2 threads owns one butterfly per stage, with a barrier between stages.
    /// </summary>
    public static void FwhtShared<T, TOps>(ArrayView<T> y, int paddedRows, int chunk)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var ops = default(TOps);
        var s = SharedMemory.Allocate<T>(SharedChunk);
        int chunksPerColumn = paddedRows / chunk;
        int column = Grid.IdxX / chunksPerColumn, part = Grid.IdxX % chunksPerColumn;
        long start = (long)column * paddedRows + (long)part * chunk;
        int t = Group.IdxX;
        s[t] = y[start + t];
        s[t + chunk / 2] = y[start + t + chunk / 2];
        Group.Barrier();
        for (int h = 1; h < chunk; h *= 2)
        {
            int i = t / h * 2 * h + t % h;
            T a = s[i], b = s[i + h];
            s[i] = ops.Add(a, b);
            s[i + h] = ops.Add(a, ops.Mul(ops.FromDouble(-1.0), b));
            Group.Barrier();
        }
        y[start + t] = s[t];
        y[start + t + chunk / 2] = s[t + chunk / 2];
    }

    /// <summary>One radix-2 FWHT stage of span h over every column: (a, b) → (a + b, a − b).</summary>
    public static void FwhtStage<T, TOps>(Index2D tj, ArrayView<T> y, int paddedRows, int h)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var ops = default(TOps);
        int t = tj.X;
        long i = (long)tj.Y * paddedRows + t / h * 2L * h + t % h;
        T a = y[i], b = y[i + h];
        y[i] = ops.Add(a, b);
        y[i + h] = ops.Add(a, ops.Mul(ops.FromDouble(-1.0), b));
    }

    /// <summary>output[k + j·m] = scale·y[rows[k] + j·N] over (k, j) ∈ m × c.</summary>
    public static void Gather<T, TOps>(Index2D kj, ArrayView<T> y, int paddedRows, ArrayView<int> rows, ArrayView<T> output, int m, T scale)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        output[kj.X + (long)kj.Y * m] = default(TOps).Mul(scale, y[rows[kj.X] + (long)kj.Y * paddedRows]);
    }

    /// <summary>
    /// g[k + i·m] = scale·Normal((firstColumn + i)·m + k) over (k, i) ∈ m × count: columns
    /// firstColumn.. of the Gaussian sketch, from the CPU's (seed, stream) Philox stream.
    /// </summary>
    public static void GaussianBlock<T, TOps>(Index2D ki, ArrayView<T> g, int m, long firstColumn, ulong seed, ulong stream, double scale)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        long index = (firstColumn + ki.Y) * m + ki.X;
        g[ki.X + (long)ki.Y * m] = default(TOps).FromDouble(scale * Normal(seed, stream, index));
    }

    /// <summary>Element <paramref name="index"/> of <c>CounterRng(seed, stream).Normal</c>, written for the device.</summary>
    private static double Normal(ulong seed, ulong stream, long index)
    {
        ulong block = (ulong)index >> 1;
        uint c0 = (uint)block, c1 = (uint)(block >> 32), c2 = (uint)stream, c3 = (uint)(stream >> 32);
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int round = 0; round < 10; round++)
        {
            if (round > 0) { k0 += 0x9E3779B9; k1 += 0xBB67AE85; }
            ulong p0 = 0xD2511F53UL * c0, p1 = 0xCD9E8D57UL * c2;
            uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0, n1 = (uint)p1, n2 = (uint)(p0 >> 32) ^ c3 ^ k1, n3 = (uint)p0;
            c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        }
        const double twoPow53Inv = 1.0 / (1UL << 53);
        double u1 = (((((ulong)c1 << 32) | c0) >> 11) + 1) * twoPow53Inv;
        double u2 = ((((ulong)c3 << 32) | c2) >> 11) * twoPow53Inv;
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        double angle = 2.0 * Math.PI * u2;
        return (index & 1) == 0 ? r * Math.Cos(angle) : r * Math.Sin(angle);
    }
}

/// <summary>The SRHT kernels of one element type, typed in T only (see <see cref="DenseKernels{T}"/>).</summary>
internal abstract class SrhtKernels<T> where T : unmanaged
{
    public Action<Index2D, ArrayView<T>, int, ArrayView<int>, ArrayView<T>, ArrayView<T>, int> Scatter { get; protected init; } = null!;
    public Action<KernelConfig, ArrayView<T>, int, int> FwhtShared { get; protected init; } = null!;
    public Action<Index2D, ArrayView<T>, int, int> FwhtStage { get; protected init; } = null!;
    public Action<Index2D, ArrayView<T>, int, ArrayView<int>, ArrayView<T>, int, T> Gather { get; protected init; } = null!;
}

/// <summary>The SRHT kernels compiled for one element type on one accelerator (integer and ± arithmetic only).</summary>
internal sealed class SrhtKernelSet<T, TOps> : SrhtKernels<T> where T : unmanaged where TOps : struct, IScalarOps<T>
{
    public SrhtKernelSet(Accelerator accelerator)
    {
        Scatter = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, ArrayView<int>, ArrayView<T>, ArrayView<T>, int>(SketchKernels.Scatter<T, TOps>);
        FwhtShared = accelerator.LoadStreamKernel<ArrayView<T>, int, int>(SketchKernels.FwhtShared<T, TOps>);
        FwhtStage = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, int>(SketchKernels.FwhtStage<T, TOps>);
        Gather = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, ArrayView<int>, ArrayView<T>, int, T>(SketchKernels.Gather<T, TOps>);
    }
}

/// <summary>
/// The Gaussian block kernel, compiled separately: it needs double log/sqrt/cos/sin on the device,
/// so a backend that lacks them fails only the Gaussian sketch, not the SRHT.
/// </summary>
internal abstract class GaussianKernels<T> where T : unmanaged
{
    public Action<Index2D, ArrayView<T>, int, long, ulong, ulong, double> GaussianBlock { get; protected init; } = null!;
}

/// <summary>The Gaussian block kernel compiled for one element type on one accelerator.</summary>
internal sealed class GaussianKernelSet<T, TOps> : GaussianKernels<T> where T : unmanaged where TOps : struct, IScalarOps<T>
{
    public GaussianKernelSet(Accelerator accelerator) =>
        GaussianBlock = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, long, ulong, ulong, double>(SketchKernels.GaussianBlock<T, TOps>);
}
