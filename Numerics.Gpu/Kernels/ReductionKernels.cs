using ILGPU;
using ILGPU.Runtime;

namespace Numerics.Gpu.Kernels;

/// <summary>What a reduction accumulates.</summary>
internal enum ReductionKind
{
    Sum = 0,
    Dot = 1,
    SumOfSquares = 2,
    MaxAbs = 3,
    SumOfMagnitudes = 4,
}

/// <summary>
/// Two-stage, fixed-order reductions in float64: each group reduces a grid-stride slice through a
/// shared-memory tree and writes one partial; the host adds the partials in index order. No
/// atomics, so the result is the same on every run of one device.
/// </summary>
/// <remarks>
/// The group size is the launch's (a power of two, <see cref="GroupSize"/>), with as much dynamic
/// shared memory: a GPU wants 256 threads per group, while the CPU simulator runs every thread of a
/// group as a thread that meets the others at each barrier, so it uses one warp.
/// </remarks>
internal static class ReductionKernels
{
    /// <summary>Threads per reduction group on a device of this kind.</summary>
    public static int GroupSize(GpuKind kind) => kind == GpuKind.Cuda ? 256 : 32;

    /// <summary>The launch of <paramref name="groups"/> reduction groups on a device of this kind, with their shared memory.</summary>
    public static KernelConfig Launch(GpuKind kind, int groups) =>
        new(groups, GroupSize(kind), SharedMemoryConfig.RequestDynamic<double>(GroupSize(kind)));

    /// <summary>
    /// One partial per group over x (and y for <see cref="ReductionKind.Dot"/>); with
    /// <paramref name="scale"/> &gt; 0 the sum of squares is taken of x/scale (overflow-safe norms).
    /// </summary>
    public static void Partial<T, TOps>(ArrayView<T> x, ArrayView<T> y, ArrayView<double> partials, int n, int kind, double scale)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        var shared = SharedMemory.GetDynamic<double>();
        double acc = 0;
        int stride = Grid.DimX * Group.DimX;
        for (int i = Grid.GlobalIndex.X; i < n; i += stride)
            acc = Combine(acc, Term(o, x, y, i, kind, scale), kind);
        GroupReduce(shared, acc, kind);
        if (Group.IdxX == 0) partials[Grid.IdxX] = shared[0];
    }

    /// <summary>
    /// One group per column: out[j] = reduction of column j of a rows×cols matrix; a sum of squares
    /// is taken of a[i, j]/scales[j] when scales[j] is positive and finite (overflow-safe norms).
    /// </summary>
    public static void Columns<T, TOps>(ArrayView<T> a, int rows, int ld, ArrayView<double> output, int kind, ArrayView<double> scales)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        var o = default(TOps);
        var shared = SharedMemory.GetDynamic<double>();
        int j = Grid.IdxX;
        double scale = scales[j];
        bool scaled = kind == (int)ReductionKind.SumOfSquares && scale > 0 && scale < double.PositiveInfinity;
        double acc = 0;
        for (int i = Group.IdxX; i < rows; i += Group.DimX)
        {
            double v = o.ToDouble(a[i + (long)j * ld]);
            if (scaled) v /= scale;
            acc = Combine(acc, kind == (int)ReductionKind.Sum ? v : kind == (int)ReductionKind.SumOfSquares ? v * v : Abs(v), kind);
        }
        GroupReduce(shared, acc, kind);
        if (Group.IdxX == 0) output[j] = shared[0];
    }

    private static double Term<T, TOps>(TOps o, ArrayView<T> x, ArrayView<T> y, int i, int kind, double scale)
        where T : unmanaged where TOps : struct, IScalarOps<T>
    {
        double v = o.ToDouble(x[i]);
        if (kind == (int)ReductionKind.Dot) return v * o.ToDouble(y[i]);
        if (kind == (int)ReductionKind.SumOfSquares) { if (scale > 0) v /= scale; return v * v; }
        if (kind == (int)ReductionKind.MaxAbs || kind == (int)ReductionKind.SumOfMagnitudes) return Abs(v);
        return v;
    }

    private static double Abs(double v) => v < 0 ? -v : v;

    private static double Combine(double acc, double v, int kind) =>
        kind == (int)ReductionKind.MaxAbs ? (v > acc || double.IsNaN(v) ? v : acc) : acc + v;

    private static void GroupReduce(ArrayView<double> shared, double value, int kind)
    {
        shared[Group.IdxX] = value;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            if (Group.IdxX < s) shared[Group.IdxX] = Combine(shared[Group.IdxX], shared[Group.IdxX + s], kind);
            Group.Barrier();
        }
    }
}
