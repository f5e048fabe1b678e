using System.Runtime.Intrinsics;

namespace Numerics.Transport;

/// <summary>
/// The primal network simplex on the bipartite transportation network: m supply nodes (0 … m−1),
/// n demand nodes (m … m+n−1), one arc i → j per cell of the cost matrix, and an artificial root
/// (node m+n) joined to every node by an artificial arc that starts the basis (a star, as in
/// LEMON's and POT's implementation). Real arc e = j·m + i has cost <c>cost[e]</c> (column-major),
/// read through a pointer to the caller's pinned array.
/// </summary>
/// <remarks>
/// <para>
/// Supplies and demands must be positive (the caller removes zero masses), so the star is a strongly
/// feasible basis. The leaving arc is chosen by Cunningham's rule (the last blocking arc met when
/// the cycle is walked from its apex in the direction of the entering arc), which keeps the basis
/// strongly feasible and makes cycling on degenerate pivots impossible. Zero flows are exact: the
/// leaving arc is set to 0 and every other arc of the cycle changes by the same δ.
/// </para>
/// <para>
/// The tree is kept per node as parent, arc to the parent (with its direction and flow), depth and a
/// doubly linked preorder thread. A pivot costs O(cycle + |S|) where S is the subtree that moves: it
/// is re-rooted at the entering arc's end, unlinked in one walk that builds its children lists,
/// re-threaded by one depth-first pass, and its potentials shift by one constant.
/// </para>
/// <para>
/// Pricing is LEMON's block search, by whole columns: blocks of about ⌈√(m·n)⌉ arcs are scanned
/// cyclically and the most negative reduced cost of the first block that has one enters. Artificial arcs never re-enter.
/// Arcs whose state is 0 from the start are never priced: a caller restricts the network to a
/// support that way (<see cref="ExactPlanReconstruction"/>).
/// </para>
/// </remarks>
internal sealed unsafe class NetworkSimplex
{
    /// <summary>
    /// A reduced cost counts as negative only below −PricingEpsilon·(|c| + |π_s| + |π_t|): computing
    /// c + π_s − π_t rounds by about 2u times that sum, and the potentials carry the rounding of the
    /// pivots that built them. 64u leaves room for both, so noise never drives a pivot.
    /// </summary>
    private const double PricingEpsilon = 64 * 1.1102230246251565e-16;

    private const sbyte Tree = 0, Lower = 1;

    private readonly int _m, _n, _nodes, _root, _realArcs;
    private readonly double* _cost;
    private readonly double _artificialCost;
    private readonly sbyte[] _state;
    private readonly double[] _predFlow;
    private readonly int[] _parent, _pred, _thread, _revThread, _depth;
    private readonly bool[] _predUp;
    private readonly double[] _pi;
    private readonly int _columnsPerBlock;
    private int _nextColumn;

    // Scratch for the re-threading of the moving subtree; a child list is valid under its stamp only.
    private readonly int[] _stamp, _firstChild, _nextSibling, _stack;
    private int _moves;

