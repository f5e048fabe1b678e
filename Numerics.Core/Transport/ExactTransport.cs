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
/// tightest feasible potentials afterwards. The costs are scaled by a power of two to max |c| ∈ [½, 1)
/// (exact), so the pricing thresholds and the artificial cost are scale-free. Degenerate pivots
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
        return SolveValidated(a, b, cost, rows, columns, null, options);
    }

    /// <summary>The solve on validated input; <paramref name="allowed"/> (null: all) keeps cells out of the network.</summary>
    internal static ExactTransportResult SolveValidated(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> cost, int m, int n,
        bool[]? allowed, ExactTransportOptions options)
    {
        double sumA = Sum(a), sumB = Sum(b);
        // b is rescaled to a's total, as POT does, so the network is balanced up to one rounding.
        var bSolved = new double[n];
        for (int j = 0; j < n; j++) bSolved[j] = b[j] * (sumA / sumB);

        var rowsKept = TransportInput.PositiveIndices(a);
        var columnsKept = TransportInput.PositiveIndices(bSolved);
        int mk = rowsKept.Length, nk = columnsKept.Length;
        double maxAbs = TransportInput.MaxAbs(cost);
        // A power of two, so the scaling is exact: max |c|·2⁻ᵉ lies in [½, 1).
        int exponent = maxAbs > 0 ? Math.ILogB(maxAbs) + 1 : 0;
        var scaled = new double[(long)mk * nk];
        bool[]? allowedKept = allowed is null ? null : new bool[scaled.Length];
        for (int jj = 0; jj < nk; jj++)
        {
            int j = columnsKept[jj];
            for (int ii = 0; ii < mk; ii++)
            {
                int i = rowsKept[ii];
                scaled[ii + (long)jj * mk] = Math.ScaleB(cost[i + j * m], -exponent);
                if (allowedKept is not null) allowedKept[ii + jj * mk] = allowed![i + j * m];
            }
        }
        var supply = Gather(a, rowsKept);
        var demand = Gather(bSolved, columnsKept);

        var simplex = new NetworkSimplex(supply, demand, scaled, allowedKept);
        int limit = options.MaxIterations ?? ExactTransportOptions.DefaultMaxIterations(m, n);
        var outcome = simplex.Run(limit, options.CancellationToken, options.Progress, out int pivots);
        simplex.RecomputeFlows(supply, demand);

        var entries = simplex.PositiveArcs().ConvertAll(x => (rowsKept[x.Row], columnsKept[x.Column], x.Flow));
        var plan = CoordinatePlan.FromTriples(m, n, entries);
        var (u, v) = Potentials(simplex.Potentials(), rowsKept, columnsKept, exponent, cost, m, n);
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
        return new ExactTransportResult(plan, u, v, plan.Cost(cost), dual, status, pivots, certificate, sumB - sumA);
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
