using ILGPU;
using ILGPU.Runtime;
using Numerics.Gpu.Kernels;
using Numerics.LinearAlgebra;

namespace Numerics.Gpu;

/// <summary>
/// Dense operations on <see cref="DeviceMatrix{T}"/>s of one <see cref="GpuDevice"/>: GEMM with
/// transposes, scaled adds, identity shifts, column scaling, and float64 reductions (sum, dot,
/// norm, max-abs, per column). These are the device half of the families' hot operations; the
/// control logic that calls them lives in Numerics.Core.
/// </summary>
/// <remarks>
/// Kernels are queued asynchronously; reductions return a host scalar and therefore synchronise.
/// Every argument is validated before anything is queued.
/// </remarks>
public sealed class GpuLinearAlgebra
{
    /// <summary>
    /// Upper bound on reduction groups: enough to fill a large GPU and few enough to add on the host.
    /// The CPU simulator pays per simulated thread, so it gets a handful of groups that grid-stride.
    /// </summary>
    private int MaxReductionGroups => Device.Kind == GpuKind.Cuda ? 1024 : 4;

    /// <summary>Creates the operations for <paramref name="device"/>; kernels compile on first use per element type.</summary>
    public GpuLinearAlgebra(GpuDevice device)
    {
        Device = device ?? throw new ArgumentNullException(nameof(device));
    }

    /// <summary>The device the operations run on.</summary>
    public GpuDevice Device { get; }

