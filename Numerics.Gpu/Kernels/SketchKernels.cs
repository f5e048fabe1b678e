using ILGPU;
using ILGPU.Runtime;
using Numerics.Random;

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
    /// firstColumn.. of the Gaussian sketch, bit for bit the CPU's <c>CounterRng(seed, stream).Normal</c>
    /// (the same Philox and <see cref="BoxMuller"/> code, with the fused multiply-adds issued by TFma).
    /// </summary>
    public static void GaussianBlock<T, TOps, TFma>(Index2D ki, ArrayView<T> g, int m, long firstColumn, ulong seed, ulong stream, double scale)
        where T : unmanaged where TOps : struct, IScalarOps<T> where TFma : struct, IFusedMultiplyAdd
    {
        long index = (firstColumn + ki.Y) * m + ki.X;
        ulong block = (ulong)index >> 1;
        var (x0, x1, x2, x3) = Philox4x32.Block((uint)block, (uint)(block >> 32), (uint)stream, (uint)(stream >> 32), (uint)seed, (uint)(seed >> 32));
        var (cos, sin) = BoxMuller.Transform<TFma>(((ulong)x1 << 32) | x0, ((ulong)x3 << 32) | x2);
        g[ki.X + (long)ki.Y * m] = default(TOps).FromDouble(scale * ((index & 1) == 0 ? cos : sin));
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

/// <summary>The Gaussian block kernel of one element type.</summary>
internal abstract class GaussianKernels<T> where T : unmanaged
{
    public Action<Index2D, ArrayView<T>, int, long, ulong, ulong, double> GaussianBlock { get; protected init; } = null!;
}

/// <summary>
/// The Gaussian block kernel compiled for one element type on one accelerator, with the fused
/// multiply-add that accelerator can issue: inline <c>fma.rn.f64</c> on CUDA (ILGPU does not map
/// <see cref="Math.FusedMultiplyAdd"/> there), <see cref="Math.FusedMultiplyAdd"/> on the CPU simulator.
/// </summary>
internal sealed class GaussianKernelSet<T, TOps> : GaussianKernels<T> where T : unmanaged where TOps : struct, IScalarOps<T>
{
    public GaussianKernelSet(Accelerator accelerator) =>
        GaussianBlock = accelerator.AcceleratorType == AcceleratorType.Cuda
            ? accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, long, ulong, ulong, double>(SketchKernels.GaussianBlock<T, TOps, PtxFusedMultiplyAdd>)
            : accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, long, ulong, ulong, double>(SketchKernels.GaussianBlock<T, TOps, HostFusedMultiplyAdd>);
}
