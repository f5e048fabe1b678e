using ILGPU.Runtime;
using Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Spectral;

namespace Numerics.Gpu;

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
        return new(value.Unpack(0), r.Steps, r.Residual, r.Alpha, r.Status, r.MaxSingularValueBound);
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
        options.Validate(nameof(options));
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
