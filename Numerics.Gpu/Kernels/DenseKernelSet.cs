using ILGPU;
using ILGPU.Runtime;

namespace Numerics.Gpu.Kernels;

/// <summary>The dense kernels compiled for one element type on one accelerator.</summary>
internal sealed class DenseKernelSet<T, TOps> where T : unmanaged where TOps : struct, IScalarOps<T>
{
    public DenseKernelSet(Accelerator accelerator)
    {
        Gemm = accelerator.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>(GemmKernel.Run<T, TOps>);
        Axpby = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, T, T>(ElementwiseKernels.Axpby<T, TOps>);
        Scale = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, T>(ElementwiseKernels.Scale<T, TOps>);
        AddToDiagonal = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, T>(ElementwiseKernels.AddToDiagonal<T, TOps>);
        AddToDiagonalBatched = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, long, T>(ElementwiseKernels.AddToDiagonalBatched<T, TOps>);
        ScaleColumns = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, ArrayView<T>>(ElementwiseKernels.ScaleColumns<T, TOps>);
        Reduce = accelerator.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, double>(ReductionKernels.Partial<T, TOps>);
        Columns = accelerator.LoadStreamKernel<ArrayView<T>, int, int, ArrayView<double>, int>(ReductionKernels.Columns<T, TOps>);
        Ops = default;
    }

    public TOps Ops { get; }
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>> Gemm { get; }
    public Action<Index1D, ArrayView<T>, ArrayView<T>, T, T> Axpby { get; }
    public Action<Index1D, ArrayView<T>, T> Scale { get; }
    public Action<Index1D, ArrayView<T>, int, T> AddToDiagonal { get; }
    public Action<Index2D, ArrayView<T>, int, long, T> AddToDiagonalBatched { get; }
    public Action<Index2D, ArrayView<T>, int, ArrayView<T>> ScaleColumns { get; }
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, double> Reduce { get; }
    public Action<KernelConfig, ArrayView<T>, int, int, ArrayView<double>, int> Columns { get; }
}
