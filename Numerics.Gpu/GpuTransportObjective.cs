using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Numerics.Gpu.Kernels;
using Numerics.Transport;

namespace Numerics.Gpu;

/// <summary>
/// The semi-dual −S_k or dual −D_k of sparsity-constrained transport evaluated on a
/// <see cref="GpuDevice"/>: C is uploaded once, the variables and gradient are device vectors, and
/// <see cref="SparseTransport.Solve{TVector}"/> drives it through <see cref="GpuArithmetic{T}"/>
/// with the same control code as the CPU objectives.
/// </summary>
/// <remarks>
/// <para>
/// One evaluation is two kernels: one thread per column selects the top k of s = α − c_j (ties to
/// the smaller row, as on the CPU), applies the semi-dual's simplex projection or the dual's squared
/// ReLU, and writes the column's plan entries, its objective term and its column of a dense plan;
/// then one thread per row sums the dense plan's row in column order (T·1 − a). The column terms
/// and the variables come back to the host, which forms the value in the CPU's order. No sum depends
/// on scheduling and no atomics are used, so every run gives the same bits.
/// </para>
/// <para>
/// The per-column selection is an insertion into k sorted slots, O(m·k) per column: meant for the
/// small k of sparse plans. Whatever T, the kernels compute in float64 from T's values of C and x, and
/// a and b stay float64: with T = double, the ILGPU CPU accelerator gives the CPU objective's value,
/// gradient and plan to the bit; with T = float they are the CPU's for C and x rounded to float, the
/// gradient then rounded to float. The CUDA backend may contract a product and a sum into a fused
/// multiply-add, so there the agreement with the CPU is to rounding, not to the bit.
/// </para>
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the storage of C and of the variables.</typeparam>
public sealed class GpuTransportObjective<T> : ISparseTransportObjective<DeviceMatrix<T>>, IDisposable
    where T : unmanaged, IEquatable<T>, IFormattable
{
    private readonly TransportKernels<T> _kernels;
    private readonly DeviceMatrix<T> _cost;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _weights;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _counts;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _planRows;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _planValues;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _terms;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _dense;
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _x;
    private readonly double[] _hostTerms;
    private readonly T[] _download;
    private readonly int _slots;

    /// <summary>The objective of <paramref name="formulation"/> for <paramref name="problem"/> on <paramref name="device"/>, uploading C as T.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">T is float and a cost lies beyond float's range.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or γ is not positive and finite.</exception>
    public GpuTransportObjective(GpuDevice device, TransportProblem problem, TransportFormulation formulation, int k, double gamma)
    {
        ArgumentNullException.ThrowIfNull(device);
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!(gamma > 0) || !double.IsFinite(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be positive and finite.");
        Device = device;
        Problem = problem;
        Formulation = formulation;
        MaxNonZerosPerColumn = k;
        Gamma = gamma;
        int m = problem.Rows, n = problem.Columns;
        Dimension = formulation == TransportFormulation.Dual ? m + n : m;
        _slots = Math.Min(k, m);
        _kernels = device.TransportKernels<T>();
        _a = problem.SourceWeights.ToArray();
        _b = problem.TargetWeights.ToArray();
        _x = new double[Dimension];
        _hostTerms = new double[n];
        _download = new T[Dimension];
        var accelerator = device.Accelerator;
        var cost = FromHost(problem.Cost);
        // Beyond float's range a cost rounds to ±∞ and every evaluation is NaN: refuse it here, naming the
        // problem, rather than let the solver report a non-finite f at a starting point the caller never chose.
        if (typeof(T) == typeof(float) && !TensorPrimitives.IsFiniteAll<float>(MemoryMarshal.Cast<T, float>(cost.AsSpan())))
            throw new ArgumentException($"The cost holds values beyond float's range (max |c| = {TensorPrimitives.MaxMagnitude(problem.Cost):G4} > {float.MaxValue:G4}); solve in double.", nameof(problem));
        _cost = DeviceMatrix<T>.Upload(device, m, n, cost);
        _weights = accelerator.Allocate1D<double>(m + n);
        _weights.View.CopyFromCPU([.. _a, .. _b]);
        _counts = accelerator.Allocate1D<int>(n);
        _planRows = accelerator.Allocate1D<int>((long)_slots * n);
        _planValues = accelerator.Allocate1D<double>((long)_slots * n);
        _terms = accelerator.Allocate1D<double>(n);
        _dense = accelerator.Allocate1D<double>((long)m * n);
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <inheritdoc />
    public TransportProblem Problem { get; }

    /// <inheritdoc />
    public TransportFormulation Formulation { get; }

    /// <inheritdoc />
    public int MaxNonZerosPerColumn { get; }

    /// <inheritdoc />
    public double Gamma { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Returns f(x) and writes ∇f(x) on the device; a non-finite x gives NaN (value and gradient), as on the CPU.</summary>
    /// <exception cref="ArgumentException">A length is not <see cref="Dimension"/>, or a vector lives on another device.</exception>
    public double Evaluate(DeviceMatrix<T> x, DeviceMatrix<T> gradient)
    {
        CheckVector(x, nameof(x));
        CheckVector(gradient, nameof(gradient));
        Download(x, _x);
        if (!TensorPrimitives.IsFiniteAll<double>(_x))
        {
            new GpuArithmetic<T>(Device).Fill(gradient, double.NaN);
            return double.NaN;
        }
        Launch(x, gradient);
        _terms.View.CopyToCPU(_hostTerms);
        double terms = 0;
        foreach (double t in _hostTerms) terms += t;
        int m = Problem.Rows;
        double value = terms - TensorPrimitives.Dot<double>(_x.AsSpan(0, m), _a);
        return Formulation == TransportFormulation.Dual ? value - TensorPrimitives.Dot<double>(_x.AsSpan(m), _b) : value;
    }

    /// <inheritdoc />
    public TransportPlan Plan(DeviceMatrix<T> x)
    {
        using var gradient = new DeviceMatrix<T>(Device, Dimension, 1);
        Evaluate(x, gradient);
        int n = Problem.Columns;
        var counts = new int[n];
        var rows = new int[_slots * n];
        var values = new double[_slots * n];
        _counts.View.CopyToCPU(counts);
        _planRows.View.CopyToCPU(rows);
        _planValues.View.CopyToCPU(values);
        return TransportPlan.FromSlots(Problem.Rows, n, _slots, counts, rows, values);
    }

    /// <inheritdoc />
    public double[] Potentials(DeviceMatrix<T> x)
    {
        CheckVector(x, nameof(x));
        var host = new double[Dimension];
        Download(x, host);
        return host;
    }

    /// <summary>Frees the device buffers.</summary>
    public void Dispose()
    {
        _cost.Dispose();
        _weights.Dispose();
        _counts.Dispose();
        _planRows.Dispose();
        _planValues.Dispose();
        _terms.Dispose();
        _dense.Dispose();
    }

    private void Launch(DeviceMatrix<T> x, DeviceMatrix<T> gradient)
    {
        int m = Problem.Rows, n = Problem.Columns;
        var arguments = new TransportArguments<T>
        {
            Cost = _cost.View,
            X = x.View,
            Gradient = gradient.View,
            A = _weights.View.SubView(0, m),
            B = _weights.View.SubView(m, n),
            Counts = _counts.View,
            PlanRows = _planRows.View,
            PlanValues = _planValues.View,
            Terms = _terms.View,
            Dense = _dense.View,
            M = m,
            N = n,
            Slots = _slots,
            Block = n,
            Stride = Dimension,
            Dual = Formulation == TransportFormulation.Dual ? 1 : 0,
            Gamma = Gamma,
        };
        _kernels.Columns(n, arguments);
        _kernels.Rows(m, arguments);
    }

    private void Download(DeviceMatrix<T> x, Span<double> host)
    {
        x.CopyTo(_download);
        if (typeof(T) == typeof(double)) MemoryMarshal.Cast<T, double>(_download).CopyTo(host);
        else TensorPrimitives.ConvertChecked<float, double>(MemoryMarshal.Cast<T, float>(_download), host);
    }

    /// <summary>Host values as T (rounded to nearest for float), for uploads.</summary>
    internal static T[] FromHost(ReadOnlySpan<double> values)
    {
        var result = new T[values.Length];
        if (typeof(T) == typeof(double)) values.CopyTo(MemoryMarshal.Cast<T, double>(result.AsSpan()));
        else TensorPrimitives.ConvertTruncating<double, float>(values, MemoryMarshal.Cast<T, float>(result.AsSpan()));
        return result;
    }

    private void CheckVector(DeviceMatrix<T> x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (!ReferenceEquals(x.Device, Device)) throw new ArgumentException($"{name} lives on a different device.", name);
        if (x.Length != Dimension) throw new ArgumentException($"{name} has length {x.Length}; the objective's dimension is {Dimension}.", name);
    }
}
