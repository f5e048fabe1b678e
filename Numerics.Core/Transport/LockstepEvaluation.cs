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
/// running one is waiting), and evaluates the problems of that pass only. What a problem receives depends only on its own
/// potentials, so neither the order in which the threads arrive nor the thread count changes a bit.
/// </remarks>
internal sealed class LockstepEvaluation
{
    private readonly ISparseTransportBatchObjective _batch;
    private readonly object _gate = new();
    private readonly double[] _x;
    private readonly double[] _gradient;
    private readonly double[] _values;
    private readonly ManualResetEventSlim[] _answered;
    private readonly int _d;
    private readonly List<int> _waiters;
    private readonly int[] _wake;
    private readonly bool[] _active;
    private int _running;
    private long _passes;
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
        _waiters = new List<int>(_values.Length);
        _wake = new int[_values.Length];
        _active = new bool[_values.Length];
        // No spinning: with many problems per core, a spinning waiter only delays the pass it waits for.
        _answered = new ManualResetEventSlim[_values.Length];
        for (int p = 0; p < _answered.Length; p++) _answered[p] = new ManualResetEventSlim(false, spinCount: 1);
    }

    /// <summary>The batched evaluations run so far.</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>f_p as an objective of problem p's d potentials.</summary>
    public IDifferentiableObjective<double[]> Member(int problem) => new Problem(this, problem);

    /// <summary>Problem p's L-BFGS has returned (or thrown): later passes no longer wait for it.</summary>
    public void Finish()
    {
        int pass = 0;
        lock (_gate)
        {
            _running--;
            if (_running > 0 && _waiters.Count == _running) pass = TakeWaiters();
        }
        if (pass > 0) Run(pass, -1);
    }

    /// <summary>Frees the events (after every problem has finished).</summary>
    public void Release()
    {
        foreach (var e in _answered) e.Dispose();
    }

    private double Evaluate(int problem, double[] x, double[] gradient)
    {
        // Each problem writes only its own block, and only while no pass runs (a pass needs it waiting).
        x.CopyTo(_x, problem * _d);
        int pass = 0;
        lock (_gate)
        {
            _waiters.Add(problem);
            if (_waiters.Count == _running) pass = TakeWaiters();
        }
        if (pass > 0) Run(pass, problem);
        else
        {
            _answered[problem].Wait();
            _answered[problem].Reset();
        }
        if (Volatile.Read(ref _failure) is { } failure) throw new InvalidOperationException("The batched evaluation failed.", failure);
        _gradient.AsSpan(problem * _d, _d).CopyTo(gradient);
        return _values[problem];
    }

    /// <summary>Moves the problems waiting for this pass to the wake list, under the lock; returns how many.</summary>
    private int TakeWaiters()
    {
        int count = _waiters.Count;
        _waiters.CopyTo(_wake);
        _waiters.Clear();
        return count;
    }

    /// <summary>
    /// One batched evaluation, run by the last problem to arrive (<paramref name="runner"/>, which does
    /// not wait) or by one that finishes (−1); then every other problem of the pass is answered. The next pass cannot start, nor rewrite the wake list, before
    /// every one of them has been answered and asked again, and each entry is read before it is answered.
    /// </summary>
    private void Run(int count, int runner)
    {
        // Only the problems of this pass are evaluated: once most have finished, a straggler's passes
        // sweep its own columns, not the whole batch.
        Array.Clear(_active);
        for (int i = 0; i < count; i++) _active[_wake[i]] = true;
        try
        {
            _batch.Evaluate(_x, _gradient, _values, _active);
        }
        catch (Exception e)
        {
            Volatile.Write(ref _failure, e);
        }
        Interlocked.Increment(ref _passes);
        for (int i = 0; i < count; i++)
        {
            int p = _wake[i];
            if (p != runner) _answered[p].Set();
        }
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
