using ILGPU.Runtime;
using Numerics.LinearAlgebra;
using Numerics.Spectral;

namespace Numerics.Gpu;

/// <summary>
/// <see cref="IMatrixArithmetic{TMatrix}"/> on batches of same-shape device matrices: every operation
/// is one batched launch (GEMMs with a grid z-dimension over the batch). The scalar queries
/// (norms, distance to I) return the largest value over the batch, which makes the shared control
/// code run the batch in lock-step with bounds and stopping tests that hold for every member.
/// </summary>
public sealed class GpuBatchArithmetic<T> : IMatrixArithmetic<DeviceMatrixBatch<T>> where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly GpuLinearAlgebra _la;

    /// <summary>Batched arithmetic on <paramref name="device"/> for batches of <paramref name="count"/> matrices.</summary>
    public GpuBatchArithmetic(GpuDevice device, int count)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"GpuBatchArithmetic supports float and double, not {typeof(T).Name}.");
        Device = device;
        Count = count;
        _la = new GpuLinearAlgebra(device);
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <summary>Matrices per batch.</summary>
    public int Count { get; }

    private static T Scalar(double value) => typeof(T) == typeof(double) ? (T)(object)value : (T)(object)(float)value;

    /// <inheritdoc />
    public int Rows(DeviceMatrixBatch<T> m) => m.Rows;

    /// <inheritdoc />
    public int Columns(DeviceMatrixBatch<T> m) => m.Cols;

    /// <inheritdoc />
    public DeviceMatrixBatch<T> Create(int rows, int cols) => new(Device, Count, rows, cols);

    /// <inheritdoc />
    public void Release(DeviceMatrixBatch<T> m) => m.Dispose();

    /// <inheritdoc />
    public void SetIdentity(DeviceMatrixBatch<T> m, double value)
    {
        m.Storage.View.MemSetToZero();
        AddToDiagonal(m, value);
    }

    /// <inheritdoc />
    public void Gemm(Transpose transA, Transpose transB, double alpha, DeviceMatrixBatch<T> a, DeviceMatrixBatch<T> b, double beta, DeviceMatrixBatch<T> c)
    {
        int k = transA == Transpose.NoTranspose ? a.Cols : a.Rows;
        _la.Gemm(new Kernels.GemmArguments<T>
        {
            M = c.Rows, N = c.Cols, K = k, Lda = Math.Max(1, a.Rows), Ldb = Math.Max(1, b.Rows), Ldc = Math.Max(1, c.Rows),
            TransA = (int)transA, TransB = (int)transB, Alpha = Scalar(alpha), Beta = Scalar(beta),
            StrideA = a.Stride, StrideB = b.Stride, StrideC = c.Stride,
        }, a.Storage.View, b.Storage.View, c.Storage.View, Count);
    }

    /// <inheritdoc />
    public void Axpby(double alpha, DeviceMatrixBatch<T> x, double beta, DeviceMatrixBatch<T> y) => _la.Axpby(Scalar(alpha), x.Storage, Scalar(beta), y.Storage);

    /// <inheritdoc />
    public void AddToDiagonal(DeviceMatrixBatch<T> m, double shift)
    {
        int d = Math.Min(m.Rows, m.Cols);
        if (d == 0 || Count == 0) return;
        if (typeof(T) == typeof(double))
            Device.Kernels(acc => new Kernels.DenseKernelSet<double, Kernels.DoubleOps>(acc))
                .AddToDiagonalBatched(new ILGPU.Index2D(d, Count), m.Storage.View.Cast<double>(), Math.Max(1, m.Rows), m.Stride, shift);
        else
            Device.Kernels(acc => new Kernels.DenseKernelSet<float, Kernels.SingleOps>(acc))
                .AddToDiagonalBatched(new ILGPU.Index2D(d, Count), m.Storage.View.Cast<float>(), Math.Max(1, m.Rows), m.Stride, (float)shift);
    }

    /// <inheritdoc />
    /// <remarks>The largest Frobenius norm over the batch.</remarks>
    public double FrobeniusNorm(DeviceMatrixBatch<T> m) => Count == 0 ? 0 : _la.ColumnNorms(m.Storage).Max();

    /// <inheritdoc />
    /// <remarks>The largest ‖mᵦ − I‖_F over the batch.</remarks>
    public double DistanceToIdentity(DeviceMatrixBatch<T> m)
    {
        using var d = Create(m.Rows, m.Cols);
        _la.Axpby(Scalar(1.0), m.Storage, Scalar(0.0), d.Storage);
        AddToDiagonal(d, -1.0);
        return FrobeniusNorm(d);
    }

    /// <inheritdoc />
    public double MaxAbsRowSum(DeviceMatrixBatch<T> m) => double.PositiveInfinity;

    /// <inheritdoc />
    public bool HasNonFinite(DeviceMatrixBatch<T> m) => !double.IsFinite(_la.MaxAbs(m.Storage));
}

