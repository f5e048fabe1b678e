namespace Numerics.Transport;

/// <summary>
/// How far a plan T and dual potentials (u, v) are from an exact optimal-transport solution,
/// recomputed from T, u, v and C alone. All four vanish exactly at an optimum (LP duality):
/// T is feasible, (u, v) is dual feasible, and T lives where the dual constraint is tight.
/// </summary>
/// <param name="RowMarginalViolation">maxᵢ |Σⱼ Tᵢⱼ − aᵢ|.</param>
/// <param name="ColumnMarginalViolation">maxⱼ |Σᵢ Tᵢⱼ − bⱼ|.</param>
/// <param name="DualViolation">max over all (i, j) of max(0, uᵢ + vⱼ − cᵢⱼ): dual feasibility.</param>
/// <param name="SlacknessViolation">max over stored entries of T of |cᵢⱼ − uᵢ − vⱼ|: complementary slackness.</param>
public sealed record TransportCertificate(double RowMarginalViolation, double ColumnMarginalViolation, double DualViolation, double SlacknessViolation)
{
    /// <summary>The larger of the two marginal violations.</summary>
    public double MarginalViolation => Math.Max(RowMarginalViolation, ColumnMarginalViolation);

    /// <summary>
    /// True when the marginal violations are at most <paramref name="tolerance"/> and the dual and
    /// slackness violations at most <paramref name="tolerance"/>·<paramref name="costScale"/> (NaN fails).
    /// </summary>
    public bool Holds(double tolerance, double costScale) =>
        MarginalViolation <= tolerance && DualViolation <= tolerance * costScale && SlacknessViolation <= tolerance * costScale;

    /// <summary>The certificate of <paramref name="plan"/> and (u, v) on the column-major cost.</summary>
    internal static TransportCertificate Compute(CoordinatePlan plan, ReadOnlySpan<double> a, ReadOnlySpan<double> b,
        double[] u, double[] v, ReadOnlySpan<double> cost)
    {
        int m = plan.Rows;
        double slack = 0;
        for (int k = 0; k < plan.Count; k++)
        {
            int i = plan.RowIndices[k], j = plan.ColumnIndices[k];
            slack = Max(slack, Math.Abs(cost[i + j * m] - u[i] - v[j]));
        }
        return new TransportCertificate(MaxDifference(plan.RowSums(), a), MaxDifference(plan.ColumnSums(), b), MaxDualViolation(u, v, cost), slack);
    }

    /// <summary>max(0, max over (i, j) of uᵢ + vⱼ − cᵢⱼ); a maximum does not depend on the order, so columns run in parallel.</summary>
    internal static double MaxDualViolation(double[] u, double[] v, ReadOnlySpan<double> cost)
    {
        int m = u.Length, n = v.Length;
        var perColumn = new double[n];
        unsafe
        {
            fixed (double* c = cost)
            {
                var p = (nint)c;
                Parallel.For(0, n, j =>
                {
                    var column = new ReadOnlySpan<double>((double*)p + (long)j * m, m);
                    double worst = 0, vj = v[j];
                    for (int i = 0; i < m; i++) worst = Max(worst, u[i] + vj - column[i]);
                    perColumn[j] = worst;
                });
            }
        }
        double result = 0;
        foreach (double x in perColumn) result = Max(result, x);
        return result;
    }

    private static double MaxDifference(double[] sums, ReadOnlySpan<double> target)
    {
        double worst = 0;
        for (int i = 0; i < sums.Length; i++) worst = Max(worst, Math.Abs(sums[i] - target[i]));
        return worst;
    }

    /// <summary>A maximum that keeps NaN (Math.Max does too, but says so here once).</summary>
    private static double Max(double x, double y) => double.IsNaN(y) ? y : Math.Max(x, y);
}
