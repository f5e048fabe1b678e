using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The state of one <see cref="SinkhornTransport"/> solve: the cost (read through a pointer the caller
/// keeps pinned for this object's life) and its transpose, log a, log b, the potentials and the last
/// column pass.
/// </summary>
/// <remarks>
/// Zero masses need no special path: log 0 = −∞ makes their terms vanish from every sum, and the
/// updates give their potentials the value the row or column update would give.
/// </remarks>
internal sealed unsafe class SinkhornProblem
{
    private readonly double* _cost;
    private readonly double[] _a, _b, _transposed, _logA, _logB, _f, _g, _lse, _rowLse, _qRows, _qColumns;
    private readonly int _m, _n;
    private readonly double _epsilon;

    public SinkhornProblem(double[] a, double[] b, double* cost, int m, int n, double epsilon)
    {
        _a = a;
        _b = b;
        _cost = cost;
        _m = m;
        _n = n;
        _epsilon = epsilon;
        _transposed = GC.AllocateUninitializedArray<double>(checked(m * n));
        // Blocks of 64×64 keep both sides of the transpose in cache.
        const int Tile = 64;
        for (int j0 = 0; j0 < n; j0 += Tile)
            for (int i0 = 0; i0 < m; i0 += Tile)
                for (int j = j0; j < Math.Min(n, j0 + Tile); j++)
                    for (int i = i0; i < Math.Min(m, i0 + Tile); i++) _transposed[j + (long)i * n] = cost[i + (long)j * m];
        _logA = Array.ConvertAll(_a, Math.Log);
        _logB = Array.ConvertAll(_b, Math.Log);
        _f = new double[m];
        _g = new double[n];
        _lse = new double[n];
        _rowLse = new double[m];
        _qRows = new double[m];
        _qColumns = new double[n];
    }

    /// <summary>lseⱼ = log Σᵢ exp(fᵢ/ε + log aᵢ − cᵢⱼ/ε) for the current f.</summary>
    public void ColumnPass(int threads)
    {
        for (int i = 0; i < _m; i++) _qRows[i] = _f[i] / _epsilon + _logA[i];
        ColumnLogSumExp.Compute(_cost, _m, _n, _epsilon, _qRows, _lse, threads);
    }

    /// <summary>g ← −ε·lse: the column marginals become exact.</summary>
    public void UpdateColumns()
    {
        for (int j = 0; j < _n; j++) _g[j] = -_epsilon * _lse[j];
    }

    /// <summary>f ← −ε·log Σⱼ exp(gⱼ/ε + log bⱼ − cᵢⱼ/ε): the row marginals become exact.</summary>
    public void UpdateRows(int threads)
    {
        for (int j = 0; j < _n; j++) _qColumns[j] = _g[j] / _epsilon + _logB[j];
        fixed (double* transposed = _transposed)
            ColumnLogSumExp.Compute(transposed, _n, _m, _epsilon, _qColumns, _rowLse, threads);
        for (int i = 0; i < _m; i++) _f[i] = -_epsilon * _rowLse[i];
    }

    /// <summary>‖Tᵀ·1 − b‖₂ of the current plan, from the last column pass: column j sums to bⱼ·exp(gⱼ/ε + lseⱼ).</summary>
    public double ColumnError()
    {
        double sum = 0;
        for (int j = 0; j < _n; j++)
        {
            if (_b[j] == 0) continue;
            double d = _b[j] * double.ExpM1(_g[j] / _epsilon + _lse[j]);
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Σaᵢfᵢ + Σbⱼgⱼ.</summary>
    public double DualValue() => SpanArithmetic.Dot<double>(_a, _f) + SpanArithmetic.Dot<double>(_b, _g);

    /// <summary>The result: the potentials, the plan and every error recomputed from it.</summary>
    public SinkhornResult Result(SolverStatus loopStatus, int iterations, double tolerance, InputMass inputMass)
    {
        var plan = GC.AllocateUninitializedArray<double>(checked(_m * _n));
        var rowSums = new double[_m];
        var columnSums = new double[_n];
        var exponent = new double[_m];
        double cost = 0, entropy = 0, mass = 0;
        for (int j = 0; j < _n; j++)
        {
            var column = plan.AsSpan(j * _m, _m);
            double* c = _cost + (long)j * _m;
            for (int i = 0; i < _m; i++) exponent[i] = (_f[i] + _g[j] - c[i]) / _epsilon;
            TensorPrimitives.Exp(exponent, column);
            for (int i = 0; i < _m; i++)
            {
                // A zero mass gives an exact zero, even where exp overflows (a zero row meeting a zero column).
                double t = _a[i] == 0 || _b[j] == 0 ? 0 : column[i] * _a[i] * _b[j];
                column[i] = t;
                if (t == 0) continue;
                cost += t * c[i];
                entropy += t * exponent[i];
                mass += t;
                rowSums[i] += t;
                columnSums[j] += t;
            }
        }
        double rowError = Distance(rowSums, _a), columnError = Distance(columnSums, _b);
        double dual = DualValue() - _epsilon * (mass - 1);
        double objective = cost + _epsilon * (entropy - mass + 1);
        SolverStatus status = !double.IsFinite(objective) || !double.IsFinite(dual) || !double.IsFinite(rowError + columnError) ? SolverStatus.Breakdown
            : Math.Max(rowError, columnError) <= tolerance ? SolverStatus.Converged
            : loopStatus == SolverStatus.Converged ? SolverStatus.Stalled
            : loopStatus;
        var matrix = Matrix<double>.Build.Dense(_m, _n, plan);
        double feasible = status == SolverStatus.Breakdown ? double.NaN : FeasibleObjective(TransportPlan.FromDense(matrix));
        return new SinkhornResult(matrix, (double[])_f.Clone(), (double[])_g.Clone(), _epsilon, cost, objective, dual, feasible,
            rowError, columnError, inputMass, status, iterations);
    }

    /// <summary>
    /// ⟨T̂, C⟩ + ε·KL(T̂ ‖ a⊗b) of the plan rounded onto U(a, b) (<see cref="PlanRounding"/>): the entropic
    /// objective of a feasible plan, so an upper bound on the optimum. The rounding only moves mass
    /// between cells with aᵢ·bⱼ &gt; 0, so every logarithm is finite.
    /// </summary>
    private double FeasibleObjective(TransportPlan plan)
    {
        var rounded = PlanRounding.Round(plan, _a, _b);
        var pointers = rounded.ColumnPointers;
        var rows = rounded.RowIndices;
        var values = rounded.Values;
        double cost = 0, entropy = 0, mass = 0;
        for (int j = 0; j < _n; j++)
        {
            double* c = _cost + (long)j * _m;
            for (int p = pointers[j]; p < pointers[j + 1]; p++)
            {
                int i = rows[p];
                double t = values[p];
                cost += t * c[i];
                entropy += t * Math.Log(t / (_a[i] * _b[j]));
                mass += t;
            }
        }
        return cost + _epsilon * (entropy - mass + 1);
    }

    private static double Distance(double[] x, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
        return Math.Sqrt(sum);
    }
}