/// <summary>Spectral clipping of device-resident matrices, one at a time or as a batch of same-shape matrices.</summary>
public sealed class GpuSpectralClip
{
    /// <summary>Clips on <paramref name="device"/>.</summary>
    public GpuSpectralClip(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Device = device;
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <summary>Applies <paramref name="mode"/> to the singular values of <paramref name="x"/>; returns a new device matrix and the iteration's report.</summary>
    /// <remarks>A batch of one: the same arithmetic and kernels as <see cref="ApplyBatch{T}(SpectralMode, DeviceMatrixBatch{T}, double, NewtonSchulzOptions?)"/>, at the cost of one device copy in and one out.</remarks>
    /// <exception cref="ArgumentException">c is not positive and finite, x lives elsewhere, or holds NaN/∞.</exception>
    public NewtonSchulzResult<DeviceMatrix<T>> Apply<T>(SpectralMode mode, DeviceMatrix<T> x, double c, NewtonSchulzOptions? options = null)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!ReferenceEquals(x.Device, Device)) throw new ArgumentException("x lives on a different device.", nameof(x));
        if (!double.IsFinite(new GpuLinearAlgebra(Device).MaxAbs(x))) throw new ArgumentException("x contains NaN or infinite values.", nameof(x));
        using var batch = DeviceMatrixBatch<T>.Pack([x]);
        var r = ApplyBatch(mode, batch, c, options);
        using var value = r.Value;
        return new(value.Unpack(0), r.Steps, r.Residual, r.Alpha, r.Converged);
    }

    /// <summary>
    /// Applies <paramref name="mode"/> to every matrix of a batch in lock-step: one batched launch per
    /// operation, one α (the batch's largest, which is a valid bound for every member) and one
    /// stopping test (the largest residual). Members with smaller spectra may take a step or two
    /// more than alone; the polar factor uses the batch's largest norm as its common scale, so
    /// prefer <see cref="PolarSchedule.Converged"/> for batches.
    /// </summary>
    /// <exception cref="ArgumentException">c is not positive and finite, the batch lives elsewhere, or holds NaN/∞.</exception>
    public NewtonSchulzResult<DeviceMatrixBatch<T>> ApplyBatch<T>(SpectralMode mode, DeviceMatrixBatch<T> batch, double c, NewtonSchulzOptions? options = null)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (!ReferenceEquals(batch.Device, Device)) throw new ArgumentException("The batch lives on a different device.", nameof(batch));
        options ??= new NewtonSchulzOptions();
        var ops = new GpuBatchArithmetic<T>(Device, batch.Count);
        if (ops.HasNonFinite(batch)) throw new ArgumentException("The batch contains NaN or infinite values.", nameof(batch));
        double tolerance = options.Tolerance ?? NewtonSchulz.DefaultTolerance(typeof(T) == typeof(float));
        return NewtonSchulz.Apply(mode, ops, batch, c, options, tolerance);
    }

    /// <summary>
    /// <see cref="ApplyBatch{T}(SpectralMode, DeviceMatrixBatch{T}, double, NewtonSchulzOptions?)"/> on a list of
    /// same-shape device matrices: packs them, clips the batch, and returns one new matrix per input.
    /// </summary>
    /// <exception cref="ArgumentException">The list is empty or its matrices differ in shape or device.</exception>
    public IReadOnlyList<DeviceMatrix<T>> ApplyBatch<T>(SpectralMode mode, IReadOnlyList<DeviceMatrix<T>> matrices, double c, NewtonSchulzOptions? options = null)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(matrices);
        if (matrices.Count == 0) throw new ArgumentException("The batch is empty.", nameof(matrices));
        if (matrices.Any(m => m.Rows != matrices[0].Rows || m.Cols != matrices[0].Cols))
            throw new ArgumentException("All matrices of a batch must have the same shape.", nameof(matrices));
        using var packed = DeviceMatrixBatch<T>.Pack(matrices);
        var result = ApplyBatch(mode, packed, c, options);
        using var value = result.Value;
        return Enumerable.Range(0, value.Count).Select(value.Unpack).ToList();
    }
}
