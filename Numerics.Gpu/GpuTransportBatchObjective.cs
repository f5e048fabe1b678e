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
/// costs are uploaded once side by side as one m × (P·n) matrix, and
/// <see cref="SparseTransport.SolveBatch(ISparseTransportBatchObjective, SparseTransportOptions?)"/>
/// drives it with the CPU's control code: one L-BFGS per problem on the host, all of them in lockstep.
/// </summary>
/// <remarks>
/// <para>
/// The problems are small (that is why they are batched), so their L-BFGS vectors stay on the host,
/// where a dot of m entries costs less than one kernel launch; what the device does is the part
/// that scales with the batch. Per pass: one upload of the concatenated potentials (as T), the
/// single problem's two kernels, each launched once for the whole batch: one
/// thread per column of every problem (its problem is the column index over n) and one thread per
/// row of every problem, summing that problem's columns of the dense plan in column order. The
/// gradient and the column terms come back to the host, which forms each f_p in the CPU's order. So
/// problem p's value, gradient and plan are those of <see cref="GpuTransportObjective{T}"/> for p
/// alone at x_p rounded to T, bit for bit, and on the ILGPU CPU accelerator with T = double those of
/// the CPU objectives.
/// </para>
/// </remarks>
/// <typeparam name="T"><see cref="float"/> or <see cref="double"/>: the storage of C and of the variables.</typeparam>
public sealed class GpuTransportBatchObjective<T> : ISparseTransportBatchObjective, IDisposable
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
    private readonly DeviceMatrix<T> _dx;
    private readonly DeviceMatrix<T> _dg;
    private readonly double[] _x;
    private readonly double[] _rounded;
    private readonly double[] _scratch;
    private readonly double[] _hostTerms;
    private readonly bool[] _finite;
    private readonly T[] _upload;
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
        _rounded = new double[Dimension];
        _scratch = new double[Dimension];
        _hostTerms = new double[count * _n];
        _finite = new bool[count];
        _upload = new T[Dimension];
        var accelerator = device.Accelerator;
        _cost = DeviceMatrix<T>.Upload(device, _m, count * _n, GpuTransportObjective<T>.FromHost(cost));
        _weights = accelerator.Allocate1D<double>(_a.Length + _b.Length);
        _weights.View.CopyFromCPU([.. _a, .. _b]);
        _counts = accelerator.Allocate1D<int>(count * _n);
        _planRows = accelerator.Allocate1D<int>((long)_slots * count * _n);
        _planValues = accelerator.Allocate1D<double>((long)_slots * count * _n);
        _terms = accelerator.Allocate1D<double>(count * _n);
        _dense = accelerator.Allocate1D<double>(cost.LongLength);
        _dx = new DeviceMatrix<T>(device, Dimension, 1);
        _dg = new DeviceMatrix<T>(device, Dimension, 1);
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

    /// <summary>P·d, the length of the concatenated potentials.</summary>
    public int Dimension { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">A length is wrong (names the argument).</exception>
    /// <remarks>The launch covers every problem's columns whatever <paramref name="active"/> says: on a device the idle columns cost less than a second launch.</remarks>
    public void Evaluate(double[] x, double[] gradient, Span<double> values, bool[]? active = null)
    {
        CheckLength(x, nameof(x));
        CheckLength(gradient, nameof(gradient));
        if (values.Length != _finite.Length) throw new ArgumentException($"values has length {values.Length}; the batch holds {_finite.Length} problems.", nameof(values));
        int d = VariablesPerProblem;
        // A problem whose block is not finite gets NaN, as alone; the kernels read zeros there instead.
        for (int p = 0; p < _finite.Length; p++)
        {
            var block = x.AsSpan(p * d, d);
            _finite[p] = TensorPrimitives.IsFiniteAll<double>(block);
            if (_finite[p]) block.CopyTo(_x.AsSpan(p * d));
            else _x.AsSpan(p * d, d).Clear();
        }
        ToDevice(_x, _upload);
        ToHost(_upload, _rounded);
        _dx.CopyFrom(_upload);
        Launch();
        _dg.CopyTo(_upload);
        ToHost(_upload, gradient);
        _terms.View.CopyToCPU(_hostTerms);
        bool dual = Formulation == TransportFormulation.Dual;
        for (int p = 0; p < _finite.Length; p++)
        {
            if (!_finite[p])
            {
                gradient.AsSpan(p * d, d).Fill(double.NaN);
                values[p] = double.NaN;
                continue;
            }
            // GpuTransportObjective's order for problem p alone: its terms in column order, then the dots,
            // at x rounded to T as the device holds it.
            double terms = 0;
            foreach (double t in _hostTerms.AsSpan(p * _n, _n)) terms += t;
            double value = terms - TensorPrimitives.Dot<double>(_rounded.AsSpan(p * d, _m), _a.AsSpan(p * _m, _m));
            if (dual) value -= TensorPrimitives.Dot<double>(_rounded.AsSpan(p * d + _m, _n), _b.AsSpan(p * _n, _n));
            values[p] = value;
        }
    }

    /// <inheritdoc />
    public TransportPlan[] Plans(double[] x, Span<double> values)
    {
        Evaluate(x, _scratch, values);
        int columns = _finite.Length * _n;
        var counts = new int[columns];
        var rows = new int[_slots * columns];
        var planValues = new double[_slots * columns];
        _counts.View.CopyToCPU(counts);
        _planRows.View.CopyToCPU(rows);
        _planValues.View.CopyToCPU(planValues);
        var plans = new TransportPlan[_finite.Length];
        int width = _slots * _n;
        for (int p = 0; p < plans.Length; p++)
            plans[p] = TransportPlan.FromSlots(_m, _n, _slots, counts.AsSpan(p * _n, _n), rows.AsSpan(p * width, width), planValues.AsSpan(p * width, width));
        return plans;
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
        _dx.Dispose();
        _dg.Dispose();
    }

    private void Launch()
    {
        int count = _finite.Length;
        var arguments = new TransportArguments<T>
        {
            Cost = _cost.View,
            X = _dx.View,
            Gradient = _dg.View,
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

    /// <summary>Host values as T (rounded to nearest for float).</summary>
    private static void ToDevice(ReadOnlySpan<double> values, Span<T> result)
    {
        if (typeof(T) == typeof(double)) values.CopyTo(MemoryMarshal.Cast<T, double>(result));
        else TensorPrimitives.ConvertTruncating<double, float>(values, MemoryMarshal.Cast<T, float>(result));
    }

    /// <summary>T values as doubles (exact).</summary>
    private static void ToHost(ReadOnlySpan<T> values, Span<double> result)
    {
        if (typeof(T) == typeof(double)) MemoryMarshal.Cast<T, double>(values).CopyTo(result);
        else TensorPrimitives.ConvertChecked<float, double>(MemoryMarshal.Cast<T, float>(values), result);
    }

    private void CheckLength(double[] x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.Length != Dimension) throw new ArgumentException($"{name} has length {x.Length}; the objective's dimension is {Dimension}.", name);
    }
}
