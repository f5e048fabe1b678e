using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// The limited-memory inverse-Hessian approximation H_k of L-BFGS: the last h pairs
/// sᵢ = x_{i+1} − xᵢ, yᵢ = ∇f(x_{i+1}) − ∇f(xᵢ), in a ring, and the two-loop recursion
/// (Nocedal &amp; Wright Algorithm 7.4) that applies H_k with H⁰ = γ·I, γ = sᵀy / yᵀy of the newest pair (NW eq. 7.20).
/// </summary>
internal sealed class LbfgsHistory<TVector>(IVectorArithmetic<TVector> ops, int capacity)
{
    private readonly TVector[] _s = new TVector[capacity];
    private readonly TVector[] _y = new TVector[capacity];
    private readonly double[] _rho = new double[capacity];
    private readonly double[] _alpha = new double[capacity];
    private int _allocated;
    private int _newest = -1;

    /// <summary>Pairs stored.</summary>
    public int Count { get; private set; }

    /// <summary>Forgets every pair (the vectors are kept for reuse).</summary>
    public void Clear() { Count = 0; _newest = -1; }

    /// <summary>
    /// Stores the pair in <paramref name="s"/>, <paramref name="y"/> (sᵀy = <paramref name="sy"/> &gt; 0) by
    /// swapping handles: the caller's variables receive the evicted slot's vectors as new workspace.
    /// </summary>
    public void Push(ref TVector s, ref TVector y, double sy)
    {
        int slot = (_newest + 1) % capacity;
        if (slot >= _allocated)
        {
            _s[slot] = ops.Create(ops.Length(s));
            _y[slot] = ops.Create(ops.Length(y));
            _allocated++;
        }
        (_s[slot], s) = (s, _s[slot]);
        (_y[slot], y) = (y, _y[slot]);
        _rho[slot] = 1.0 / sy;
        _newest = slot;
        Count = Math.Min(Count + 1, capacity);
    }

    /// <summary>direction ← −H_k·gradient; with no pairs stored, −gradient.</summary>
    public void Direction(TVector gradient, TVector direction)
    {
        ops.Copy(gradient, direction);
        for (int k = 0; k < Count; k++)
        {
            int i = Slot(k);
            _alpha[i] = _rho[i] * ops.Dot(_s[i], direction);
            ops.Axpby(-_alpha[i], _y[i], 1.0, direction);
        }
        if (Count > 0)
        {
            int n = _newest;
            double yy = ops.Dot(_y[n], _y[n]);
            // γ = sᵀy / yᵀy scales H⁰ to the curvature along the newest step, so the unit step is usually accepted.
            ops.Scale(1.0 / (_rho[n] * yy), direction);
        }
        for (int k = Count - 1; k >= 0; k--)
        {
            int i = Slot(k);
            double beta = _rho[i] * ops.Dot(_y[i], direction);
            ops.Axpby(_alpha[i] - beta, _s[i], 1.0, direction);
        }
        ops.Scale(-1.0, direction);
    }

    /// <summary>Frees the stored vectors.</summary>
    public void Release()
    {
        for (int i = 0; i < _allocated; i++)
        {
            ops.Release(_s[i]);
            ops.Release(_y[i]);
        }
        _allocated = 0;
        Clear();
    }

    /// <summary>The ring slot of the k-th newest pair (k = 0: newest).</summary>
    private int Slot(int k) => (_newest - k + capacity) % capacity;
}
