using ILGPU;
using ILGPU.Runtime;
using Numerics.Arithmetic;

namespace Numerics.Gpu.Kernels;

/// <summary>
/// The dense kernels of one element type T, as callers see them: typed in T only, so that code
/// generic over T launches them without knowing which arithmetic struct compiled them. The one
/// place T picks its struct is <see cref="GpuDevice.DenseKernels{T}"/>.
/// </summary>
internal abstract class DenseKernels<T> where T : unmanaged
{
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>> Gemm { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, ArrayView<T>, T, T> Axpby { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, T> Scale { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, T> Fill { get; protected init; } = null!;
    public Action<Index1D, ArrayView<T>, int, T> AddToDiagonal { get; protected init; } = null!;
    public Action<Index2D, ArrayView<T>, int, long, T> AddToDiagonalBatched { get; protected init; } = null!;
    public Action<Index2D, ArrayView<T>, int, ArrayView<T>> ScaleColumns { get; protected init; } = null!;
    public Action<Index2D, ArrayView<T>, int, int, long, ArrayView<T>> RowSumsBatched { get; protected init; } = null!;
    public Action<Index2D, ArrayView<T>, int, int, long, ArrayView<T>> ColumnSumsBatched { get; protected init; } = null!;
    public Action<KernelConfig, ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, double> Reduce { get; protected init; } = null!;
    public Action<KernelConfig, ArrayView<T>, int, int, ArrayView<double>, int, ArrayView<double>> Columns { get; protected init; } = null!;

    /// <summary>A double as T.</summary>
    public abstract T FromDouble(double value);

    /// <summary>r ← op(x) over n elements (the operator's kernel compiles on first use per operator type).</summary>
    public abstract void Map<TOperator>(GpuDevice device, int n, ArrayView<T> x, ArrayView<T> r, TOperator op) where TOperator : struct, IUnaryOperator;

    /// <summary>r ← op(x, y) over n elements.</summary>
    public abstract void Map<TOperator>(GpuDevice device, int n, ArrayView<T> x, ArrayView<T> y, ArrayView<T> r, TOperator op) where TOperator : struct, IBinaryOperator;
}

/// <summary>The dense kernels compiled for one element type and its arithmetic struct on one accelerator.</summary>
internal sealed class DenseKernelSet<T, TOps> : DenseKernels<T> where T : unmanaged where TOps : struct, IScalarOps<T>
{
    public DenseKernelSet(Accelerator accelerator)
    {
        Gemm = accelerator.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<T>, GemmArguments<T>>(GemmKernel.Run<T, TOps>);
        Axpby = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, T, T>(ElementwiseKernels.Axpby<T, TOps>);
        Scale = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, T>(ElementwiseKernels.Scale<T, TOps>);
        Fill = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, T>(ElementwiseKernels.Fill<T, TOps>);
        AddToDiagonal = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, int, T>(ElementwiseKernels.AddToDiagonal<T, TOps>);
        AddToDiagonalBatched = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, long, T>(ElementwiseKernels.AddToDiagonalBatched<T, TOps>);
        ScaleColumns = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, ArrayView<T>>(ElementwiseKernels.ScaleColumns<T, TOps>);
        RowSumsBatched = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, int, long, ArrayView<T>>(ElementwiseKernels.RowSumsBatched<T, TOps>);
        ColumnSumsBatched = accelerator.LoadAutoGroupedStreamKernel<Index2D, ArrayView<T>, int, int, long, ArrayView<T>>(ElementwiseKernels.ColumnSumsBatched<T, TOps>);
        Reduce = accelerator.LoadStreamKernel<ArrayView<T>, ArrayView<T>, ArrayView<double>, int, int, double>(ReductionKernels.Partial<T, TOps>);
        Columns = accelerator.LoadStreamKernel<ArrayView<T>, int, int, ArrayView<double>, int, ArrayView<double>>(ReductionKernels.Columns<T, TOps>);
    }

    public override T FromDouble(double value) => default(TOps).FromDouble(value);

    public override void Map<TOperator>(GpuDevice device, int n, ArrayView<T> x, ArrayView<T> r, TOperator op) =>
        device.Kernels(acc => new UnaryMapKernel<T, TOps, TOperator>(acc)).Launch(n, x, r, op);

    public override void Map<TOperator>(GpuDevice device, int n, ArrayView<T> x, ArrayView<T> y, ArrayView<T> r, TOperator op) =>
        device.Kernels(acc => new BinaryMapKernel<T, TOps, TOperator>(acc)).Launch(n, x, y, r, op);
}

/// <summary>The compiled driver of one unary operator type.</summary>
internal sealed class UnaryMapKernel<T, TOps, TOperator>(Accelerator accelerator)
    where T : unmanaged where TOps : struct, IScalarOps<T> where TOperator : struct, IUnaryOperator
{
    public Action<Index1D, ArrayView<T>, ArrayView<T>, TOperator> Launch { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, TOperator>(ElementwiseKernels.MapUnary<T, TOps, TOperator>);
}

/// <summary>The compiled driver of one binary operator type.</summary>
internal sealed class BinaryMapKernel<T, TOps, TOperator>(Accelerator accelerator)
    where T : unmanaged where TOps : struct, IScalarOps<T> where TOperator : struct, IBinaryOperator
{
    public Action<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, TOperator> Launch { get; } =
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<T>, ArrayView<T>, ArrayView<T>, TOperator>(ElementwiseKernels.MapBinary<T, TOps, TOperator>);
}
