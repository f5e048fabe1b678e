using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using Numerics.Gpu.Kernels;
using Numerics.Transport;

namespace Numerics.Gpu;

/// <summary>
/// The batch objective Σ_p f_p(x_p) of equal-shaped sparse-transport problems on a
/// <see cref="GpuDevice"/> (the device counterpart of <see cref="BatchTransportObjective"/>): the
/// costs are uploaded once side by side as one m × (P·n) matrix, the concatenated variables and
/// gradient are device vectors, and <see cref="SparseTransport.SolveBatch{TVector}"/> drives it
/// through <see cref="GpuArithmetic{T}"/> with the CPU's control code.
/// </summary>
/// <remarks>
/// One evaluation is the single problem's two kernels, each launched once for the whole batch: one
/// thread per column of every problem (its problem is the column index over n) and one thread per
/// row of every problem, summing that problem's columns of the dense plan in column order. The
/// column terms come back to the host, which forms each f_p in the CPU's order. So problem p's value,
/// gradient and plan are those of <see cref="GpuTransportObjective{T}"/> for p alone, bit for bit, and
/// on the ILGPU CPU accelerator with T = double those of the CPU objectives.
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the storage of C and of the variables.</typeparam>
public sealed class GpuTransportBatchObjective<T> : ISparseTransportBatchObjective<DeviceMatrix<T>>, IDisposable
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
    private readonly double[] _values;
    private readonly T[] _download;
    private readonly int _m;
    private readonly int _n;
    private readonly int _slots;

    /// <summary>The batch objective of <paramref name="problems"/> for <paramref name="formulation"/> on <paramref name="device"/>, uploading the costs as T.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="device"/> or <paramref name="problems"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch is empty, holds a null entry or mixes shapes (names problems).</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or γ is not positive and finite.</exception>
    public GpuTransportBatchObjective(GpuDevice device, IReadOnlyList<TransportProblem> problems, TransportFormulation formulation, int k, double gamma)
    {
        ArgumentNullException.ThrowIfNull(device);
        SparseTransport.RequireBatch(problems);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!(gamma > 0) || !double.IsFinite(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be positive and finite.");
        if (!Enum.IsDefined(formulation)) throw new ArgumentOutOfRangeException(nameof(formulation), formulation, "Unknown formulation.");
        Device = device;
        Problems = problems.ToArray();
        Formulation = formulation;
        MaxNonZerosPerColumn = k;
        Gamma = gamma;
        int count = Problems.Count;
        _m = problems[0].Rows;
        _n = problems[0].Columns;
        VariablesPerProblem = formulation == TransportFormulation.Dual ? _m + _n : _m;
        Dimension = count * VariablesPerProblem;
        _slots = Math.Min(k, _m);
        _kernels = device.TransportKernels<T>();
        var cost = new double[(long)count * _m * _n];
        _a = new double[count * _m];
        _b = new double[count * _n];
        for (int p = 0; p < count; p++)
        {
            Problems[p].Cost.CopyTo(cost.AsSpan(p * _m * _n));
            Problems[p].SourceWeights.CopyTo(_a.AsSpan(p * _m));
            Problems[p].TargetWeights.CopyTo(_b.AsSpan(p * _n));
        }
        _x = new double[Dimension];
        _hostTerms = new double[count * _n];
        _values = new double[count];
        _download = new T[Dimension];
        var accelerator = device.Accelerator;
        _cost = DeviceMatrix<T>.Upload(device, _m, count * _n, GpuTransportObjective<T>.FromHost(cost));
        _weights = accelerator.Allocate1D<double>(_a.Length + _b.Length);
        _weights.View.CopyFromCPU([.. _a, .. _b]);
        _counts = accelerator.Allocate1D<int>(count * _n);
        _planRows = accelerator.Allocate1D<int>((long)_slots * count * _n);
        _planValues = accelerator.Allocate1D<double>((long)_slots * count * _n);
        _terms = accelerator.Allocate1D<double>(count * _n);
        _dense = accelerator.Allocate1D<double>(cost.LongLength);
    }

    /// <summary>The device.</summary>
    public GpuDevice Device { get; }

    /// <inheritdoc />
    public IReadOnlyList<TransportProblem> Problems { get; }

    /// <inheritdoc />
    public TransportFormulation Formulation { get; }

    /// <inheritdoc />
    public int MaxNonZerosPerColumn { get; }

    /// <inheritdoc />
    public double Gamma { get; }

    /// <inheritdoc />
    public int VariablesPerProblem { get; }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>Returns Σ_p f_p(x_p) and writes every ∇f_p in its block on the device; a non-finite x gives NaN (value and gradient), as on the CPU.</summary>
    /// <exception cref="ArgumentException">A length is not <see cref="Dimension"/>, or a vector lives on another device.</exception>
    public double Evaluate(DeviceMatrix<T> x, DeviceMatrix<T> gradient)
    {
        CheckVector(x, nameof(x));
        CheckVector(gradient, nameof(gradient));
        Download(x, _x);
        if (!TensorPrimitives.IsFiniteAll<double>(_x))
        {
            new GpuArithmetic<T>(Device).Fill(gradient, double.NaN);
            _values.AsSpan().Fill(double.NaN);
            return double.NaN;
        }
        Launch(x, gradient);
        _terms.View.CopyToCPU(_hostTerms);
        int d = VariablesPerProblem;
        bool dual = Formulation == TransportFormulation.Dual;
        double total = 0;
        for (int p = 0; p < _values.Length; p++)
        {
            // GpuTransportObjective's order for problem p alone: its terms in column order, then the dots.
            double terms = 0;
            foreach (double t in _hostTerms.AsSpan(p * _n, _n)) terms += t;
            double value = terms - TensorPrimitives.Dot<double>(_x.AsSpan(p * d, _m), _a.AsSpan(p * _m, _m));
            if (dual) value -= TensorPrimitives.Dot<double>(_x.AsSpan(p * d + _m, _n), _b.AsSpan(p * _n, _n));
            _values[p] = value;
            total += value;
        }
        return total;
    }

    /// <inheritdoc />
    public TransportPlan[] Plans(DeviceMatrix<T> x, Span<double> values)
    {
        if (values.Length != _values.Length) throw new ArgumentException($"values has length {values.Length}; the batch holds {_values.Length} problems.", nameof(values));
        using (var gradient = new DeviceMatrix<T>(Device, Dimension, 1)) Evaluate(x, gradient);
        _values.CopyTo(values);
        int columns = _values.Length * _n;
        var counts = new int[columns];
        var rows = new int[_slots * columns];
        var planValues = new double[_slots * columns];
        _counts.View.CopyToCPU(counts);
        _planRows.View.CopyToCPU(rows);
        _planValues.View.CopyToCPU(planValues);
        var plans = new TransportPlan[_values.Length];
        int width = _slots * _n;
        for (int p = 0; p < plans.Length; p++)
            plans[p] = TransportPlan.FromSlots(_m, _n, _slots, counts.AsSpan(p * _n, _n), rows.AsSpan(p * width, width), planValues.AsSpan(p * width, width));
        return plans;
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
        int count = _values.Length;
        var arguments = new TransportArguments<T>
        {
            Cost = _cost.View,
            X = x.View,
            Gradient = gradient.View,
            A = _weights.View.SubView(0, _a.Length),
            B = _weights.View.SubView(_a.Length, _b.Length),
            Counts = _counts.View,
            PlanRows = _planRows.View,
            PlanValues = _planValues.View,
            Terms = _terms.View,
            Dense = _dense.View,
            M = _m,
            N = count * _n,
            Slots = _slots,
            Block = _n,
            Stride = VariablesPerProblem,
            Dual = Formulation == TransportFormulation.Dual ? 1 : 0,
            Gamma = Gamma,
        };
        _kernels.Columns(count * _n, arguments);
        _kernels.Rows(count * _m, arguments);
    }

    private void Download(DeviceMatrix<T> x, Span<double> host)
    {
        x.CopyTo(_download);
        if (typeof(T) == typeof(double)) MemoryMarshal.Cast<T, double>(_download).CopyTo(host);
        else TensorPrimitives.ConvertChecked<float, double>(MemoryMarshal.Cast<T, float>(_download), host);
    }

    private void CheckVector(DeviceMatrix<T> x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (!ReferenceEquals(x.Device, Device)) throw new ArgumentException($"{name} lives on a different device.", name);
        if (x.Length != Dimension) throw new ArgumentException($"{name} has length {x.Length}; the objective's dimension is {Dimension}.", name);
    }
}
