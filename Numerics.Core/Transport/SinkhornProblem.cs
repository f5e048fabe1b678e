using Numerics.Arithmetic;
using System.Numerics.Tensors;
using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The state of one <see cref="SinkhornTransport"/> solve on the positive-mass rows and columns:
/// C/ε and its transpose (column-major), log a, log b, the potentials and the last column pass.
/// </summary>
internal sealed class SinkhornProblem
{
    private readonly double[] _a, _b, _cost;
    private readonly int _m, _n, _mk, _nk;
    private readonly int[] _rowsKept, _columnsKept;
    private readonly double _epsilon;
    private readonly double[] _k, _kt, _logA, _logB, _f, _g, _lse, _rowLse, _qRows, _qColumns;

    public SinkhornProblem(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> cost, int m, int n, double epsilon)
    {
        _a = a.ToArray();
        _b = b.ToArray();
        _cost = cost.ToArray();
        _m = m;
        _n = n;
        _epsilon = epsilon;
        _rowsKept = TransportInput.PositiveIndices(a);
        _columnsKept = TransportInput.PositiveIndices(b);
        _mk = _rowsKept.Length;
        _nk = _columnsKept.Length;
        _k = new double[(long)_mk * _nk];
        _kt = new double[_k.Length];
        for (int jj = 0; jj < _nk; jj++)
            for (int ii = 0; ii < _mk; ii++)
            {
                double x = cost[_rowsKept[ii] + _columnsKept[jj] * m] / epsilon;
                _k[ii + jj * _mk] = x;
                _kt[jj + ii * _nk] = x;
            }
        _logA = Array.ConvertAll(_rowsKept, i => Math.Log(_a[i]));
        _logB = Array.ConvertAll(_columnsKept, j => Math.Log(_b[j]));
        _f = new double[_mk];
        _g = new double[_nk];
        _lse = new double[_nk];
        _rowLse = new double[_mk];
        _qRows = new double[_mk];
        _qColumns = new double[_nk];
    }

    /// <summary>lseⱼ = log Σᵢ exp(fᵢ/ε + log aᵢ − cᵢⱼ/ε) for the current f.</summary>
    public void ColumnPass(int threads)
    {
        for (int i = 0; i < _mk; i++) _qRows[i] = _f[i] / _epsilon + _logA[i];
        ColumnLogSumExp.Compute(_k, _mk, _nk, _qRows, _lse, threads);
    }

    /// <summary>g ← −ε·lse: the column marginals become exact.</summary>
    public void UpdateColumns()
    {
        for (int j = 0; j < _nk; j++) _g[j] = -_epsilon * _lse[j];
    }

    /// <summary>f ← −ε·log Σⱼ exp(gⱼ/ε + log bⱼ − cᵢⱼ/ε): the row marginals become exact.</summary>
    public void UpdateRows(int threads)
    {
        for (int j = 0; j < _nk; j++) _qColumns[j] = _g[j] / _epsilon + _logB[j];
        ColumnLogSumExp.Compute(_kt, _nk, _mk, _qColumns, _rowLse, threads);
        for (int i = 0; i < _mk; i++) _f[i] = -_epsilon * _rowLse[i];
    }

    /// <summary>‖Tᵀ·1 − b‖₂ of the current plan, from the last column pass: column j sums to bⱼ·exp(gⱼ/ε + lseⱼ).</summary>
    public double ColumnError()
    {
        double sum = 0;
        for (int j = 0; j < _nk; j++)
        {
            double d = _b[_columnsKept[j]] * double.ExpM1(_g[j] / _epsilon + _lse[j]);
            sum += d * d;
        }
        return Math.Sqrt(sum);
    }

    /// <summary>Σaᵢfᵢ + Σbⱼgⱼ over the positive masses.</summary>
    public double DualValue()
    {
        double sum = 0;
        for (int i = 0; i < _mk; i++) sum += _a[_rowsKept[i]] * _f[i];
        for (int j = 0; j < _nk; j++) sum += _b[_columnsKept[j]] * _g[j];
        return sum;
    }