    /// <summary>C ← α·op(A)·op(B) + β·C.</summary>
    public void Gemm<T>(Transpose transA, Transpose transB, T alpha, DeviceMatrix<T> a, DeviceMatrix<T> b, T beta, DeviceMatrix<T> c)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        Check(a, nameof(a)); Check(b, nameof(b)); Check(c, nameof(c));
        int m = transA == Transpose.NoTranspose ? a.Rows : a.Cols, k = transA == Transpose.NoTranspose ? a.Cols : a.Rows;
        int kb = transB == Transpose.NoTranspose ? b.Rows : b.Cols, n = transB == Transpose.NoTranspose ? b.Cols : b.Rows;
        if (kb != k) throw new ArgumentException($"op(a) is {m}×{k} but op(b) is {kb}×{n}: inner dimensions differ.", nameof(b));
        if (c.Rows != m || c.Cols != n) throw new ArgumentException($"c is {c.Rows}×{c.Cols} but op(a)·op(b) is {m}×{n}.", nameof(c));
        if (m == 0 || n == 0) return;
        var args = new GemmArguments<T>
        {
            M = m, N = n, K = k, Lda = Math.Max(1, a.Rows), Ldb = Math.Max(1, b.Rows), Ldc = Math.Max(1, c.Rows),
            TransA = (int)transA, TransB = (int)transB, Alpha = alpha, Beta = beta,
        };
        var grid = new Index3D((m + GemmKernel.Tile - 1) / GemmKernel.Tile, (n + GemmKernel.Tile - 1) / GemmKernel.Tile, 1);
        var group = new Index3D(GemmKernel.Group, GemmKernel.Group, 1);
        Device.DenseKernels<T>().Gemm(new KernelConfig(grid, group), a.View, b.View, c.View, args);
    }

    /// <summary>
    /// The GEMM kernel on raw column-major views with explicit leading dimensions (for callers that
    /// multiply sub-blocks without copying them), optionally over a batch of equally strided
    /// matrices in one launch. Arguments are the caller's to check.
    /// </summary>
    internal void Gemm<T>(GemmArguments<T> args, ArrayView<T> a, ArrayView<T> b, ArrayView<T> c, int batch = 1) where T : unmanaged
    {
        if (args.M == 0 || args.N == 0 || batch == 0) return;
        var grid = new Index3D((args.M + GemmKernel.Tile - 1) / GemmKernel.Tile, (args.N + GemmKernel.Tile - 1) / GemmKernel.Tile, batch);
        var config = new KernelConfig(grid, new Index3D(GemmKernel.Group, GemmKernel.Group, 1));
        Device.DenseKernels<T>().Gemm(config, a, b, c, args);
    }

    /// <summary>y ← α·x + β·y (β = 0 does not read y).</summary>
    public void Axpby<T>(T alpha, DeviceMatrix<T> x, T beta, DeviceMatrix<T> y) where T : unmanaged, IEquatable<T>, IFormattable
    {
        Check(x, nameof(x)); Check(y, nameof(y));
        SameShape(x, y, nameof(y));
        if (x.Length == 0) return;
        Device.DenseKernels<T>().Axpby((int)x.Length, x.View, y.View, alpha, beta);
    }

    /// <summary>x ← α·x.</summary>
    public void Scale<T>(T alpha, DeviceMatrix<T> x) where T : unmanaged, IEquatable<T>, IFormattable
    {
        Check(x, nameof(x));
        if (x.Length == 0) return;
        Device.DenseKernels<T>().Scale((int)x.Length, x.View, alpha);
    }

    /// <summary>A ← A + s·I (on the min(rows, cols) diagonal).</summary>
    public void AddToDiagonal<T>(DeviceMatrix<T> a, T shift) where T : unmanaged, IEquatable<T>, IFormattable
    {
        Check(a, nameof(a));
        int d = Math.Min(a.Rows, a.Cols);
        if (d == 0) return;
        Device.DenseKernels<T>().AddToDiagonal(d, a.View, a.Rows, shift);
    }

    /// <summary>Column j of A ← scales[j] · column j (scales is cols×1).</summary>
    public void ScaleColumns<T>(DeviceMatrix<T> a, DeviceMatrix<T> scales) where T : unmanaged, IEquatable<T>, IFormattable
    {
        Check(a, nameof(a)); Check(scales, nameof(scales));
        if (scales.Length != a.Cols) throw new ArgumentException($"scales has {scales.Length} entries but a has {a.Cols} columns.", nameof(scales));
        if (a.Length == 0) return;
        var extent = new Index2D(a.Rows, a.Cols);
        Device.DenseKernels<T>().ScaleColumns(extent, a.View, a.Rows, scales.View);
    }

    /// <summary>Σ xᵢ over every element, accumulated in float64.</summary>
    public double Sum<T>(DeviceMatrix<T> x) where T : unmanaged, IEquatable<T>, IFormattable => Reduce(x, x, ReductionKind.Sum, 0);

    /// <summary>Σ xᵢyᵢ over every element, accumulated in float64.</summary>
    public double Dot<T>(DeviceMatrix<T> x, DeviceMatrix<T> y) where T : unmanaged, IEquatable<T>, IFormattable
    {
        Check(y, nameof(y));
        SameShape(x, y, nameof(y));
        return Reduce(x, y, ReductionKind.Dot, 0);
    }

    /// <summary>Σ |xᵢ| over every element, accumulated in float64.</summary>
    public double SumOfMagnitudes<T>(DeviceMatrix<T> x) where T : unmanaged, IEquatable<T>, IFormattable => Reduce(x, x, ReductionKind.SumOfMagnitudes, 0);

    /// <summary>max |xᵢ| (NaN if any element is NaN).</summary>
    public double MaxAbs<T>(DeviceMatrix<T> x) where T : unmanaged, IEquatable<T>, IFormattable => Reduce(x, x, ReductionKind.MaxAbs, 0);

    /// <summary>The Frobenius (Euclidean) norm, scaled by max|xᵢ| first so that it neither overflows nor underflows.</summary>
    public double Norm<T>(DeviceMatrix<T> x) where T : unmanaged, IEquatable<T>, IFormattable
    {
        double scale = MaxAbs(x);
        if (scale == 0 || !double.IsFinite(scale)) return scale;
        return scale * Math.Sqrt(Reduce(x, x, ReductionKind.SumOfSquares, scale));
    }

    /// <summary>Per-column sums, in float64.</summary>
    public double[] ColumnSums<T>(DeviceMatrix<T> a) where T : unmanaged, IEquatable<T>, IFormattable => Columns(a, ReductionKind.Sum);

    /// <summary>
    /// Per-column Euclidean norms, in float64, each column scaled by its max |aᵢⱼ| first (as
    /// <see cref="Norm{T}"/>) so that they neither overflow nor underflow; a column holding NaN or ∞
    /// gets its max-abs (NaN or ∞).
    /// </summary>
    public double[] ColumnNorms<T>(DeviceMatrix<T> a) where T : unmanaged, IEquatable<T>, IFormattable
    {
        var scales = ColumnMaxAbs(a);
        var squares = Columns(a, ReductionKind.SumOfSquares, scales);
        for (int j = 0; j < scales.Length; j++)
            squares[j] = scales[j] == 0 || !double.IsFinite(scales[j]) ? scales[j] : scales[j] * Math.Sqrt(squares[j]);
        return squares;
    }

    /// <summary>Per-column Σᵢ |aᵢⱼ|, in float64.</summary>
    public double[] ColumnSumsOfMagnitudes<T>(DeviceMatrix<T> a) where T : unmanaged, IEquatable<T>, IFormattable => Columns(a, ReductionKind.SumOfMagnitudes);

    /// <summary>Per-column max |aᵢⱼ|.</summary>
    public double[] ColumnMaxAbs<T>(DeviceMatrix<T> a) where T : unmanaged, IEquatable<T>, IFormattable => Columns(a, ReductionKind.MaxAbs);

    private double Reduce<T>(DeviceMatrix<T> x, DeviceMatrix<T> y, ReductionKind kind, double scale) where T : unmanaged, IEquatable<T>, IFormattable
    {
        Check(x, nameof(x));
        if (x.Length == 0) return 0;
        if (x.Length > int.MaxValue) throw new ArgumentException("Reductions support up to 2³¹−1 elements.", nameof(x));
        int n = (int)x.Length;
        int groupSize = ReductionKernels.GroupSize(Device.Kind);
        int groups = Math.Min(MaxReductionGroups, (n + groupSize - 1) / groupSize);
        using var partials = Device.Accelerator.Allocate1D<double>(groups);
        var config = ReductionKernels.Launch(Device.Kind, groups);
        Device.DenseKernels<T>().Reduce(config, x.View, y.View, partials.View, n, (int)kind, scale);
        var host = partials.GetAsArray1D();
        double acc = 0;
        foreach (var v in host) acc = kind == ReductionKind.MaxAbs ? (v > acc || double.IsNaN(v) ? v : acc) : acc + v;
        return acc;
    }

    /// <summary>One reduction per column; <paramref name="scales"/> (per column, 0: none) divides each element of a sum of squares.</summary>
    private double[] Columns<T>(DeviceMatrix<T> a, ReductionKind kind, double[]? scales = null) where T : unmanaged, IEquatable<T>, IFormattable
    {
        Check(a, nameof(a));
        if (a.Cols == 0) return [];
        using var output = Device.Accelerator.Allocate1D<double>(a.Cols);
        using var scaleBuffer = Device.Accelerator.Allocate1D(scales ?? new double[a.Cols]);
        var config = ReductionKernels.Launch(Device.Kind, a.Cols);
        Device.DenseKernels<T>().Columns(config, a.View, a.Rows, Math.Max(1, a.Rows), output.View, (int)kind, scaleBuffer.View);
        return output.GetAsArray1D();
    }

    private void Check<T>(DeviceMatrix<T> m, string name) where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(m, name);
        if (!ReferenceEquals(m.Device, Device)) throw new ArgumentException($"{name} lives on a different device.", name);
    }

    private static void SameShape<T>(DeviceMatrix<T> x, DeviceMatrix<T> y, string name) where T : unmanaged, IEquatable<T>, IFormattable
    {
        if (x.Rows != y.Rows || x.Cols != y.Cols)
            throw new ArgumentException($"{name} is {y.Rows}×{y.Cols} but must match {x.Rows}×{x.Cols}.", name);
    }
}
