using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Testing;
using Numerics.Transport;

namespace Numerics.Core.Tests.Transport;

/// <summary>
/// The certificates of <see cref="SparseTransport"/>: the dual value is a lower bound on the optimum
/// P_k, a certified gap comes only with a feasible plan and bounds the true gaps on both sides, and
/// the uncertified estimate is what its name says.
/// </summary>
public class DualityGapTests
{
    /// <summary>
    /// P* of QR-OT from Dykstra's plan after 5000 sweeps: the plan is within about 1e-12 of the optimum
    /// (see SparseTransportTests.PlanAgreement), and the objective, Lipschitz with constant
    /// max|C| + γ·max T ≤ 2 here, within a few 1e-12 summed over the cells; 1e-10 leaves a factor 10.
    /// </summary>
    private const double DykstraValue = 1e-10;

    /// <summary>
    /// Values of O(1) computed as sums of at most a few hundred products: each within about 100·u of
    /// its exact value; 1e-13 bounds the rounding of a difference of two such values.
    /// </summary>
    private const double ValueRounding = 1e-13;

    [Theory]
    [InlineData(TransportFormulation.SemiDual, 5, 6, 21, 0.5)]
    [InlineData(TransportFormulation.SemiDual, 9, 7, 22, 0.05)]
    [InlineData(TransportFormulation.Dual, 5, 6, 23, 0.5)]
    [InlineData(TransportFormulation.Dual, 8, 8, 24, 0.2)]
    public void QuadraticGapIsACertificateAgainstDykstrasOptimum(TransportFormulation formulation, int m, int n, int seed, double gamma)
    {
        var (c, a, b) = TransportReference.RandomProblem(m, n, seed);
        var options = new SparseTransportOptions { Gamma = gamma, Formulation = formulation };
        var r = QuadraticTransport.Solve(c, a, b, options);
        Assert.Equal(SolverStatus.Converged, r.Status);
        var reference = TransportReference.QuadraticPlanByDykstra(c, a.ToArray(), b.ToArray(), gamma, 5000);
        double optimum = reference.PointwiseMultiply(c).Enumerate().Sum() + 0.5 * gamma * reference.PointwiseMultiply(reference).Enumerate().Sum();

        Assert.NotNull(r.FeasiblePlan);
        Assert.NotNull(r.DualityGap);
        Assert.Equal(FeasiblePlanSource.Rounded, r.FeasiblePlan.Source);
        double gap = r.DualityGap.Value, upper = r.UpperBound!.Value;
        Assert.Equal(upper - r.DualValue, gap);
        // Weak duality below, feasibility above: both true gaps lie inside the certified one.
        Assert.True(r.DualValue <= optimum + DykstraValue, $"dual {r.DualValue} above the optimum {optimum}");
        Assert.True(upper >= optimum - DykstraValue, $"upper bound {upper} below the optimum {optimum}");
        Assert.True(gap >= 0, $"gap {gap}");
        Assert.True(gap >= (upper - optimum) - DykstraValue && gap >= (optimum - r.DualValue) - DykstraValue);
        // And it is tight: by Fenchel's equality the returned plan's value exceeds the dual by ⟨x, ∇f⟩ ≤ ‖x‖∞·τ,
        // and the rounding moves at most 2τ of mass (AWR Lemma 7), each unit changing the value by at
        // most max|C| + γ·2·max entry.
        double tau = SparseTransportOptions.DefaultTolerance;
        double potentials = Math.Max(r.Alpha.InfinityNorm(), r.Beta?.InfinityNorm() ?? 0);
        double entry = Math.Max(r.Plan.Values.ToArray().Max(), r.FeasiblePlan.Plan.Values.ToArray().Max());
        Assert.True(gap <= tau * (potentials + 2 * (c.Enumerate().Max(Math.Abs) + 2 * gamma * entry)) + ValueRounding, $"gap {gap}");
        // The feasible plan is feasible; the estimate is the unrounded plan's difference, and named so.
        Assert.True(r.FeasiblePlan.RowMarginalError + r.FeasiblePlan.ColumnMarginalError <= FeasibleTransportPlan.FeasibilityTolerance(m, n));
        Assert.Equal(r.RegularizedCost - r.DualValue, r.GapEstimate);
    }

    /// <summary>
    /// A k = 1 problem whose sparse primal is feasible: dyadic masses b that the planted assignment σ
    /// sums exactly to a, and costs below 0.1 on σ and above 1 elsewhere, so σ is the unique exact
    /// optimum and P₁ = ⟨T_σ, C⟩ + (γ/2)‖b‖².
    /// </summary>
    private static (Matrix<double> C, Vector<double> A, Vector<double> B, int[] Sigma) PlantedOneSparse(int seed)
    {
        int[] sigma = [0, 0, 1, 2, 1, 2];
        var b = Vector<double>.Build.Dense([0.125, 0.125, 0.125, 0.125, 0.25, 0.25]);
        var a = Vector<double>.Build.Dense(3);
        for (int j = 0; j < 6; j++) a[sigma[j]] += b[j];
        var rng = new System.Random(seed);
        var c = Matrix<double>.Build.Dense(3, 6, (i, j) => i == sigma[j] ? 0.1 * rng.NextDouble() : 1 + rng.NextDouble());
        return (c, a, b, sigma);
    }

