using ILGPU.Runtime;
using Numerics.LinearAlgebra;
using Numerics.Spectral;

namespace Numerics.Gpu;

/// <summary>
/// <see cref="IMatrixArithmetic{TMatrix}"/> on device matrices: the Newton–Schulz control code in
/// <see cref="NewtonSchulz"/> runs unchanged on the GPU, with the GPU GEMM and element-wise kernels.
/// Norms are accumulated in double on the device; the Gershgorin bound is not computed (the
/// Frobenius bound is used instead).
/// </summary>
public sealed class GpuMatrixArithmetic<T> : IMatrixArithmetic<DeviceMatrix<T>> where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly GpuLinearAlgebra _la;

    /// <summary>Arithmetic on <paramref name="device"/>.</summary>
    public GpuMatrixArithmetic(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"GpuMatrixArithmetic supports float and double, not {typeof(T).Name}.");
        Device = device;
        _la = new GpuLinearAlgebra(device);
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    private static T Scalar(double value) => typeof(T) == typeof(double) ? (T)(object)value : (T)(object)(float)value;

    /// <inheritdoc />
    public int Rows(DeviceMatrix<T> m) => m.Rows;

    /// <inheritdoc />
    public int Columns(DeviceMatrix<T> m) => m.Cols;

    /// <inheritdoc />
    public DeviceMatrix<T> Create(int rows, int cols) => new(Device, rows, cols);

    /// <inheritdoc />
    public void Release(DeviceMatrix<T> m) => m.Dispose();

    /// <inheritdoc />
    public void SetIdentity(DeviceMatrix<T> m, double value)
    {
        m.View.MemSetToZero();
        _la.AddToDiagonal(m, Scalar(value));
    }

    /// <inheritdoc />
    public void Gemm(Transpose transA, Transpose transB, double alpha, DeviceMatrix<T> a, DeviceMatrix<T> b, double beta, DeviceMatrix<T> c) =>
        _la.Gemm(transA, transB, Scalar(alpha), a, b, Scalar(beta), c);

    /// <inheritdoc />
    public void Axpby(double alpha, DeviceMatrix<T> x, double beta, DeviceMatrix<T> y) => _la.Axpby(Scalar(alpha), x, Scalar(beta), y);

    /// <inheritdoc />
    public void AddToDiagonal(DeviceMatrix<T> m, double shift) => _la.AddToDiagonal(m, Scalar(shift));

    /// <inheritdoc />
    public double FrobeniusNorm(DeviceMatrix<T> m) => _la.Norm(m);

    /// <inheritdoc />
    public double DistanceToIdentity(DeviceMatrix<T> m)
    {
        using var d = new DeviceMatrix<T>(Device, m.Rows, m.Cols);
        _la.Axpby(Scalar(1.0), m, Scalar(0.0), d);
        _la.AddToDiagonal(d, Scalar(-1.0));
        return _la.Norm(d);
    }

    /// <inheritdoc />
    public double MaxAbsRowSum(DeviceMatrix<T> m) => double.PositiveInfinity;

    /// <inheritdoc />
    public bool HasNonFinite(DeviceMatrix<T> m) => !double.IsFinite(_la.MaxAbs(m));
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
    /// <exception cref="ArgumentException">c is not positive and finite, x lives elsewhere, or holds NaN/∞.</exception>
    public NewtonSchulzResult<DeviceMatrix<T>> Apply<T>(SpectralMode mode, DeviceMatrix<T> x, double c, NewtonSchulzOptions? options = null)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!ReferenceEquals(x.Device, Device)) throw new ArgumentException("x lives on a different device.", nameof(x));
        options ??= new NewtonSchulzOptions();
        var ops = new GpuMatrixArithmetic<T>(Device);
        if (ops.HasNonFinite(x)) throw new ArgumentException("x contains NaN or infinite values.", nameof(x));
        double tolerance = options.Tolerance ?? NewtonSchulz.DefaultTolerance(typeof(T) == typeof(float));
        return mode switch
        {
            SpectralMode.Soft => NewtonSchulz.SoftClip(ops, x, c, options, tolerance),
            SpectralMode.Hard => NewtonSchulz.HardClip(ops, x, c, options, tolerance),
            SpectralMode.Polar => NewtonSchulz.Polar(ops, x, options, tolerance),
            _ => throw new ArgumentException($"Unknown mode {mode}.", nameof(mode)),
        };
    }

    /// <summary>
    /// Clips every matrix of a batch of same-shape matrices (e.g. the layers of a model). The
    /// matrices are processed one after another on the device's stream; results are new matrices.
    /// </summary>
    /// <exception cref="ArgumentException">The batch is empty or its matrices differ in shape.</exception>
    public IReadOnlyList<NewtonSchulzResult<DeviceMatrix<T>>> ApplyBatch<T>(SpectralMode mode, IReadOnlyList<DeviceMatrix<T>> batch, double c, NewtonSchulzOptions? options = null)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Count == 0) throw new ArgumentException("The batch is empty.", nameof(batch));
        if (batch.Any(m => m.Rows != batch[0].Rows || m.Cols != batch[0].Cols))
            throw new ArgumentException("All matrices of a batch must have the same shape.", nameof(batch));
        var results = new List<NewtonSchulzResult<DeviceMatrix<T>>>(batch.Count);
        try
        {
            foreach (var m in batch) results.Add(Apply(mode, m, c, options));
        }
        catch
        {
            foreach (var r in results) r.Value.Dispose();
            throw;
        }
        return results;
    }
}
