using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Numerics.Bilevel;
using Numerics.Gpu.Kernels;

namespace Numerics.Gpu;

/// <summary>
/// The image operators of the denoising problems on device-resident stacks (vectors of
/// <see cref="GpuArithmetic{T}"/>): forward differences D and Dᵀ, "valid" k×k correlation K and Kᵀ,
/// and the correlation's filter gradient, as ILGPU kernels. With <see cref="GpuArithmetic{T}"/> they
/// let <see cref="TotalVariationDenoisingProblem{TVector}"/> and <see cref="FieldOfExpertsProblem{TVector}"/>
/// — and MAID, FISTA and conjugate gradients above them — run on the device with Core's control code.
/// </summary>
/// <remarks>
/// <para>
/// One thread per output element, each formed in float64 from T's values in the host's order
/// (<see cref="HostImageOperators"/>): with T = double the ILGPU CPU simulator gives the host's
/// bits for D, Dᵀ, K and Kᵀ. CUDA may fuse a product and a sum into one FMA, so there K and Kᵀ agree
/// with the host to rounding. The filter gradient is a reduction over every response pixel: one
/// thread per (tap, response row) sums its row in order, then one thread per tap sums the rows in
/// order; the host sums each row with a SIMD dot, so the two agree to rounding. No atomics are used
/// anywhere, so every run gives the same bits.
/// </para>
/// <para>
/// Filters arrive as host spans (they are part of θ). Each distinct filter is uploaded once into
/// one of <see cref="FilterSlots"/> device slots and found again by its bits, so a field of experts
/// with up to that many filters uploads each filter once per θ rather than once per call. Uploads
/// run on the accelerator's default stream, behind the kernels already queued there, so a slot is
/// never overwritten under a kernel that still reads it.
/// </para>
/// <para>An instance holds scratch buffers: use it from one thread at a time, and dispose it to free them.</para>
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the storage of the images (filters and gradients stay float64).</typeparam>
public sealed class GpuImageOperators<T> : IImageOperators<DeviceMatrix<T>>, IDisposable where T : unmanaged, IEquatable<T>, IFormattable
{
    /// <summary>Filters kept on the device at once: more than the 30–48 filters of the published field-of-experts settings.</summary>
    public const int FilterSlots = 64;

    private readonly ImageKernels<T> _kernels;
    private readonly double[][] _slotValues = new double[FilterSlots][];
    private MemoryBuffer1D<double, Stride1D.Dense>? _filters;
    private MemoryBuffer1D<double, Stride1D.Dense>? _partials;
    private MemoryBuffer1D<double, Stride1D.Dense>? _gradient;
    private int _slotLength, _slotsUsed, _nextSlot;

