using ILGPU;
using ILGPU.Runtime;
using MathNet.Numerics.LinearAlgebra;

namespace Numerics.Gpu;

/// <summary>
/// A dense column-major rows×cols matrix resident on a <see cref="GpuDevice"/> (leading dimension
/// = rows). A vector is an n×1 matrix. Data moves only through the explicit upload/download calls.
/// </summary>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
public sealed class DeviceMatrix<T> : IDisposable where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _buffer;

    /// <summary>Allocates an uninitialised rows×cols matrix on the device.</summary>
    public DeviceMatrix(GpuDevice device, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"DeviceMatrix supports float and double, not {typeof(T).Name}.");
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(cols);
        Device = device;
        Rows = rows;
        Cols = cols;
        // ILGPU cannot allocate zero-length buffers on every backend; one spare element keeps views valid.
        _buffer = device.Accelerator.Allocate1D<T>(Math.Max(1L, (long)rows * cols));
    }

    /// <summary>Uploads a MathNet matrix.</summary>
    public static DeviceMatrix<T> Upload(GpuDevice device, Matrix<T> matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var m = new DeviceMatrix<T>(device, matrix.RowCount, matrix.ColumnCount);
        m.CopyFrom(Numerics.LinearAlgebra.DenseStorage.ColumnMajor(matrix));
        return m;
    }

    /// <summary>Uploads column-major values with leading dimension = rows.</summary>
    public static DeviceMatrix<T> Upload(GpuDevice device, int rows, int cols, ReadOnlySpan<T> columnMajor)
    {
        var m = new DeviceMatrix<T>(device, rows, cols);
        m.CopyFrom(columnMajor);
        return m;
    }

    /// <summary>The device this matrix lives on.</summary>
    public GpuDevice Device { get; }

    /// <summary>Row count (and leading dimension).</summary>
    public int Rows { get; }

    /// <summary>Column count.</summary>
    public int Cols { get; }

    /// <summary>Rows × cols.</summary>
    public long Length => (long)Rows * Cols;

    /// <summary>The elements as an ILGPU view, for the families' own kernels.</summary>
    public ArrayView<T> View => _buffer.View.SubView(0, Length);

    /// <summary>Copies rows×cols column-major values from the host.</summary>
    public void CopyFrom(ReadOnlySpan<T> columnMajor)
    {
        if (columnMajor.Length != Length)
            throw new ArgumentException($"Expected {Length} values for a {Rows}×{Cols} matrix, got {columnMajor.Length}.", nameof(columnMajor));
        if (Length > 0) View.CopyFromCPU(columnMajor);
    }

    /// <summary>Copies the values to the host (waits for pending work).</summary>
    public void CopyTo(Span<T> columnMajor)
    {
        if (columnMajor.Length != Length)
            throw new ArgumentException($"Expected room for {Length} values, got {columnMajor.Length}.", nameof(columnMajor));
        if (Length > 0) View.CopyToCPU(columnMajor);
    }

    /// <summary>Downloads into a new dense MathNet matrix.</summary>
    public Matrix<T> Download()
    {
        var values = new T[Length];
        CopyTo(values);
        return Matrix<T>.Build.Dense(Rows, Cols, values);
    }

    /// <summary>Frees the device memory.</summary>
    public void Dispose() => _buffer.Dispose();
}
