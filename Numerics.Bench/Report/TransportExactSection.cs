using MathNet.Numerics.LinearAlgebra;
using Numerics.Bench.Problems;
using Numerics.Transport;

namespace Numerics.Bench.Report;

/// <summary>
/// The transport baselines on point-cloud problems: the exact network simplex (the reference, its
/// certificate shown) and log-domain Sinkhorn at ε = 0.05 with POT's defaults, whose cost is compared
/// with the exact one. POT's figures on the same problems come from <c>compare_ot.py</c>.
/// </summary>
internal sealed class TransportExactSection : IReportSection
{
    /// <summary>ε of the Sinkhorn rows: the default of compare_ot.py, on costs scaled to max 1.</summary>
    private const double Epsilon = 0.05;

    /// <summary>γ of the quadratic rows: compare_ot.py's default for POT's l2 semi-dual.</summary>
    private const double QuadraticGamma = 0.1;

    private static readonly int[] Smoke = [200], Full = [500, 1000, 2000];

    /// <inheritdoc />
    public string Name => "transport-exact";

    /// <inheritdoc />
    public string Description => "exact OT (network simplex) and log-domain Sinkhorn on point clouds; POT's times from compare_ot.py";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine("## Transport baselines (host, double)");
        w.WriteLine();
        var table = new ReportTable("n", "problem", "method", "seconds", "iterations", "status", "cost", "cost − exact", "marginal violation", "dual violation");
        foreach (int n in context.Sizes(Smoke, Full))
        {
            var (a, b, cost, source) = TransportComparisonProblems.PointClouds(n);
            ExactTransportResult exact = null!;
            double tExact = Timing.Best(() => exact = ExactTransport.Solve(a, b, cost, n, n), 2, budgetSeconds: 10);
            table.Add(n, source, "ExactTransport", tExact, exact.Iterations, exact.Status, exact.Cost, 0.0,
                exact.Certificate.MarginalViolation, exact.Certificate.DualViolation);

            SinkhornResult sinkhorn = null!;
            double tSinkhorn = Timing.Best(() => sinkhorn = SinkhornTransport.Solve(a, b, cost, n, n, Epsilon), 1, budgetSeconds: 10);
            table.Add(n, source, $"Sinkhorn ε = {Epsilon}", tSinkhorn, sinkhorn.Iterations, sinkhorn.Status, sinkhorn.Cost, sinkhorn.Cost - exact.Cost,
                Math.Max(sinkhorn.RowMarginalError, sinkhorn.ColumnMarginalError), double.NaN);

            // The quadratically regularised semi-dual (k = m) that POT's smooth_ot_semi_dual(reg_type='l2') solves,
            // at compare_ot.py's γ; its tolerance bounds the total marginal error.
            var problem = TransportProblem.Create(Matrix<double>.Build.Dense(n, n, cost), Vector<double>.Build.Dense(a), Vector<double>.Build.Dense(b));
            SparseTransportResult quadratic = null!;
            double tQuadratic = Timing.Best(() => quadratic = SparseTransport.Solve(problem, n, new SparseTransportOptions { Gamma = QuadraticGamma, Tolerance = 1e-6 }), 1, budgetSeconds: 10);
            table.Add(n, source, $"quadratic semi-dual γ = {QuadraticGamma}", tQuadratic, quadratic.Iterations, quadratic.Status, quadratic.Cost, quadratic.Cost - exact.Cost,
                Math.Max(quadratic.RowMarginalError, quadratic.ColumnMarginalError), double.NaN);
        }
        w.WriteLine($"Problems: {(Environment.GetEnvironmentVariable(TransportComparisonProblems.FolderVariable) is { Length: > 0 } f ? f : "built-in (set " + TransportComparisonProblems.FolderVariable + " to compare_ot.py's folder for POT's problems)")}. " +
            "Exact: pivots, marginal/dual violation recomputed (max); Sinkhorn: iterations, ‖·‖₂ marginal errors; quadratic: L-BFGS iterations to a total marginal error of 1e-6, max of the ℓ1 row and column errors. POT: python3 Numerics.Bench/compare_ot.py.");
        w.WriteLine();
        table.Write(w);
    }
}
