using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Exact (unregularised) optimal transport: min ⟨T, C⟩ over T ≥ 0 with T·1 = a and Tᵀ·1 = b, by the
/// primal network simplex with block-search pricing (the algorithm behind POT's <c>ot.emd</c>),
/// with dual potentials and a recomputed optimality certificate.
/// </summary>
/// <remarks>
/// <para>
/// Zero masses are taken out of the network before the solve (they carry no flow) and get the
/// tightest feasible potentials afterwards. The pivots read C in place when every mass is positive and
/// max |c| lies in [2⁻⁴⁰⁰, 2⁴⁰⁰]; otherwise a compacted copy, scaled by a power of two to max |c| ∈ [½, 1)
/// (exact). The pricing thresholds are relative, so nothing depends on the units. Degenerate pivots
/// cannot cycle (strongly feasible bases, see the network simplex's remarks).
/// </para>
/// <para>
/// The status is earned after the loop: the plan's flows are recomputed from the masses on the final
/// basis, the potentials from the costs on it, and the certificate (marginal, dual-feasibility and
/// complementary-slackness violations, <see cref="TransportCertificate"/>) is evaluated on the
/// original costs. <see cref="SolverStatus.Converged"/> means it holds at the tolerance.
/// </para>
/// </remarks>
public static class ExactTransport
{
    /// <summary>Solves exact OT for marginals a (length m), b (length n) and an m×n cost matrix.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">See <see cref="Solve(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, int, ExactTransportOptions?)"/>.</exception>
    public static ExactTransportResult Solve(double[] a, double[] b, Matrix<double> cost, ExactTransportOptions? options = null)
    {
        return Solve(a, b, TransportInput.ColumnMajorCost(a, b, cost), a.Length, b.Length, options);
    }

    /// <summary>Solves exact OT for a column-major rows×columns cost held in a span.</summary>
    /// <param name="a">Source masses (length rows): non-negative, finite, summing to 1 within <see cref="TransportInput.MassTolerance"/>.</param>
    /// <param name="b">Target masses (length columns), likewise.</param>
    /// <param name="cost">cᵢⱼ at index i + j·rows; finite.</param>
    /// <param name="rows">m.</param>
    /// <param name="columns">n.</param>
    /// <param name="options">Tolerance, pivot limit, cancellation, progress; null for the defaults.</param>
    /// <exception cref="ArgumentException">Lengths that do not match, NaN or infinity, negative masses, sums off 1, bad options.</exception>
    public static ExactTransportResult Solve(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> cost, int rows, int columns,
        ExactTransportOptions? options = null)
    {
        options ??= new ExactTransportOptions();
        options.Validate(nameof(options));
        TransportInput.RequireProblem(a, b, cost, rows, columns);
        var (an, bn, mass) = TransportInput.Normalize(a, b);
        return SolveValidated(an, bn, mass, cost, rows, columns, null, options);
    }

    /// <summary>
    /// The solve on validated, normalised marginals (<see cref="TransportInput.Normalize"/>);
    /// <paramref name="mass"/> is the input's totals, reported as they are; <paramref name="allowed"/>
    /// (null: all) keeps cells out of the network.
    /// </summary>
    internal static ExactTransportResult SolveValidated(ReadOnlySpan<double> a, ReadOnlySpan<double> b, InputMass mass, ReadOnlySpan<double> cost, int m, int n,
        bool[]? allowed, ExactTransportOptions options)
    {
        double sumA = Sum(a), sumB = Sum(b);
        // Both marginals sum to 1 up to rounding; b is rescaled to a's computed total so that the
        // network is balanced up to one rounding (the change is at rounding level).
        var bSolved = new double[n];
        for (int j = 0; j < n; j++) bSolved[j] = b[j] * (sumA / sumB);

        var rowsKept = TransportInput.PositiveIndices(a);
        var columnsKept = TransportInput.PositiveIndices(bSolved);
        int mk = rowsKept.Length, nk = columnsKept.Length;
        double maxAbs = TransportInput.MaxAbs(cost);
        // Inside [2⁻⁴⁰⁰, 2⁴⁰⁰] the pivots run on C itself; outside, on C·2⁻ᵉ with max |c| ∈ [½, 1)
        // (a power of two: exact), so the artificial cost and the potentials neither overflow nor underflow.
        int exponent = maxAbs > 0 && Math.ILogB(maxAbs) is < -400 or >= 400 ? Math.ILogB(maxAbs) + 1 : 0;
        bool compact = mk < m || nk < n;
        double[]? copy = compact || exponent != 0 ? ScaledKeptCost(cost, m, rowsKept, columnsKept, exponent) : null;
        bool[]? allowedKept = null;
        if (allowed is not null)
        {
            allowedKept = new bool[(long)mk * nk];
            for (int jj = 0; jj < nk; jj++)
                for (int ii = 0; ii < mk; ii++) allowedKept[ii + jj * mk] = allowed[rowsKept[ii] + columnsKept[jj] * m];
        }
        var supply = Gather(a, rowsKept);
        var demand = Gather(bSolved, columnsKept);

        NetworkSimplexOutcome outcome;
        int pivots;
        List<(int Row, int Column, double Flow)> arcs;
        double[] pi;
        unsafe
        {
            fixed (double* original = cost)
            fixed (double* copied = copy)
            {
                // The simplex reads the costs through this pointer only inside this block.
                var simplex = new NetworkSimplex(supply, demand, copy is null ? original : copied, Math.ScaleB(maxAbs, -exponent), allowedKept);
                int limit = options.MaxIterations ?? ExactTransportOptions.DefaultMaxIterations(m, n);
                outcome = simplex.Run(limit, options.CancellationToken, options.Progress, out pivots);
                simplex.RecomputeFlows(supply, demand);
                arcs = simplex.PositiveArcs();
                pi = simplex.Potentials();
            }
        }
        var entries = arcs.ConvertAll(x => (rowsKept[x.Row], columnsKept[x.Column], x.Flow));
        var plan = CoordinatePlan.FromTriples(m, n, entries);
        var (u, v) = Potentials(pi, rowsKept, columnsKept, exponent, cost, m, n);
        Center(u, v, a, bSolved);

        var certificate = TransportCertificate.Compute(plan, a, bSolved, u, v, cost);
        double tolerance = options.Tolerance ?? ExactTransportOptions.DefaultTolerance;
        double costScale = maxAbs > 0 ? maxAbs : 1;
        double dual = SpanArithmetic.Dot<double>(a, u) + SpanArithmetic.Dot<double>(bSolved, v);
        SolverStatus status = !double.IsFinite(dual) ? SolverStatus.Breakdown
            : certificate.Holds(tolerance, costScale) ? SolverStatus.Converged
            : outcome switch
            {
                NetworkSimplexOutcome.PivotLimit => SolverStatus.MaxIterations,
                NetworkSimplexOutcome.Cancelled => SolverStatus.Cancelled,
                _ => SolverStatus.Stalled,
            };
        return new ExactTransportResult(plan, u, v, plan.Cost(cost), dual, status, pivots, certificate, mass);
    }

