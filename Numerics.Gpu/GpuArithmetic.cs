using ILGPU;
using ILGPU.Runtime;
using Numerics.Arithmetic;
using Numerics.LinearAlgebra;

namespace Numerics.Gpu;

/// <summary>
/// <see cref="IMatrixArithmetic{TMatrix}"/> on device matrices (a vector is an n×1
/// <see cref="DeviceMatrix{T}"/>): the device half of the shared solvers. Kernels are queued
/// asynchronously; the scalar results (dot, norm, max-abs) synchronise and come back as doubles,
/// vectors stay on the device.
/// </summary>
public sealed class GpuArithmetic<T> : IMatrixArithmetic<DeviceMatrix<T>> where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly GpuLinearAlgebra _la;
    private readonly Kernels.DenseKernels<T> _kernels;

    /// <summary>The arithmetic of <paramref name="device"/>.</summary>
    /// <exception cref="NotSupportedException">T is neither float nor double.</exception>
    public GpuArithmetic(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        SpanArithmetic.RequireSupported<T>();
        Device = device;
        _la = new GpuLinearAlgebra(device);
        _kernels = device.DenseKernels<T>();
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <inheritdoc />
    public double UnitRoundoff => SpanArithmetic.UnitRoundoff<T>();

    /// <inheritdoc />
    public int Rows(DeviceMatrix<T> m) => m.Rows;

    /// <inheritdoc />
    public int Columns(DeviceMatrix<T> m) => m.Cols;

    /// <inheritdoc />
    public int Length(DeviceMatrix<T> x) => (int)x.Length;

    /// <inheritdoc />
    public DeviceMatrix<T> Create(int rows, int cols) => new(Device, rows, cols);

    /// <inheritdoc />
    public DeviceMatrix<T> Create(int length) => new(Device, length, 1);

    /// <inheritdoc />
    public void Release(DeviceMatrix<T> x) => x.Dispose();

    /// <inheritdoc />
    public void Copy(DeviceMatrix<T> source, DeviceMatrix<T> destination)
    {
        if (source.Length != destination.Length) throw new ArgumentException($"destination has {destination.Length} elements; source has {source.Length}.", nameof(destination));
        if (source.Length > 0) source.View.CopyTo(destination.View);
    }

    /// <inheritdoc />
    public void Fill(DeviceMatrix<T> x, double value)
    {
        if (x.Length > 0) _kernels.Fill((int)x.Length, x.View, _kernels.FromDouble(value));
    }

    /// <inheritdoc />
    public void Axpby(double alpha, DeviceMatrix<T> x, double beta, DeviceMatrix<T> y) => _la.Axpby(_kernels.FromDouble(alpha), x, _kernels.FromDouble(beta), y);

    /// <inheritdoc />
    public void Scale(double alpha, DeviceMatrix<T> x) => _la.Scale(_kernels.FromDouble(alpha), x);

    /// <inheritdoc />
    public double Dot(DeviceMatrix<T> x, DeviceMatrix<T> y) => _la.Dot(x, y);

    /// <inheritdoc />
    public double Norm(DeviceMatrix<T> x) => _la.Norm(x);

    /// <inheritdoc />
    public double SumOfMagnitudes(DeviceMatrix<T> x) => _la.SumOfMagnitudes(x);

    /// <inheritdoc />
    public double MaxAbs(DeviceMatrix<T> x) => _la.MaxAbs(x);

    /// <inheritdoc />
    public void Map<TOperator>(TOperator op, DeviceMatrix<T> x, DeviceMatrix<T> result) where TOperator : struct, IUnaryOperator
    {
        RequireSameLength(x, result, nameof(result));
        if (x.Length > 0) _kernels.Map(Device, (int)x.Length, x.View, result.View, op);
    }

    /// <inheritdoc />
    public void Map<TOperator>(TOperator op, DeviceMatrix<T> x, DeviceMatrix<T> y, DeviceMatrix<T> result) where TOperator : struct, IBinaryOperator
    {
        RequireSameLength(x, y, nameof(y));
        RequireSameLength(x, result, nameof(result));
        if (x.Length > 0) _kernels.Map(Device, (int)x.Length, x.View, y.View, result.View, op);
    }

    /// <inheritdoc />
    public void Gemm(Transpose transA, Transpose transB, double alpha, DeviceMatrix<T> a, DeviceMatrix<T> b, double beta, DeviceMatrix<T> c) =>
        _la.Gemm(transA, transB, _kernels.FromDouble(alpha), a, b, _kernels.FromDouble(beta), c);

    /// <inheritdoc />
    public void AddToDiagonal(DeviceMatrix<T> m, double shift) => _la.AddToDiagonal(m, _kernels.FromDouble(shift));

    /// <inheritdoc />
    public void ColumnSums(DeviceMatrix<T> m, DeviceMatrix<T> sums)
    {
        if (sums.Length != m.Cols) throw new ArgumentException($"sums has {sums.Length} elements; m has {m.Cols} columns.", nameof(sums));
        if (m.Cols > 0) _kernels.ColumnSumsBatched(new Index2D(m.Cols, 1), m.View, m.Rows, m.Cols, m.Length, sums.View);
    }

    /// <inheritdoc />
    public void RowSums(DeviceMatrix<T> m, DeviceMatrix<T> sums)
    {
        if (sums.Length != m.Rows) throw new ArgumentException($"sums has {sums.Length} elements; m has {m.Rows} rows.", nameof(sums));
        if (m.Rows > 0) _kernels.RowSumsBatched(new Index2D(m.Rows, 1), m.View, m.Rows, m.Cols, m.Length, sums.View);
    }

    private static void RequireSameLength(DeviceMatrix<T> x, DeviceMatrix<T> y, string name)
    {
        if (x.Length != y.Length) throw new ArgumentException($"{name} has {y.Length} elements; expected {x.Length}.", name);
    }
}
