using ILGPU;
using ILGPU.Runtime;
using Numerics.Arithmetic;
using Numerics.LinearAlgebra;

namespace Numerics.Gpu;

/// <summary>
/// <see cref="IMatrixArithmetic{TMatrix}"/> on batches of same-shape device matrices: every operation
/// is one batched launch (GEMMs with a grid z-dimension over the batch). <see cref="Norm"/> and
/// <see cref="MaxAbs"/> return the largest value over the batch, which makes the shared control
/// code run the batch in lock-step with bounds and stopping tests that hold for every member.
/// </summary>
/// <remarks>
/// A batch has no single inner product, so <see cref="Dot"/> is defined for a batch of one only;
/// the lock-step iterations (Newton–Schulz) need norms, not dots.
/// </remarks>
public sealed class GpuBatchArithmetic<T> : IMatrixArithmetic<DeviceMatrixBatch<T>> where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly GpuLinearAlgebra _la;
    private readonly Kernels.DenseKernels<T> _kernels;

    /// <summary>Batched arithmetic on <paramref name="device"/> for batches of <paramref name="count"/> matrices.</summary>
    public GpuBatchArithmetic(GpuDevice device, int count)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        SpanArithmetic.RequireSupported<T>();
        Device = device;
        Count = count;
        _la = new GpuLinearAlgebra(device);
        _kernels = device.DenseKernels<T>();
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <summary>Matrices per batch.</summary>
    public int Count { get; }

    /// <inheritdoc />
    public double UnitRoundoff => SpanArithmetic.UnitRoundoff<T>();

    /// <inheritdoc />
    public int Rows(DeviceMatrixBatch<T> m) => m.Rows;

    /// <inheritdoc />
    public int Columns(DeviceMatrixBatch<T> m) => m.Cols;

    /// <inheritdoc />
    /// <remarks>Elements per member.</remarks>
    public int Length(DeviceMatrixBatch<T> x) => (int)x.Stride;

    /// <inheritdoc />
    public DeviceMatrixBatch<T> Create(int rows, int cols) => new(Device, Count, rows, cols);

    /// <inheritdoc />
    public DeviceMatrixBatch<T> Create(int length) => Create(length, 1);

    /// <inheritdoc />
    public void Release(DeviceMatrixBatch<T> x) => x.Dispose();

    /// <inheritdoc />
    public void Copy(DeviceMatrixBatch<T> source, DeviceMatrixBatch<T> destination) => source.Storage.View.CopyTo(destination.Storage.View);

    /// <inheritdoc />
    public void Fill(DeviceMatrixBatch<T> x, double value)
    {
        if (x.Storage.Length > 0) _kernels.Fill((int)x.Storage.Length, x.Storage.View, _kernels.FromDouble(value));
    }

    /// <inheritdoc />
    public void Axpby(double alpha, DeviceMatrixBatch<T> x, double beta, DeviceMatrixBatch<T> y) =>
        _la.Axpby(_kernels.FromDouble(alpha), x.Storage, _kernels.FromDouble(beta), y.Storage);

    /// <inheritdoc />
    public void Scale(double alpha, DeviceMatrixBatch<T> x) => _la.Scale(_kernels.FromDouble(alpha), x.Storage);

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">The batch holds more than one matrix.</exception>
    public double Dot(DeviceMatrixBatch<T> x, DeviceMatrixBatch<T> y) => Count == 1 ? _la.Dot(x.Storage, y.Storage)
        : throw new NotSupportedException("A batch of several matrices has no single inner product; use a batch of one.");

    /// <inheritdoc />
    /// <remarks>The largest member norm ‖mᵦ‖_F (each member scaled by its own max-abs, so no overflow).</remarks>
    public double Norm(DeviceMatrixBatch<T> x) => Count == 0 ? 0 : Largest(_la.ColumnNorms(x.Storage));

    /// <inheritdoc />
    /// <remarks>The largest member ‖mᵦ‖₁ (entry-wise).</remarks>
    public double SumOfMagnitudes(DeviceMatrixBatch<T> x) => Count == 0 ? 0 : Largest(_la.ColumnSumsOfMagnitudes(x.Storage));

    /// <inheritdoc />
    public double MaxAbs(DeviceMatrixBatch<T> x) => _la.MaxAbs(x.Storage);

    /// <inheritdoc />
    public void Map<TOperator>(TOperator op, DeviceMatrixBatch<T> x, DeviceMatrixBatch<T> result) where TOperator : struct, IUnaryOperator
    {
        RequireSameSize(x, result, nameof(result));
        if (x.Storage.Length > 0) _kernels.Map(Device, (int)x.Storage.Length, x.Storage.View, result.Storage.View, op);
    }

    /// <inheritdoc />
    public void Map<TOperator>(TOperator op, DeviceMatrixBatch<T> x, DeviceMatrixBatch<T> y, DeviceMatrixBatch<T> result) where TOperator : struct, IBinaryOperator
    {
        RequireSameSize(x, y, nameof(y));
        RequireSameSize(x, result, nameof(result));
        if (x.Storage.Length > 0) _kernels.Map(Device, (int)x.Storage.Length, x.Storage.View, y.Storage.View, result.Storage.View, op);
    }

    /// <inheritdoc />
    public void Gemm(Transpose transA, Transpose transB, double alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, double beta, DeviceMatrixBatch<T> c)
    {
        int k = transA == Transpose.NoTranspose ? a.Cols : a.Rows;
        _la.Gemm(new Kernels.GemmArguments<T>
        {
            M = c.Rows, N = c.Cols, K = k, Lda = Math.Max(1, a.Rows), Ldb = Math.Max(1, b.Rows), Ldc = Math.Max(1, c.Rows),
            TransA = (int)transA, TransB = (int)transB, Alpha = _kernels.FromDouble(alpha), Beta = _kernels.FromDouble(beta),
            StrideA = a.Stride, StrideB = b.Stride, StrideC = c.Stride,
        }, a.Storage.View, b.Storage.View, c.Storage.View, Count);
    }

    /// <inheritdoc />
    public void AddToDiagonal(DeviceMatrixBatch<T> m, double shift)
    {
        int d = Math.Min(m.Rows, m.Cols);
        if (d == 0 || Count == 0) return;
        _kernels.AddToDiagonalBatched(new Index2D(d, Count), m.Storage.View, Math.Max(1, m.Rows), m.Stride, _kernels.FromDouble(shift));
    }

    /// <inheritdoc />
    public void ColumnSums(DeviceMatrixBatch<T> m, DeviceMatrixBatch<T> sums)
    {
        if (m.Cols == 0 || Count == 0) return;
        _kernels.ColumnSumsBatched(new Index2D(m.Cols, Count), m.Storage.View, m.Rows, m.Cols, m.Stride, sums.Storage.View);
    }

    /// <inheritdoc />
    public void RowSums(DeviceMatrixBatch<T> m, DeviceMatrixBatch<T> sums)
    {
        if (m.Rows == 0 || Count == 0) return;
        _kernels.RowSumsBatched(new Index2D(m.Rows, Count), m.Storage.View, m.Rows, m.Cols, m.Stride, sums.Storage.View);
    }

    private static void RequireSameSize(DeviceMatrixBatch<T> x, DeviceMatrixBatch<T> y, string name)
    {
        if (x.Storage.Length != y.Storage.Length) throw new ArgumentException($"{name} holds {y.Storage.Length} elements; expected {x.Storage.Length}.", name);
    }

    /// <summary>The largest of the members' values, NaN when any is NaN.</summary>
    private static double Largest(double[] values) => values.Any(double.IsNaN) ? double.NaN : values.Max();
}