    /// <summary>cᵢⱼ·2⁻ᵉ on the kept rows and columns, column-major; the power of two makes each product exact (or rounded as ScaleB rounds a subnormal).</summary>
    private static double[] ScaledKeptCost(ReadOnlySpan<double> cost, int m, int[] rowsKept, int[] columnsKept, int exponent)
    {
        int mk = rowsKept.Length, nk = columnsKept.Length;
        var scaled = new double[(long)mk * nk];
        if (exponent is < -1021 or > 1022)
        {
            // 2⁻ᵉ itself is not a normal double: scale element by element.
            for (int jj = 0; jj < nk; jj++)
                for (int ii = 0; ii < mk; ii++) scaled[ii + jj * mk] = Math.ScaleB(cost[rowsKept[ii] + columnsKept[jj] * m], -exponent);
            return scaled;
        }
        double factor = Math.ScaleB(1.0, -exponent);
        if (mk * nk == cost.Length)
        {
            System.Numerics.Tensors.TensorPrimitives.Multiply(cost, factor, scaled);
            return scaled;
        }
        for (int jj = 0; jj < nk; jj++)
        {
            var column = cost.Slice(columnsKept[jj] * m, m);
            for (int ii = 0; ii < mk; ii++) scaled[ii + jj * mk] = column[rowsKept[ii]] * factor;
        }
        return scaled;
    }

    /// <summary>
    /// u = −π and v = π (reduced cost cᵢⱼ − uᵢ − vⱼ), scaled back; zero-mass columns, then rows,
    /// get their tightest feasible values vⱼ = minᵢ(cᵢⱼ − uᵢ), uᵢ = minⱼ(cᵢⱼ − vⱼ).
    /// </summary>
    private static (double[] U, double[] V) Potentials(double[] pi, int[] rowsKept, int[] columnsKept, int exponent, ReadOnlySpan<double> cost, int m, int n)
    {
        var u = new double[m];
        var v = new double[n];
        var rowKnown = new bool[m];
        var columnKnown = new bool[n];
        for (int ii = 0; ii < rowsKept.Length; ii++)
        {
            u[rowsKept[ii]] = -Math.ScaleB(pi[ii], exponent);
            rowKnown[rowsKept[ii]] = true;
        }
        for (int jj = 0; jj < columnsKept.Length; jj++)
        {
            v[columnsKept[jj]] = Math.ScaleB(pi[rowsKept.Length + jj], exponent);
            columnKnown[columnsKept[jj]] = true;
        }
        for (int j = 0; j < n; j++)
        {
            if (columnKnown[j]) continue;
            double best = double.PositiveInfinity;
            for (int i = 0; i < m; i++) if (rowKnown[i]) best = Math.Min(best, cost[i + j * m] - u[i]);
            v[j] = best;
        }
        for (int i = 0; i < m; i++)
        {
            if (rowKnown[i]) continue;
            double best = double.PositiveInfinity;
            for (int j = 0; j < n; j++) best = Math.Min(best, cost[i + j * m] - v[j]);
            u[i] = best;
        }
        return (u, v);
    }

    /// <summary>POT's <c>center_ot_dual</c>: u + k, v − k with k = (b·v − a·u)/(Σa + Σb), so that a·u = b·v.</summary>
    private static void Center(double[] u, double[] v, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double k = (SpanArithmetic.Dot<double>(b, v) - SpanArithmetic.Dot<double>(a, u)) / (Sum(a) + Sum(b));
        for (int i = 0; i < u.Length; i++) u[i] += k;
        for (int j = 0; j < v.Length; j++) v[j] -= k;
    }

    private static double[] Gather(ReadOnlySpan<double> w, int[] indices)
    {
        var g = new double[indices.Length];
        for (int k = 0; k < indices.Length; k++) g[k] = w[indices[k]];
        return g;
    }

    private static double Sum(ReadOnlySpan<double> x)
    {
        double s = 0;
        foreach (double t in x) s += t;
        return s;
    }
}
