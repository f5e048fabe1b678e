using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// The per-problem objectives of a batched solve: problem p's own L-BFGS, on its own thread, sees
/// f_p through <see cref="Member"/>; each call blocks until every problem still running has asked
/// for one evaluation, and one batched evaluation (<see cref="ISparseTransportBatchObjective"/>)
/// answers them all. So the problems advance in lockstep, one evaluation each per pass, and each
/// L-BFGS sees exactly the numbers it would see alone.
/// </summary>
/// <remarks>
/// A pass starts when the last running problem asks (or when a problem finishes and every other
/// running one is waiting), under one lock; it evaluates every problem, the finished ones at their
/// last point, whose results nobody reads. What a problem receives depends only on its own
/// potentials, so neither the order in which the threads arrive nor the thread count changes a bit.
/// </remarks>
internal sealed class LockstepEvaluation
{
    private readonly ISparseTransportBatchObjective _batch;
    private readonly object _gate = new();
    private readonly double[] _x;
    private readonly double[] _gradient;
    private readonly double[] _values;
    private readonly int _d;
    private int _running;
    private int _waiting;
    private long _pass;
    private Exception? _failure;

    /// <summary>Lockstep evaluation of <paramref name="batch"/> at <paramref name="start"/> (the concatenated potentials, copied), every problem running.</summary>
    public LockstepEvaluation(ISparseTransportBatchObjective batch, double[] start)
    {
        _batch = batch;
        _d = batch.VariablesPerProblem;
        _x = (double[])start.Clone();
        _gradient = new double[_x.Length];
        _values = new double[batch.Problems.Count];
        _running = _values.Length;
    }

    /// <summary>The batched evaluations run so far.</summary>
    public long Passes => _pass;

    /// <summary>f_p as an objective of problem p's d potentials.</summary>
    public IDifferentiableObjective<double[]> Member(int problem) => new Problem(this, problem);

    /// <summary>Problem p's L-BFGS has returned (or thrown): later passes no longer wait for it.</summary>
    public void Finish()
    {
        lock (_gate)
        {
            _running--;
            if (_running > 0 && _waiting == _running) Run();
        }
    }

    private double Evaluate(int problem, double[] x, double[] gradient)
    {
        lock (_gate)
        {
            x.CopyTo(_x, problem * _d);
            _waiting++;
            if (_waiting == _running) Run();
            else
            {
                long pass = _pass;
                while (pass == _pass) Monitor.Wait(_gate);
            }
            if (_failure is not null) throw new InvalidOperationException("The batched evaluation failed.", _failure);
            _gradient.AsSpan(problem * _d, _d).CopyTo(gradient);
            return _values[problem];
        }
    }

    /// <summary>One batched evaluation for every waiting problem; called under the lock.</summary>
    private void Run()
    {
        try
        {
            _batch.Evaluate(_x, _gradient, _values);
        }
        catch (Exception e)
        {
            _failure = e;
        }
        _waiting = 0;
        _pass++;
        Monitor.PulseAll(_gate);
    }

    private sealed class Problem(LockstepEvaluation owner, int index) : IDifferentiableObjective<double[]>
    {
        public int Dimension => owner._d;

        public double Evaluate(double[] x, double[] gradient)
        {
            if (x.Length != owner._d) throw new ArgumentException($"x has length {x.Length}; the objective's dimension is {owner._d}.", nameof(x));
            if (gradient.Length != owner._d) throw new ArgumentException($"gradient has length {gradient.Length}; the objective's dimension is {owner._d}.", nameof(gradient));
            return owner.Evaluate(index, x, gradient);
        }
    }
}
