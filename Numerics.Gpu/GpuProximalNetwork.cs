using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Numerics.Gpu.Kernels;
using Numerics.LinearAlgebra;
using Numerics.Proximal;

namespace Numerics.Gpu;

/// <summary>
/// A dense learned proximal network (<see cref="LearnedProximalNetwork"/>) evaluated on a
/// <see cref="GpuDevice"/>: ψ(y), the prox f(y) = ∇ψ(y), Hessian-vector products and the training
/// gradient run as the device GEMM plus element-wise kernels on device buffers, in T = float or double.
/// It is an <see cref="InputConvexNetwork"/>, so Core's <see cref="ProximalTrainer"/>,
/// <see cref="LearnedRegularizer"/> and plug-and-play solvers drive it with their own control code.
/// </summary>
/// <remarks>
/// <para>
/// θ stays on the host, in float64, as the array the trainer's Adam step and the non-negativity
/// projection update; the device holds a copy in T, uploaded again before a pass whenever θ's bits
/// have changed since the last upload. Batches given as host spans are converted to T, uploaded,
/// evaluated and downloaded (the trainer's path); batches already on the device use the
/// <see cref="DeviceMatrix{T}"/> overloads and stay there (batched prox evaluation).
/// </para>
/// <para>
/// The passes are the host network's, product for product (see <c>LearnedProximalNetwork</c>).
/// Each weight gradient, a product over the 2m columns of the primal and tangent passes, is split
/// into chunks of 256 columns multiplied in one batched launch and summed in chunk order, so a
/// large batch fills the device instead of one tile group. No atomics are used: every run gives the
/// same bits on one device. With T = double the results agree with the host network to rounding
/// (a relative 1e-12 in the tests); with T = float to float rounding (see docs/proximal.md).
/// </para>
/// <para>An instance holds device buffers: use it from one thread at a time and dispose it.</para>
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the device storage and arithmetic.</typeparam>
public sealed partial class GpuProximalNetwork<T> : InputConvexNetwork, IDisposable where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly LearnedProximalNetwork _host;
    private readonly GpuLinearAlgebra _la;
    private readonly ProximalKernels<T> _kernels;
    private readonly DenseKernels<T> _dense;
    private readonly MemoryBuffer1D<T, Stride1D.Dense> _theta, _gradient;
    private readonly double[] _uploaded;
    private T[] _staging = [];
    private DeviceProximalWorkspace<T>? _workspace;
    private bool _disposed;

    /// <summary>A device copy of <paramref name="network"/> (its shape and current θ; later changes to either are not shared).</summary>
    /// <param name="device">The device.</param>
    /// <param name="network">The host network to copy.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="device"/> has been disposed.</exception>
    /// <exception cref="NotSupportedException">T is neither float nor double.</exception>
    public GpuProximalNetwork(GpuDevice device, LearnedProximalNetwork network)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(network);
        Numerics.Arithmetic.SpanArithmetic.RequireSupported<T>();
        if (device.IsDisposed) throw new ArgumentException("device has been disposed.", nameof(device));
        Device = device;
        _host = network.Clone();
        _la = new GpuLinearAlgebra(device);
        _kernels = device.ProximalKernels<T>();
        _dense = device.DenseKernels<T>();
        _theta = device.Accelerator.Allocate1D<T>(_host.ParameterCount);
        _gradient = device.Accelerator.Allocate1D<T>(_host.ParameterCount);
        _uploaded = new double[_host.ParameterCount];
        Array.Fill(_uploaded, double.NaN);
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <summary>The shape of the network.</summary>
    public ProximalNetworkArchitecture Architecture => _host.Architecture;

    private ProximalNetworkLayout Layout => _host.Layout;

    /// <inheritdoc />
    public override int InputDimension => _host.InputDimension;

    /// <inheritdoc />
    public override double StrongConvexity => _host.StrongConvexity;

    /// <summary>θ in the layout of <see cref="LearnedProximalNetwork"/>; the host copy the trainer updates.</summary>
    internal override double[] ParameterArray => _host.ParameterArray;

    internal override IEnumerable<(int Start, int Length)> ConstrainedRanges() => _host.ConstrainedRanges();

    /// <inheritdoc />
    internal override long MaxBatch => _host.MaxBatch;

    /// <summary>A host network with this network's shape and current θ (for saving, or to evaluate on the host).</summary>
    public LearnedProximalNetwork ToHost() => _host.Clone();

    /// <summary>Another device network on the same device with the same θ.</summary>
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    public override GpuProximalNetwork<T> Clone()
    {
        RequireLive();
        return new(Device, _host);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    private protected override void PotentialCore(ReadOnlySpan<double> y, int m, Span<double> potential)
    {
        var ws = Prepare(m);
        Upload(y, ws.InputAndDirection.SubView(0, y.Length));
        Forward(ws);
        PotentialOf(ws, ws.Potentials);
        Download(ws.Potentials, potential);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    private protected override void ProxCore(ReadOnlySpan<double> y, int m, Span<double> x)
    {
        var ws = Prepare(m);
        Upload(y, ws.InputAndDirection.SubView(0, y.Length));
        Forward(ws);
        Gradient(ws, ws.Output);
        Download(ws.Output, x);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    private protected override void PotentialAndProxCore(ReadOnlySpan<double> y, int m, Span<double> potential, Span<double> x)
    {
        var ws = Prepare(m);
        Upload(y, ws.InputAndDirection.SubView(0, y.Length));
        Forward(ws);
        PotentialOf(ws, ws.Potentials);
        Gradient(ws, ws.Output);
        Download(ws.Potentials, potential);
        Download(ws.Output, x);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    private protected override void HessianVectorProductCore(ReadOnlySpan<double> y, ReadOnlySpan<double> v, int m, Span<double> result)
    {
        var ws = Prepare(m);
        Upload(y, ws.InputAndDirection.SubView(0, y.Length));
        Upload(v, ws.InputAndDirection.SubView(y.Length, y.Length));
        Forward(ws);
        TangentForward(ws);
        TangentReverse(ws, false, ws.Output);
        Download(ws.Output, result);
    }

    /// <inheritdoc />
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    private protected override void ParameterGradientCore(ReadOnlySpan<double> y, ReadOnlySpan<double> r, int m, Span<double> gradient)
    {
        var ws = Prepare(m);
        Upload(y, ws.InputAndDirection.SubView(0, y.Length));
        Upload(r, ws.InputAndDirection.SubView(y.Length, y.Length));
        Forward(ws);
        TangentForward(ws);
        TangentReverse(ws, true, default);
        Download(_gradient.View, gradient);
    }

    /// <summary>ψ(y_j) for each column of a device batch; the values stay on the device.</summary>
    /// <param name="y">The inputs: n·m values, one input after another (an n×m matrix or a vector).</param>
    /// <param name="potential">Receives the m values (any shape of m elements).</param>
    /// <exception cref="ArgumentException">A length is wrong, y holds NaN/∞, or a matrix lives on another device.</exception>
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    public void Potential(DeviceMatrix<T> y, DeviceMatrix<T> potential)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(potential, m, nameof(potential));
        var ws = Prepare(m);
        y.View.CopyTo(ws.InputAndDirection.SubView(0, y.Length));
        Forward(ws);
        PotentialOf(ws, potential.View);
    }

    /// <summary>The prox f(y_j) = ∇ψ(y_j) for each column of a device batch; the result stays on the device.</summary>
    /// <param name="y">The inputs: n·m values, one input after another.</param>
    /// <param name="x">Receives f(y), n·m values. May be <paramref name="y"/> itself.</param>
    /// <exception cref="ArgumentException">A length is wrong, y holds NaN/∞, or a matrix lives on another device.</exception>
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    public void Prox(DeviceMatrix<T> y, DeviceMatrix<T> x)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(x, y.Length, nameof(x));
        var ws = Prepare(m);
        y.View.CopyTo(ws.InputAndDirection.SubView(0, y.Length));
        Forward(ws);
        Gradient(ws, x.View);
    }

    /// <summary>∇²ψ(y_j)·v_j for each column of a device batch; the result stays on the device.</summary>
    /// <param name="y">The inputs: n·m values.</param>
    /// <param name="v">The directions: n·m values.</param>
    /// <param name="result">Receives the products, n·m values.</param>
    /// <exception cref="ArgumentException">A length is wrong, y or v holds NaN/∞, or a matrix lives on another device.</exception>
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    public void HessianVectorProduct(DeviceMatrix<T> y, DeviceMatrix<T> v, DeviceMatrix<T> result)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(v, y.Length, nameof(v));
        RequireFinite(v, nameof(v));
        CheckOutput(result, y.Length, nameof(result));
        var ws = Prepare(m);
        y.View.CopyTo(ws.InputAndDirection.SubView(0, y.Length));
        v.View.CopyTo(ws.InputAndDirection.SubView(y.Length, y.Length));
        Forward(ws);
        TangentForward(ws);
        TangentReverse(ws, false, result.View);
    }

    /// <summary>
    /// The training gradient ∇_θ Σ_j ⟨r_j, f_θ(y_j)⟩ of a device batch, returned to the host (where
    /// the optimizer runs) in float64.
    /// </summary>
    /// <param name="y">The inputs: n·m values.</param>
    /// <param name="r">The cotangents: n·m values.</param>
    /// <param name="gradient">Receives the gradient, in the layout of <see cref="InputConvexNetwork.Parameters"/>.</param>
    /// <exception cref="ArgumentException">A length is wrong, y or r holds NaN/∞, or a matrix lives on another device.</exception>
    /// <exception cref="ObjectDisposedException">This network or its device has been disposed.</exception>
    public void ParameterGradient(DeviceMatrix<T> y, DeviceMatrix<T> r, Span<double> gradient)
    {
        int m = CheckBatch(y, nameof(y));
        CheckOutput(r, y.Length, nameof(r));
        RequireFinite(r, nameof(r));
        CheckOutput(gradient.Length, ParameterCount, nameof(gradient));
        var ws = Prepare(m);
        y.View.CopyTo(ws.InputAndDirection.SubView(0, y.Length));
        r.View.CopyTo(ws.InputAndDirection.SubView(y.Length, y.Length));
        Forward(ws);
        TangentForward(ws);
        TangentReverse(ws, true, default);
        Download(_gradient.View, gradient);
    }

    /// <inheritdoc />
    internal override void TrainingProx(ReadOnlySpan<double> y, Span<double> x)
    {
        var ws = Prepare(y.Length / Layout.N);
        Upload(y, ws.InputAndDirection.SubView(0, y.Length));
        Forward(ws);
        Gradient(ws, ws.Output);
        Download(ws.Output, x);
    }

    /// <inheritdoc />
    internal override void TrainingParameterGradient(ReadOnlySpan<double> r, double[] gradient)
    {
        // θ is the one of the TrainingProx before (the trainer steps only after this call), so no upload.
        var ws = _workspace!;
        Upload(r, ws.InputAndDirection.SubView(r.Length, r.Length));
        TangentForward(ws);
        TangentReverse(ws, true, default);
        Download(_gradient.View, gradient);
    }

    /// <summary>Frees the device buffers.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!Device.IsDisposed)
        {
            Device.Synchronize();
            _workspace?.Dispose();
            _theta.Dispose();
            _gradient.Dispose();
        }
        _workspace = null;
    }

    /// <summary>Checks that the network and device are alive, uploads θ if it changed, and returns the workspace of an m-batch.</summary>
    private DeviceProximalWorkspace<T> Prepare(int m)
    {
        RequireLive();
        SyncParameters();
        if (_workspace is null || _workspace.Count != m)
        {
            _workspace?.Dispose();
            _workspace = null;
            _workspace = new DeviceProximalWorkspace<T>(Device.Accelerator, Layout.N, Layout.H, Layout.K, m);
        }
        return _workspace;
    }

    /// <summary>Uploads θ when its bits differ from the last upload (the optimizer writes the host array directly).</summary>
    private void SyncParameters()
    {
        var theta = _host.ParameterArray;
        if (MemoryMarshal.Cast<double, long>(theta.AsSpan()).SequenceEqual(MemoryMarshal.Cast<double, long>(_uploaded.AsSpan()))) return;
        theta.CopyTo(_uploaded, 0);
        Upload(theta, _theta.View);
    }

    private void RequireLive()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ObjectDisposedException.ThrowIf(Device.IsDisposed, Device);
    }

    /// <summary>Converts float64 host values to T and copies them into <paramref name="target"/> (of the same length).</summary>
    private void Upload(ReadOnlySpan<double> values, ArrayView<T> target)
    {
        if (typeof(T) == typeof(double))
        {
            target.CopyFromCPU(MemoryMarshal.Cast<double, T>(values));
            return;
        }
        var staging = Staging(values.Length);
        var single = MemoryMarshal.Cast<T, float>(staging);
        for (int i = 0; i < values.Length; i++) single[i] = (float)values[i];
        target.CopyFromCPU(staging);
    }

    /// <summary>Copies <paramref name="source"/> to the host as float64 (waits for the queued kernels).</summary>
    private void Download(ArrayView<T> source, Span<double> values)
    {
        if (typeof(T) == typeof(double))
        {
            source.CopyToCPU(MemoryMarshal.Cast<double, T>(values));
            return;
        }
        var staging = Staging(values.Length);
        source.CopyToCPU(staging);
        var single = MemoryMarshal.Cast<T, float>(staging);
        for (int i = 0; i < values.Length; i++) values[i] = single[i];
    }

    private Span<T> Staging(int length)
    {
        if (_staging.Length < length) _staging = new T[length];
        return _staging.AsSpan(0, length);
    }

    /// <inheritdoc />
    private protected override string InputSizeDescription => $"the input dimension {Layout.N}";

    /// <inheritdoc />
    private protected override string BatchLimitDescription(long count) =>
        $"{count} points; at width {Layout.H} and dimension {Layout.N} a batch is limited to {MaxBatch}.";

    /// <summary>Checks an n·m device batch argument (device, length, finiteness) and returns m.</summary>
    private int CheckBatch(DeviceMatrix<T> batch, string name)
    {
        RequireLive();
        CheckDevice(batch, name);
        int n = Layout.N;
        if (batch.Length == 0 || batch.Length % n != 0)
            throw new ArgumentException($"{name} has {batch.Length} values, not a positive multiple of the input dimension {n}.", name);
        RequireFinite(batch, name);
        return CheckCount(batch.Length / n, name);
    }

    private int CheckCount(long m, string name)
    {
        // The workspace holds h×2m per layer and n×2m of inputs; refuse a batch whose buffers a kernel index cannot span.
        if (m > MaxBatch)
            throw new ArgumentException($"{name} holds {BatchLimitDescription(m)}", name);
        return (int)m;
    }

    private void RequireFinite(DeviceMatrix<T> values, string name)
    {
        // One float64 max-abs reduction: NaN or ∞ anywhere makes it non-finite.
        if (!double.IsFinite(_la.MaxAbs(values))) throw new ArgumentException($"{name} holds NaN or infinity.", name);
    }

    private void CheckDevice(DeviceMatrix<T> matrix, string name)
    {
        ArgumentNullException.ThrowIfNull(matrix, name);
        if (!ReferenceEquals(matrix.Device, Device)) throw new ArgumentException($"{name} lives on a different device.", name);
    }

    private void CheckOutput(DeviceMatrix<T> matrix, long expected, string name)
    {
        CheckDevice(matrix, name);
        if (matrix.Length != expected) throw new ArgumentException($"{name} has {matrix.Length} values; expected {expected}.", name);
    }
}
