namespace Numerics.Core.Tests.Transport;

/// <summary>Seeded transport problems and independent reference computations for the transport tests.</summary>
internal static class TransportTestProblems
{
    /// <summary>A random probability vector; entries listed in <paramref name="zeros"/> are exactly 0.</summary>
    public static double[] Marginal(int length, int seed, params int[] zeros)
    {
        var rng = new System.Random(seed);
        var w = new double[length];
        for (int i = 0; i < length; i++) w[i] = zeros.Contains(i) ? 0 : 0.1 + rng.NextDouble();
        double sum = w.Sum();
        for (int i = 0; i < length; i++) w[i] /= sum;
        return w;
    }

    /// <summary>Random marginals (seeds seed, seed + 1) and a random cost (seed + 2) of shape m×n.</summary>
    public static (double[] A, double[] B, double[] Cost) Problem(int m, int n, int seed) => (Marginal(m, seed), Marginal(n, seed + 1), Cost(m, n, seed + 2));

    /// <summary>The uniform probability vector.</summary>
    public static double[] Uniform(int length) => Enumerable.Repeat(1.0 / length, length).ToArray();

    /// <summary>A column-major m×n cost with entries uniform in [0, 1).</summary>
    public static double[] Cost(int m, int n, int seed)
    {
        var rng = new System.Random(seed);
        var c = new double[m * n];
        for (int k = 0; k < c.Length; k++) c[k] = rng.NextDouble();
        return c;
    }

    /// <summary>A column-major m×n cost with integer entries in [0, levels): many ties and degenerate optima.</summary>
    public static double[] IntegerCost(int m, int n, int seed, int levels)
    {
        var rng = new System.Random(seed);
        var c = new double[m * n];
        for (int k = 0; k < c.Length; k++) c[k] = rng.Next(levels);
        return c;
    }

    /// <summary>Squared distances between points xᵢ and yⱼ on a line: a cost with a unique, monotone optimum.</summary>
    public static double[] SquaredDistances(double[] x, double[] y)
    {
        var c = new double[x.Length * y.Length];
        for (int j = 0; j < y.Length; j++)
            for (int i = 0; i < x.Length; i++) c[i + j * x.Length] = (x[i] - y[j]) * (x[i] - y[j]);
        return c;
    }

    /// <summary>
    /// The minimum of ⟨T, C⟩ over the transportation polytope by enumerating its vertices: every
    /// choice of m + n − 1 cells that forms a spanning tree of the bipartite graph determines one
    /// basic solution by leaf elimination; the feasible ones (all flows ≥ 0) are the vertices, and a
    /// linear function attains its minimum over a polytope at a vertex. For m·n ≤ 16 only.
    /// </summary>
    public static double BruteForceOptimalCost(double[] a, double[] b, double[] cost)
    {
        int m = a.Length, n = b.Length, cells = m * n, basis = m + n - 1;
        if (cells > 16) throw new ArgumentException("Brute force is for m·n ≤ 16.");
        double best = double.PositiveInfinity;
        for (int mask = 0; mask < 1 << cells; mask++)
        {
            if (System.Numerics.BitOperations.PopCount((uint)mask) != basis) continue;
            var flow = LeafElimination(a, b, mask);
            if (flow is null) continue;
            double total = 0;
            for (int k = 0; k < cells; k++) total += flow[k] * cost[k];
            best = Math.Min(best, total);
        }
        return best;
    }

    /// <summary>
    /// The basic solution on the cells of <paramref name="mask"/> (column-major cell k = i + j·m), or
    /// null when they do not form a spanning tree or the solution has a negative flow.
    /// </summary>
    private static double[]? LeafElimination(double[] a, double[] b, int mask)
    {
        int m = a.Length, n = b.Length;
        var rowLeft = (double[])a.Clone();
        var columnLeft = (double[])b.Clone();
        var open = new bool[m * n];
        for (int k = 0; k < m * n; k++) open[k] = (mask >> k & 1) != 0;
        var flow = new double[m * n];
        for (int step = 0; step < m + n - 1; step++)
        {
            int cell = -1;
            bool fromRow = false;
            // A row (or column) with exactly one open cell is a leaf: that cell carries its remaining mass.
            for (int i = 0; i < m && cell < 0; i++)
            {
                int only = -1, count = 0;
                for (int j = 0; j < n; j++) if (open[i + j * m]) { only = i + j * m; count++; }
                if (count == 1) { cell = only; fromRow = true; }
            }
            for (int j = 0; j < n && cell < 0; j++)
            {
                int only = -1, count = 0;
                for (int i = 0; i < m; i++) if (open[i + j * m]) { only = i + j * m; count++; }
                if (count == 1) cell = only;
            }
            if (cell < 0) return null; // a cycle: not a tree
            int r = cell % m, c = cell / m;
            double x = fromRow ? rowLeft[r] : columnLeft[c];
            flow[cell] = x;
            rowLeft[r] -= x;
            columnLeft[c] -= x;
            open[cell] = false;
        }
        const double Rounding = 1e-14; // masses are O(1): a few roundings of their differences
        foreach (double x in rowLeft) if (Math.Abs(x) > Rounding) return null; // a forest that misses a node
        foreach (double x in columnLeft) if (Math.Abs(x) > Rounding) return null;
        foreach (double x in flow) if (x < -Rounding) return null;
        return flow;
    }
}