    /// <summary>The operators on <paramref name="device"/> (kernels compile on first use per element type).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> is null.</exception>
    /// <exception cref="NotSupportedException">T is neither float nor double.</exception>
    public GpuImageOperators(GpuDevice device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Numerics.Arithmetic.SpanArithmetic.RequireSupported<T>();
        Device = device;
        _kernels = device.ImageKernels<T>();
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <inheritdoc />
    public void Differences(ImageShape shape, DeviceMatrix<T> images, DeviceMatrix<T> differences)
    {
        Check(images, nameof(images));
        Check(differences, nameof(differences));
        Require(images.Length == shape.Pixels && differences.Length == 2L * shape.Pixels, nameof(differences));
        if (shape.Pixels > 0) _kernels.Differences(shape.Pixels, images.View, differences.View, ImageGeometry.Of(shape, 1));
    }

    /// <inheritdoc />
    public void DifferencesAdjoint(ImageShape shape, DeviceMatrix<T> differences, DeviceMatrix<T> result)
    {
        Check(differences, nameof(differences));
        Check(result, nameof(result));
        Require(result.Length == shape.Pixels && differences.Length == 2L * shape.Pixels, nameof(result));
        if (shape.Pixels > 0) _kernels.DifferencesAdjoint(shape.Pixels, differences.View, result.View, ImageGeometry.Of(shape, 1));
    }

    /// <inheritdoc />
    public void Correlate(ImageShape shape, ReadOnlySpan<double> filter, int filterSize, DeviceMatrix<T> images, DeviceMatrix<T> result)
    {
        var output = HostImageOperators.ResponseShape(shape, filter, filterSize);
        Check(images, nameof(images));
        Check(result, nameof(result));
        Require(images.Length == shape.Pixels && result.Length == output.Pixels, nameof(result));
        if (output.Pixels > 0) _kernels.Correlate(output.Pixels, images.View, Filter(filter), result.View, ImageGeometry.Of(shape, filterSize));
    }

    /// <inheritdoc />
    public void CorrelateAdjoint(ImageShape shape, ReadOnlySpan<double> filter, int filterSize, DeviceMatrix<T> responses, DeviceMatrix<T> result)
    {
        var output = HostImageOperators.ResponseShape(shape, filter, filterSize);
        Check(responses, nameof(responses));
        Check(result, nameof(result));
        Require(result.Length == shape.Pixels && responses.Length == output.Pixels, nameof(result));
        if (shape.Pixels > 0) _kernels.CorrelateAdjoint(shape.Pixels, responses.View, Filter(filter), result.View, ImageGeometry.Of(shape, filterSize));
    }

    /// <inheritdoc />
    public void CorrelationFilterGradient(ImageShape shape, int filterSize, DeviceMatrix<T> images, DeviceMatrix<T> weights, Span<double> gradient)
    {
        var output = HostImageOperators.ResponseShape(shape, gradient, filterSize);
        Check(images, nameof(images));
        Check(weights, nameof(weights));
        Require(images.Length == shape.Pixels && weights.Length == output.Pixels, nameof(weights));
        int taps = filterSize * filterSize, rows = output.Count * output.Height;
        if (rows == 0)
        {
            gradient.Clear();
            return;
        }
        var partials = Scratch(ref _partials, (long)taps * rows);
        var sums = Scratch(ref _gradient, taps);
        _kernels.FilterGradientRows(taps * rows, images.View, weights.View, partials, ImageGeometry.Of(shape, filterSize));
        _kernels.FilterGradientTaps(taps, partials, sums, rows);
        sums.CopyToCPU(gradient);
    }

    /// <summary>Frees the filter slots and the scratch buffers.</summary>
    public void Dispose()
    {
        if (_filters is not null || _partials is not null) Device.Synchronize();
        _filters?.Dispose();
        _partials?.Dispose();
        _gradient?.Dispose();
        _filters = _partials = _gradient = null;
        _slotsUsed = _nextSlot = 0;
    }

    /// <summary>The device slot holding <paramref name="filter"/>'s bits, uploading it (round robin over the slots) when no slot does.</summary>
    private ArrayView<double> Filter(ReadOnlySpan<double> filter)
    {
        if (_filters is null || filter.Length != _slotLength)
        {
            // A new filter size: the slots are resized and forgotten, once no queued kernel reads them.
            if (_filters is not null) Device.Synchronize();
            _filters?.Dispose();
            _filters = Device.Accelerator.Allocate1D<double>((long)FilterSlots * filter.Length);
            _slotLength = filter.Length;
            _slotsUsed = _nextSlot = 0;
        }
        var bits = MemoryMarshal.Cast<double, long>(filter);
        for (int s = 0; s < _slotsUsed; s++)
            if (bits.SequenceEqual(MemoryMarshal.Cast<double, long>(new ReadOnlySpan<double>(_slotValues[s]))))
                return Slot(s);
        int slot = _nextSlot;
        _nextSlot = (_nextSlot + 1) % FilterSlots;
        _slotsUsed = Math.Max(_slotsUsed, slot + 1);
        _slotValues[slot] = filter.ToArray();
        var view = Slot(slot);
        view.CopyFromCPU(filter);
        return view;
    }

    private ArrayView<double> Slot(int slot) => _filters!.View.SubView((long)slot * _slotLength, _slotLength);

    /// <summary>The first <paramref name="length"/> elements of a float64 scratch buffer, grown when too short.</summary>
    private ArrayView<double> Scratch(ref MemoryBuffer1D<double, Stride1D.Dense>? buffer, long length)
    {
        if (buffer is null || buffer.Length < length)
        {
            buffer?.Dispose();
            buffer = Device.Accelerator.Allocate1D<double>(length);
        }
        return buffer.View.SubView(0, length);
    }

    private void Check(DeviceMatrix<T> m, string name)
    {
        ArgumentNullException.ThrowIfNull(m, name);
        if (!ReferenceEquals(m.Device, Device)) throw new ArgumentException($"{name} lives on a different device.", name);
    }

    private static void Require(bool lengthsMatch, string paramName)
    {
        if (!lengthsMatch) throw new ArgumentException("A vector's length does not match the image shape.", paramName);
    }
}