    /// <summary>Sets up the star basis for positive <paramref name="supply"/> and <paramref name="demand"/>.</summary>
    /// <param name="supply">Masses of the m sources (positive).</param>
    /// <param name="demand">Masses of the n targets (positive); Σ demand must equal Σ supply up to rounding.</param>
    /// <param name="cost">m·n costs, column-major; the caller keeps them pinned and unchanged while this object lives.</param>
    /// <param name="maxAbsCost">max |cᵢⱼ|, for the artificial cost; far enough from the overflow and underflow thresholds that (m + n)³·max|c| is finite and normal.</param>
    /// <param name="allowed">Null, or one flag per arc: false keeps the arc out of the network.</param>
    public NetworkSimplex(ReadOnlySpan<double> supply, ReadOnlySpan<double> demand, double* cost, double maxAbsCost, bool[]? allowed = null)
    {
        _m = supply.Length;
        _n = demand.Length;
        _nodes = _m + _n;
        _root = _nodes;
        _realArcs = _m * _n;
        _cost = cost;
        // A unit through the artificial arcs must cost more than any real route between two nodes,
        // whose cost is at most (nodes + 1)·max|c| in absolute value: (2·max|c| + max|c|)·(nodes + 1)
        // as LEMON's (max + 1)·nodes; max|c| = 0 takes 1 as the unit.
        _artificialCost = 3.0 * (maxAbsCost > 0 ? maxAbsCost : 1) * (_nodes + 1);
        _state = new sbyte[_realArcs];
        for (int e = 0; e < _realArcs; e++) _state[e] = allowed is null || allowed[e] ? Lower : Tree;
        _predFlow = new double[_nodes + 1];
        int count = _nodes + 1;
        _parent = new int[count];
        _pred = new int[count];
        _thread = new int[count];
        _revThread = new int[count];
        _depth = new int[count];
        _predUp = new bool[count];
        _pi = new double[count];
        _stamp = new int[count];
        _firstChild = new int[count];
        _nextSibling = new int[count];
        _stack = new int[count];
        // LEMON's block of ⌈√arcs⌉ arcs (at least 10), rounded to whole columns.
        int blockSize = Math.Max(10, (int)Math.Ceiling(Math.Sqrt(_realArcs)));
        _columnsPerBlock = Math.Max(1, (int)Math.Round((double)blockSize / _m));

        _parent[_root] = -1;
        _pred[_root] = -1;
        _thread[_root] = 0;
        _revThread[0] = _root;
        for (int u = 0; u < _nodes; u++)
        {
            _parent[u] = _root;
            _depth[u] = 1;
            _pred[u] = _realArcs + u;
            _thread[u] = u + 1;
            _revThread[u + 1] = u;
            bool isSupply = u < _m;
            // Sources send their mass to the root at cost 0; the root feeds targets at the artificial cost.
            _predUp[u] = isSupply;
            _predFlow[u] = isSupply ? supply[u] : demand[u - _m];
            _pi[u] = isSupply ? 0 : _artificialCost;
        }
        _thread[_nodes - 1] = _root;
        _revThread[_root] = _nodes - 1;
    }

    /// <summary>Pivots until no arc prices out, the limit or the token; returns how it stopped.</summary>
    /// <param name="maxPivots">The pivot limit.</param>
    /// <param name="cancellationToken">Checked once per pivot.</param>
    /// <param name="progress">Null, or receives one report per pivot (objective NaN, residual −reduced cost of the entering arc).</param>
    /// <param name="pivots">Pivots made.</param>
    public NetworkSimplexOutcome Run(int maxPivots, CancellationToken cancellationToken, IProgress<Optimization.IterationProgress>? progress, out int pivots)
    {
        pivots = 0;
        while (true)
        {
            int entering = FindEnteringArc(out double reducedCost);
            if (entering < 0) return NetworkSimplexOutcome.Optimal;
            if (pivots >= maxPivots) return NetworkSimplexOutcome.PivotLimit;
            if (cancellationToken.IsCancellationRequested) return NetworkSimplexOutcome.Cancelled;
            Pivot(entering, reducedCost);
            pivots++;
            progress?.Report(new Optimization.IterationProgress(pivots, double.NaN, -reducedCost));
        }
    }

    /// <summary>The block search: the most negative significant reduced cost of the first block of columns that has one, or −1.</summary>
    private int FindEnteringArc(out double reducedCost)
    {
        double min = 0;
        int best = -1, inBlock = 0;
        for (int scanned = 0; scanned < _n; scanned++)
        {
            int j = _nextColumn;
            _nextColumn = j + 1 == _n ? 0 : j + 1;
            ColumnMinimum(j, ref min, ref best);
            if (++inBlock == _columnsPerBlock || scanned == _n - 1)
            {
                inBlock = 0;
                if (best < 0) continue;
                int bi = best % _m, bj = _m + best / _m;
                if (min < -PricingEpsilon * (Math.Abs(_cost[best]) + Math.Abs(_pi[bi]) + Math.Abs(_pi[bj])))
                {
                    reducedCost = min;
                    return best;
                }
                min = 0;
                best = -1;
            }
        }
        reducedCost = 0;
        return -1;
    }