    /// <summary>P₁ by enumerating all m^n assignments of columns to rows whose row sums meet a (exactly: dyadic masses).</summary>
    private static double OneSparseOptimum(Matrix<double> c, Vector<double> a, Vector<double> b, double gamma)
    {
        int m = c.RowCount, n = c.ColumnCount;
        double best = double.PositiveInfinity;
        var assignment = new int[n];
        for (long code = 0; code < (long)Math.Pow(m, n); code++)
        {
            long rest = code;
            for (int j = 0; j < n; j++) { assignment[j] = (int)(rest % m); rest /= m; }
            var rows = new double[m];
            double cost = 0;
            for (int j = 0; j < n; j++) { rows[assignment[j]] += b[j]; cost += b[j] * c[assignment[j], j]; }
            if (Enumerable.Range(0, m).All(i => rows[i] == a[i])) best = Math.Min(best, cost);
        }
        return best + 0.5 * gamma * b.DotProduct(b);
    }

    [Theory]
    [InlineData(1, 1.0)]
    [InlineData(2, 0.1)]
    [InlineData(3, 0.01)]
    public void OneSparseGapIsCertifiedAgainstEnumeration(int seed, double gamma)
    {
        var (c, a, b, _) = PlantedOneSparse(seed);
        var r = SparseTransport.Solve(c, a, b, 1, new SparseTransportOptions { Gamma = gamma });
        double optimum = OneSparseOptimum(c, a, b, gamma);
        var exact = ExactTransport.Solve(a.ToArray(), b.ToArray(), c);
        // The exact optimum is the planted assignment, so P₁ is the exact cost plus (γ/2)‖b‖².
        Assert.Equal(exact.Cost + 0.5 * gamma * b.DotProduct(b), optimum, ValueRounding);

        Assert.True(r.DualValue <= optimum + ValueRounding);
        Assert.NotNull(r.DualityGap);
        var feasible = r.FeasiblePlan!;
        Assert.True(feasible.Plan.MaxNonZerosPerColumn() <= 1);
        double gap = r.DualityGap.Value;
        Assert.True(feasible.RegularizedCost >= optimum - ValueRounding);
        Assert.True(gap >= -ValueRounding, $"gap {gap}");
        Assert.True(gap >= (feasible.RegularizedCost - optimum) - ValueRounding && gap >= (optimum - r.DualValue) - ValueRounding);
    }

    [Fact]
    public void NoGapIsCertifiedWhenNoOneSparsePlanIsFeasible()
    {
        // Dyadic b cannot sum to thirds: the 1-sparse primal is infeasible (P₁ = +∞), so no plan can be
        // certified, whatever the solver finds; the dual value still bounds the relaxation from below.
        var (c, _, b, _) = PlantedOneSparse(4);
        var a = Vector<double>.Build.Dense(3, 1.0 / 3);
        var r = SparseTransport.Solve(c, a, b, 1);
        Assert.Null(r.DualityGap);
        Assert.Null(r.FeasiblePlan);
        Assert.Null(r.UpperBound);
        Assert.Equal(r.RegularizedCost - r.DualValue, r.GapEstimate);
        var exact = ExactTransport.Solve(a.ToArray(), b.ToArray(), c);
        Assert.True(r.DualValue <= exact.Cost + 0.5 * b.DotProduct(b) + ValueRounding);
        // The returned plan is not feasible, and the estimate says only how its value compares:
        // Fenchel's equality per column makes it ⟨α, T·1 − a⟩.
        Assert.True(r.RowMarginalError > FeasibleTransportPlan.FeasibilityTolerance(3, 6));
        double fenchel = r.Alpha.DotProduct(Vector<double>.Build.Dense(r.Plan.RowSums()) - a);
        Assert.Equal(fenchel, r.GapEstimate, ValueRounding);
    }

    [Theory]
    [InlineData(TransportFormulation.SemiDual)]
    [InlineData(TransportFormulation.Dual)]
    public void AnyCertifiedSparseGapComesWithAFeasibleKSparsePlan(TransportFormulation formulation)
    {
        var (c, a, b) = TransportReference.RandomProblem(12, 10, 31);
        var options = new SparseTransportOptions { Gamma = 0.3, Formulation = formulation };
        for (int k = 1; k <= 12; k++)
        {
            var r = SparseTransport.Solve(c, a, b, k, options);
            Assert.Equal(r.RegularizedCost - r.DualValue, r.GapEstimate);
            Assert.Equal(r.FeasiblePlan is null, r.DualityGap is null);
            if (r.FeasiblePlan is not { } feasible)
            {
                Assert.True(k < 12, "k ≥ m always rounds to a feasible plan");
                continue;
            }
            Assert.True(feasible.Plan.MaxNonZerosPerColumn() <= k);
            var t = feasible.Plan.ToDense();
            Assert.True((t.RowSums() - a).L1Norm() + (t.ColumnSums() - b).L1Norm() <= FeasibleTransportPlan.FeasibilityTolerance(12, 10));
            Assert.Equal(t.PointwiseMultiply(c).Enumerate().Sum() + 0.15 * t.PointwiseMultiply(t).Enumerate().Sum(), feasible.RegularizedCost, Tolerances.Reduction);
            Assert.Equal(feasible.RegularizedCost - r.DualValue, r.DualityGap!.Value);
            Assert.True(r.DualityGap >= -ValueRounding);
        }
    }
}
