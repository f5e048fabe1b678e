using System.Numerics.Tensors;

namespace Numerics.Transport;

/// <summary>
/// Every f_p(x_p) on the CPU for a batch of equal-shaped problems, f_p = −S_k or −D_k of
/// problem p (<see cref="SemiDualObjective"/>, <see cref="DualObjective"/>), in one pass over all
/// their columns.
/// </summary>
/// <remarks>
/// <para>
/// The costs are held side by side as one m × (P·n) matrix and swept once per evaluation by the
/// same <see cref="ColumnSweep"/> and column rules as a single problem: the columns of all problems
/// are chunked together and run in parallel, so many small problems keep every core busy where a
/// loop over them would pay a parallel launch each. Then, problem by problem, its row sums, column
/// sums and term sum are taken over its own columns in column order, exactly as the single
/// objective does: f_p and ∇f_p are the bits the single objective gives at x_p, whatever the thread
/// count and whatever the other problems' potentials. An evaluation of some problems only (the ones
/// still running in a batched solve) sweeps their columns only. No buffer is allocated per evaluation.
/// </para>
/// </remarks>
public sealed class BatchTransportObjective : ISparseTransportBatchObjective
{
    private readonly ColumnSweep _sweep;
    private readonly IColumnRule _rule;
    private readonly double[] _a;
    private readonly double[] _b;
    private readonly double[] _beta;
    private readonly bool[] _finite;
    private readonly double[] _x;
    private readonly double[] _scratch;
    private readonly int _m;
    private readonly int _n;

    /// <summary>The batch objective of <paramref name="problems"/> (checked: non-empty, no null entry, all the same m×n).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="problems"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch is empty, holds a null entry, mixes shapes, or is too large for one array (names problems).</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1, or γ is not positive and finite.</exception>
    public BatchTransportObjective(IReadOnlyList<TransportProblem> problems, TransportFormulation formulation, int k, double gamma)
    {
        SparseTransport.RequireBatch(problems);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        if (!(gamma > 0) || !double.IsFinite(gamma))
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "γ must be positive and finite.");
        if (!Enum.IsDefined(formulation)) throw new ArgumentOutOfRangeException(nameof(formulation), formulation, "Unknown formulation.");
        Problems = problems.ToArray();
        Formulation = formulation;
        MaxNonZerosPerColumn = k;
        Gamma = gamma;
        int count = Problems.Count;
        _m = problems[0].Rows;
        _n = problems[0].Columns;
        bool dual = formulation == TransportFormulation.Dual;
        VariablesPerProblem = dual ? _m + _n : _m;
        Dimension = count * VariablesPerProblem;
        var cost = new double[(long)count * _m * _n];
        _a = new double[count * _m];
        _b = new double[count * _n];
        for (int p = 0; p < count; p++)
        {
            Problems[p].Cost.CopyTo(cost.AsSpan(p * _m * _n));
            Problems[p].SourceWeights.CopyTo(_a.AsSpan(p * _m));
            Problems[p].TargetWeights.CopyTo(_b.AsSpan(p * _n));
        }
        _sweep = new ColumnSweep(cost, _m, count * _n, k, _n, VariablesPerProblem);
        _beta = dual ? new double[count * _n] : [];
        _rule = dual ? new DualObjective.Rule(_beta, gamma) : new SemiDualObjective.Rule(_b, gamma);
        _finite = new bool[count];
        _x = new double[Dimension];
        _scratch = new double[Dimension];
    }

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
    public void Evaluate(double[] x, double[] gradient, Span<double> values, bool[]? active = null)
    {
        CheckLength(x, nameof(x));
        CheckLength(gradient, nameof(gradient));
        if (values.Length != _finite.Length) throw new ArgumentException($"values has length {values.Length}; the batch holds {_finite.Length} problems.", nameof(values));
        if (active is not null && active.Length != _finite.Length) throw new ArgumentException($"active has length {active.Length}; the batch holds {_finite.Length} problems.", nameof(active));
        int d = VariablesPerProblem;
        bool dual = Formulation == TransportFormulation.Dual;
        // A problem whose block is not finite gets NaN, as alone; the sweep reads zeros there instead.
        for (int p = 0; p < _finite.Length; p++)
        {
            if (active is not null && !active[p]) continue;
            var block = x.AsSpan(p * d, d);
            _finite[p] = TensorPrimitives.IsFiniteAll<double>(block);
            if (_finite[p]) block.CopyTo(_x.AsSpan(p * d));
            else _x.AsSpan(p * d, d).Clear();
            if (dual) _x.AsSpan(p * d + _m, _n).CopyTo(_beta.AsSpan(p * _n));
        }
        _sweep.Run(_x, _rule, active);
        for (int p = 0; p < _finite.Length; p++)
        {
            if (active is not null && !active[p]) continue;
            var g = gradient.AsSpan(p * d, d);
            if (!_finite[p])
            {
                g.Fill(double.NaN);
                values[p] = double.NaN;
                continue;
            }
            // As SemiDualObjective and DualObjective evaluate problem p alone, step for step.
            var alpha = _x.AsSpan(p * d, _m);
            var a = _a.AsSpan(p * _m, _m);
            var gAlpha = g[.._m];
            var gBeta = dual ? g[_m..] : default;
            _sweep.Sums(p * _n, _n, gAlpha, gBeta);
            TensorPrimitives.Subtract(gAlpha, a, gAlpha);
            double value = _sweep.TermSum(p * _n, _n) - TensorPrimitives.Dot<double>(alpha, a);
            if (dual)
            {
                var b = _b.AsSpan(p * _n, _n);
                TensorPrimitives.Subtract(gBeta, b, gBeta);
                value -= TensorPrimitives.Dot<double>(_beta.AsSpan(p * _n, _n), b);
            }
            values[p] = value;
        }
    }

    /// <inheritdoc />
    public TransportPlan[] Plans(double[] x, Span<double> values)
    {
        Evaluate(x, _scratch, values);
        var plans = new TransportPlan[_finite.Length];
        for (int p = 0; p < plans.Length; p++) plans[p] = _sweep.Plan(p * _n, _n);
        return plans;
    }

    private void CheckLength(double[] x, string name)
    {
        ArgumentNullException.ThrowIfNull(x, name);
        if (x.Length != Dimension) throw new ArgumentException($"{name} has length {x.Length}; the objective's dimension is {Dimension}.", name);
    }
}