    /// <summary>
    /// Lowers (min, best) to column j's smallest reduced cost over arcs outside the tree. The SIMD
    /// pass takes min over all i of cᵢⱼ + πᵢ (tree arcs included: their reduced cost is 0 up to
    /// rounding); only when the winner is a tree or excluded arc is the column rescanned with the mask.
    /// </summary>
    private void ColumnMinimum(int j, ref double min, ref int best)
    {
        int m = _m;
        double* column = _cost + (long)j * m;
        double piJ = _pi[m + j];
        double low;
        fixed (double* pi = _pi)
        {
            int i = 0;
            var lowest = Vector256.Create(double.PositiveInfinity);
            if (Vector256.IsHardwareAccelerated)
                for (; i + 4 <= m; i += 4) lowest = Vector256.Min(lowest, Vector256.Load(column + i) + Vector256.Load(pi + i));
            low = Math.Min(Math.Min(lowest[0], lowest[1]), Math.Min(lowest[2], lowest[3]));
            for (; i < m; i++) low = Math.Min(low, column[i] + pi[i]);
            if (!(low - piJ < min)) return;
            int at = 0;
            while (column[at] + pi[at] != low) at++;
            long arc = (long)j * m + at;
            if (_state[arc] != Tree)
            {
                min = low - piJ;
                best = (int)arc;
                return;
            }
            for (at = 0; at < m; at++)
            {
                double c = column[at] + pi[at] - piJ;
                if (c < min && _state[(long)j * m + at] != Tree) { min = c; best = j * m + at; }
            }
        }
    }

    /// <summary>One pivot on <paramref name="entering"/> (source s, target t), whose reduced cost is negative.</summary>
    private void Pivot(int entering, double reducedCost)
    {
        int s = entering % _m, t = _m + entering / _m;
        int join = FindJoin(s, t);

        // Flow rises along s → t. Walking up from s the cycle runs against each tree arc, so arcs
        // pointing up (u → parent) lose flow; walking up from t it runs with them, so arcs pointing
        // down lose flow. Strict < on the s side and ≤ on the t side pick the last blocking arc in
        // the cycle's direction from the apex: Cunningham's strongly feasible rule.
        double delta = double.PositiveInfinity;
        int leaving = -1;
        bool onSourceSide = false;
        for (int u = s; u != join; u = _parent[u])
            if (_predUp[u] && _predFlow[u] < delta) { delta = _predFlow[u]; leaving = u; onSourceSide = true; }
        for (int u = t; u != join; u = _parent[u])
            if (!_predUp[u] && _predFlow[u] <= delta) { delta = _predFlow[u]; leaving = u; onSourceSide = false; }
        if (leaving < 0) throw new InvalidOperationException("The transportation network has no blocking arc on a cycle (unreachable for positive masses).");

        if (delta > 0)
        {
            for (int u = s; u != join; u = _parent[u]) _predFlow[u] += _predUp[u] ? -delta : delta;
            for (int u = t; u != join; u = _parent[u]) _predFlow[u] += _predUp[u] ? delta : -delta;
        }
        int leavingArc = _pred[leaving];
        if (leavingArc < _realArcs) _state[leavingArc] = Lower;
        _state[entering] = Tree;

        // The subtree under the leaving arc holds the entering arc's end on the same side.
        int uIn = onSourceSide ? s : t, vIn = onSourceSide ? t : s;
        // After the pivot the entering arc has zero reduced cost: shift the subtree's potentials.
        double shift = uIn == t ? reducedCost : -reducedCost;
        MoveSubtree(leaving, uIn, vIn, entering, uIn == s, delta, shift);
    }

    /// <summary>The apex of the cycle: the lowest common ancestor of s and t.</summary>
    private int FindJoin(int s, int t)
    {
        while (s != t)
        {
            if (_depth[s] > _depth[t]) s = _parent[s];
            else if (_depth[t] > _depth[s]) t = _parent[t];
            else { s = _parent[s]; t = _parent[t]; }
        }
        return s;
    }