    /// <summary>The result: full potentials, the plan and every error recomputed from it.</summary>
    public SinkhornResult Result(SolverStatus loopStatus, int iterations, double tolerance)
    {
        var (f, g) = FullPotentials();
        var plan = new double[(long)_m * _n];
        var rowSums = new double[_m];
        var columnSums = new double[_n];
        var exponent = new double[_m];
        double cost = 0, entropy = 0, mass = 0;
        for (int j = 0; j < _n; j++)
        {
            if (_b[j] == 0) continue;
            var column = plan.AsSpan(j * _m, _m);
            for (int i = 0; i < _m; i++) exponent[i] = (f[i] + g[j] - _cost[i + j * _m]) / _epsilon;
            TensorPrimitives.Exp(exponent, column);
            for (int i = 0; i < _m; i++)
            {
                double t = column[i] * _a[i] * _b[j];
                column[i] = t;
                if (t == 0) continue;
                cost += t * _cost[i + j * _m];
                entropy += t * exponent[i];
                mass += t;
                rowSums[i] += t;
                columnSums[j] += t;
            }
        }
        double rowError = Distance(rowSums, _a), columnError = Distance(columnSums, _b);
        double dual = SpanArithmetic.Dot<double>(_a, f) + SpanArithmetic.Dot<double>(_b, g) - _epsilon * (mass - 1);
        double objective = cost + _epsilon * (entropy - mass + 1);
        SolverStatus status = !double.IsFinite(objective) || !double.IsFinite(dual) || !double.IsFinite(rowError + columnError) ? SolverStatus.Breakdown
            : Math.Max(rowError, columnError) <= tolerance ? SolverStatus.Converged
            : loopStatus == SolverStatus.Converged ? SolverStatus.Stalled
            : loopStatus;
        return new SinkhornResult(Matrix<double>.Build.Dense(_m, _n, plan), f, g, _epsilon, cost, objective, dual, rowError, columnError, status, iterations);
    }

    /// <summary>f and g at full size; zero-mass rows and columns get the value their update would give.</summary>
    private (double[] F, double[] G) FullPotentials()
    {
        var f = new double[_m];
        var g = new double[_n];
        for (int ii = 0; ii < _mk; ii++) f[_rowsKept[ii]] = _f[ii];
        for (int jj = 0; jj < _nk; jj++) g[_columnsKept[jj]] = _g[jj];
        var terms = new double[Math.Max(_mk, _nk)];
        for (int i = 0; i < _m; i++)
        {
            if (_a[i] > 0) continue;
            for (int jj = 0; jj < _nk; jj++) terms[jj] = _g[jj] / _epsilon + _logB[jj] - _cost[i + _columnsKept[jj] * _m] / _epsilon;
            f[i] = -_epsilon * LogSumExp(terms.AsSpan(0, _nk));
        }
        for (int j = 0; j < _n; j++)
        {
            if (_b[j] > 0) continue;
            for (int ii = 0; ii < _mk; ii++) terms[ii] = _f[ii] / _epsilon + _logA[ii] - _cost[_rowsKept[ii] + j * _m] / _epsilon;
            g[j] = -_epsilon * LogSumExp(terms.AsSpan(0, _mk));
        }
        return (f, g);
    }

    private static double LogSumExp(ReadOnlySpan<double> x)
    {
        double max = TensorPrimitives.Max(x), sum = 0;
        if (!double.IsFinite(max)) return max;
        foreach (double t in x) sum += Math.Exp(t - max);
        return max + Math.Log(sum);
    }

    private static double Distance(double[] x, double[] y)
    {
        double sum = 0;
        for (int i = 0; i < x.Length; i++) sum += (x[i] - y[i]) * (x[i] - y[i]);
        return Math.Sqrt(sum);
    }
}
