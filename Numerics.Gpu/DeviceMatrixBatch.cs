using ILGPU.Runtime;

namespace Numerics.Gpu;

/// <summary>
/// Count same-shape rows×cols matrices in one device buffer (matrix b at offset b·rows·cols,
/// each column-major), so that batched kernels treat them in one launch.
/// </summary>
public sealed class DeviceMatrixBatch<T> : IDisposable where T : unmanaged, IEquatable<T>, IFormattable
{
    /// <summary>Allocates an uninitialised batch.</summary>
    /// <exception cref="ArgumentException">A size is negative.</exception>
    public DeviceMatrixBatch(GpuDevice device, int count, int rows, int cols)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (count < 0 || rows < 0 || cols < 0) throw new ArgumentException($"Sizes must be non-negative, got {count} × {rows}×{cols}.", nameof(count));
        if ((long)rows * cols > int.MaxValue) throw new ArgumentException($"A {rows}×{cols} matrix exceeds 2³¹−1 elements.", nameof(rows));
        Count = count;
        Rows = rows;
        Cols = cols;
        // Stored as a (rows·cols)×count matrix: column b is matrix b, so per-matrix norms are column norms.
        Storage = new DeviceMatrix<T>(device, rows * cols, count);
    }

    /// <summary>Copies the matrices (all of one shape, on one device) into a new batch, on the device.</summary>
    /// <exception cref="ArgumentException">The list is empty, or shapes or devices differ.</exception>
    public static DeviceMatrixBatch<T> Pack(IReadOnlyList<DeviceMatrix<T>> matrices)
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0) throw new ArgumentException("The batch is empty.", nameof(matrices));
        var first = matrices[0];
        if (matrices.Any(m => m.Rows != first.Rows || m.Cols != first.Cols))
            throw new ArgumentException("All matrices of a batch must have the same shape.", nameof(matrices));
        if (matrices.Any(m => !ReferenceEquals(m.Device, first.Device)))
            throw new ArgumentException("All matrices of a batch must live on the same device.", nameof(matrices));
        var batch = new DeviceMatrixBatch<T>(first.Device, matrices.Count, first.Rows, first.Cols);
        for (int b = 0; b < matrices.Count; b++) matrices[b].View.CopyTo(batch.Matrix(b));
        return batch;
    }

    /// <summary>The device.</summary>
    public GpuDevice Device => Storage.Device;

    /// <summary>Number of matrices.</summary>
    public int Count { get; }

    /// <summary>Rows of each matrix.</summary>
    public int Rows { get; }

    /// <summary>Columns of each matrix.</summary>
    public int Cols { get; }

    /// <summary>Elements per matrix (the batch stride).</summary>
    public long Stride => (long)Rows * Cols;

    /// <summary>The whole buffer as a (rows·cols)×count device matrix.</summary>
    internal DeviceMatrix<T> Storage { get; }

    /// <summary>The view of matrix <paramref name="index"/>.</summary>
    internal ILGPU.ArrayView<T> Matrix(int index) => Storage.View.SubView(index * Stride, Stride);

    /// <summary>Copies matrix <paramref name="index"/> into a new device matrix.</summary>
    public DeviceMatrix<T> Unpack(int index)
    {
        if ((uint)index >= (uint)Count) throw new ArgumentOutOfRangeException(nameof(index), index, $"The batch holds {Count} matrices.");
        var m = new DeviceMatrix<T>(Device, Rows, Cols);
        Matrix(index).CopyTo(m.View);
        return m;
    }

    /// <summary>Frees the buffer.</summary>
    public void Dispose() => Storage.Dispose();
}