    /// <summary>
    /// Detaches the subtree rooted at <paramref name="top"/> (its arc to the parent has left),
    /// re-roots it at <paramref name="uIn"/>, hangs it under <paramref name="vIn"/> by
    /// <paramref name="arc"/> (carrying <paramref name="flow"/>), re-threads it and shifts its potentials.
    /// </summary>
    private void MoveSubtree(int top, int uIn, int vIn, int arc, bool arcPointsUp, double flow, double shift)
    {
        // Reverse the stem uIn → … → top: each node's parent becomes the node below it.
        int child = uIn, newParent = vIn, newArc = arc;
        bool up = arcPointsUp;
        double newFlow = flow;
        while (true)
        {
            int oldParent = _parent[child], oldArc = _pred[child];
            bool oldUp = _predUp[child];
            double oldFlow = _predFlow[child];
            _parent[child] = newParent;
            _pred[child] = newArc;
            _predUp[child] = up;
            _predFlow[child] = newFlow;
            if (child == top) break;
            newParent = child;
            newArc = oldArc;
            up = !oldUp;
            newFlow = oldFlow;
            child = oldParent;
        }

        // One walk over the old subtree, the thread segment from top while the (old) depth stays
        // below top's: it builds the children lists under the new parents and unlinks the segment.
        // A child list is valid only under this move's stamp, so no pass clears them first.
        int stamp = ++_moves, topDepth = _depth[top], before = _revThread[top], after;
        for (int x = top; ; )
        {
            if (x != uIn)
            {
                int p = _parent[x];
                if (_stamp[p] != stamp) { _stamp[p] = stamp; _firstChild[p] = -1; }
                _nextSibling[x] = _firstChild[p];
                _firstChild[p] = x;
            }
            int next = _thread[x];
            if (_depth[next] <= topDepth) { after = next; break; }
            x = next;
        }
        _thread[before] = after;
        _revThread[after] = before;

        // One depth-first pass gives the new preorder, depths and potentials.
        int succ = _thread[vIn], depth = 0, previous = vIn;
        _stack[depth++] = uIn;
        while (depth > 0)
        {
            int x = _stack[--depth];
            _depth[x] = _depth[_parent[x]] + 1;
            _pi[x] += shift;
            _thread[previous] = x;
            _revThread[x] = previous;
            previous = x;
            if (_stamp[x] == stamp)
                for (int c = _firstChild[x]; c >= 0; c = _nextSibling[c]) _stack[depth++] = c;
        }
        // The segment goes right after vIn, before vIn's old successor.
        _thread[previous] = succ;
        _revThread[succ] = previous;
    }

    /// <summary>
    /// Recomputes the flow of every tree arc from the masses alone, leaves first (each arc carries
    /// the net mass of the subtree below it), so the plan owes nothing to rounding accumulated over
    /// the pivots. Negative rounding residues are set to 0; they show in the marginal violation.
    /// </summary>
    public void RecomputeFlows(ReadOnlySpan<double> supply, ReadOnlySpan<double> demand)
    {
        var excess = new double[_nodes + 1];
        for (int u = 0; u < _m; u++) excess[u] = supply[u];
        for (int j = 0; j < _n; j++) excess[_m + j] = -demand[j];
        for (int x = _revThread[_root]; x != _root; x = _revThread[x])
        {
            double f = _predUp[x] ? excess[x] : -excess[x];
            _predFlow[x] = Math.Max(f, 0);
            excess[_parent[x]] += excess[x];
        }
    }

    /// <summary>The real tree arcs with positive flow, as (row, column, flow), in node order.</summary>
    public List<(int Row, int Column, double Flow)> PositiveArcs()
    {
        var arcs = new List<(int, int, double)>(_nodes);
        for (int u = 0; u < _nodes; u++)
        {
            int e = _pred[u];
            if (e < _realArcs && _predFlow[u] > 0) arcs.Add((e % _m, e / _m, _predFlow[u]));
        }
        return arcs;
    }

    /// <summary>
    /// The node potentials recomputed from the tree (π_root = 0, zero reduced cost on every tree
    /// arc), in the scaled costs: reduced cost of arc i → j is c_ij + π_i − π_j.
    /// </summary>
    public double[] Potentials()
    {
        var pi = new double[_nodes + 1];
        for (int x = _thread[_root]; x != _root; x = _thread[x])
        {
            int e = _pred[x];
            double c = e < _realArcs ? _cost[e] : x < _m ? 0 : _artificialCost;
            pi[x] = _predUp[x] ? pi[_parent[x]] - c : pi[_parent[x]] + c;
        }
        return pi;
    }
}
