using System.Numerics.Tensors;
using Numerics.Distributed;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// −S_k(α) or −D_k(α, β) with the columns of C split over ranks: each rank sweeps its own column
/// blocks with the same column rules as <see cref="SemiDualObjective"/> and <see cref="DualObjective"/>,
/// and one <see cref="ICommunicator.AllreduceSum"/> per evaluation gives every rank the whole value
/// and gradient, so the L-BFGS on every rank sees the same numbers and takes the same steps.
/// </summary>
/// <remarks>
/// <para>
/// A column's term and its plan entries depend only on that column (and on α, and βⱼ), so the
/// split changes nothing but the order of the sums across columns. Reduced per evaluation: T·1
/// (m entries), the sum of the column terms, and for the dual ⟨β, b⟩ and the β-gradient
/// Tᵀ·1 − b (n entries, zero outside each rank's columns, so the sum of the ranks' vectors is exact
/// there): m + 1 doubles for the semi-dual, m + n + 2 for the dual.
/// </para>
/// <para>
/// Blocks held by one process are added in block order before the reduction, and the reduction
/// adds ranks in rank order; so R ranks holding one block each give the same bits as one process
/// holding the same R blocks, and a single block reproduces the unsplit objectives exactly
/// (value = Σ terms − ⟨α, a⟩ [− ⟨β, b⟩], in the same order).
/// </para>
/// </remarks>
internal sealed class ColumnSplitObjective : IDifferentiableObjective<double[]>
{
    private readonly TransportColumnBlock[] _blocks;
    private readonly ColumnSweep[] _sweeps;
    private readonly IColumnRule[] _rules;
    private readonly double[][] _betas;
    private readonly ICommunicator _communicator;
    private readonly double[] _a;
    private readonly int _m;
    private readonly int _n;
    private readonly bool _dual;
    private readonly double[] _part;
    private readonly double[] _reduced;
    private readonly double[] _alpha;

    /// <summary>The split objective over this rank's <paramref name="blocks"/> (checked by the caller: same m, n and a; ascending, contiguous).</summary>
    public ColumnSplitObjective(TransportColumnBlock[] blocks, TransportFormulation formulation, int k, double gamma, ICommunicator communicator)
    {
        _blocks = blocks;
        _communicator = communicator;
        _m = blocks[0].Rows;
        _n = blocks[0].TotalColumns;
        _a = blocks[0].SourceArray;
        _dual = formulation == TransportFormulation.Dual;
        _sweeps = new ColumnSweep[blocks.Length];
        _rules = new IColumnRule[blocks.Length];
        _betas = new double[blocks.Length][];
        for (int q = 0; q < blocks.Length; q++)
        {
            var block = blocks[q];
            _sweeps[q] = new ColumnSweep(block.CostArray, _m, block.Columns, k);
            _betas[q] = _dual ? new double[block.Columns] : [];
            _rules[q] = _dual ? new DualObjective.Rule(_betas[q], gamma) : new SemiDualObjective.Rule(block.TargetArray, gamma);
        }
        Dimension = _dual ? _m + _n : _m;
        // T·1 | (dual) Tᵀ·1 − b | Σ terms | (dual) ⟨β, b⟩
        _part = new double[Dimension + (_dual ? 2 : 1)];
        _reduced = new double[_part.Length];
        _alpha = new double[_m];
    }

    /// <inheritdoc />
    public int Dimension { get; }

    /// <summary>T·1 of the last evaluation, summed over every rank's columns.</summary>
    public ReadOnlySpan<double> RowSums => _reduced.AsSpan(0, _m);

    /// <summary>f(x) and ∇f(x), reduced over the ranks; a non-finite x gives NaN on every rank without communicating (every rank holds the same x).</summary>
    public double Evaluate(double[] x, double[] gradient)
    {
        if (x.Length != Dimension) throw new ArgumentException($"x has length {x.Length}; the objective's dimension is {Dimension}.", nameof(x));
        if (gradient.Length != Dimension) throw new ArgumentException($"gradient has length {gradient.Length}; the objective's dimension is {Dimension}.", nameof(gradient));
        if (!TensorPrimitives.IsFiniteAll<double>(x))
        {
            gradient.AsSpan().Fill(double.NaN);
            return double.NaN;
        }
        var alpha = x.AsSpan(0, _m);
        alpha.CopyTo(_alpha); // the sweep reads α as an array of length m; for the dual x is (α, β)
        for (int q = 0; q < _blocks.Length; q++)
        {
            var block = _blocks[q];
            var target = q == 0 ? _reduced : _part;
            Array.Clear(target);
            Span<double> columnGradient = default;
            if (_dual)
            {
                x.AsSpan(_m + block.FirstColumn, block.Columns).CopyTo(_betas[q]);
                columnGradient = target.AsSpan(_m + block.FirstColumn, block.Columns);
            }
            _sweeps[q].Run(_alpha, _rules[q]);
            _sweeps[q].Sums(target.AsSpan(0, _m), columnGradient);
            target[Dimension] = _sweeps[q].TermSum();
            if (_dual)
            {
                TensorPrimitives.Subtract(columnGradient, block.TargetWeights, columnGradient);
                target[Dimension + 1] = TensorPrimitives.Dot<double>(_betas[q], block.TargetWeights);
            }
            // Later blocks of this process are added in block order, as the ranks are added in rank order.
            if (q > 0) TensorPrimitives.Add(_reduced, _part, _reduced);
        }
        _communicator.AllreduceSum(_reduced);
        TensorPrimitives.Subtract(_reduced.AsSpan(0, _m), _a, gradient.AsSpan(0, _m));
        if (_dual) _reduced.AsSpan(_m, _n).CopyTo(gradient.AsSpan(_m));
        double value = _reduced[Dimension] - TensorPrimitives.Dot<double>(alpha, _a);
        return _dual ? value - _reduced[Dimension + 1] : value;
    }

    /// <summary>The plans of this process's blocks from the last evaluation (each m × its own columns).</summary>
    public TransportPlan[] Plans() => _sweeps.Select(s => s.Plan()).ToArray();
}
