using Numerics.Bench.Problems;
using Numerics.Gpu;
using Numerics.Optimization;
using Numerics.Transport;

namespace Numerics.Bench.Report;

/// <summary>
/// Sparsity-constrained transport on the notebooks' 2-D point clouds: one objective evaluation
/// against one pass over C (the bandwidth floor of any evaluation, same run, same threads; on CUDA also
/// the device evaluation in double and float), then
/// full solves to a total marginal error of 1e-6 for k = 1, 2 and the quadratic baseline (k = m), and
/// on CUDA a k = 2 device solve; then batches of small routing problems solved at once against a
/// loop of single solves.
/// </summary>
internal sealed class TransportSection : IReportSection
{
    private static readonly int[] SmokeEvaluation = [300], FullEvaluation = [2000, 4000];
    private static readonly int[] SmokeSolve = [100], FullSolve = [500, 1000, 2000];

    /// <summary>Evaluations timed per row (best of).</summary>
    private const int Repetitions = 5;

    /// <summary>γ of every row: 1, the official code's default on a cost scaled to [0, 1].</summary>
    private const double Gamma = 1.0;

    /// <inheritdoc />
    public string Name => "transport";

    /// <inheritdoc />
    public string Description => "sparse-OT semi-dual/dual evaluation against one pass over C; full sparse and quadratic solves";

    /// <inheritdoc />
    public void Run(ReportContext context)
    {
        var w = context.Writer;
        w.WriteLine($"## Transport: sparsity-constrained OT (host, double, γ = {Gamma}, 2-D point clouds, C/max C)");
        w.WriteLine();
        var evaluation = new ReportTable("m = n", "evaluation", "seconds", "× one pass over C", "plan nnz");
        foreach (int n in context.Sizes(SmokeEvaluation, FullEvaluation))
        {
            var (c, a, b) = TransportProblems.PointClouds(n, n);
            var problem = TransportProblem.Create(c, a, b);
            var cost = c.ToColumnMajorArray();
            var alpha = TransportProblems.WarmPotentials(problem, TransportFormulation.SemiDual, Gamma);
            var maxima = new double[n];
            double pass = Timing.Best(() => TransportProblems.ColumnMaxima(cost, n, alpha, maxima), Repetitions);
            evaluation.Add(n, "one pass over C (baseline)", pass, 1.0, "");
            foreach (var (label, objective, x) in Objectives(problem, alpha, TransportProblems.WarmPotentials(problem, TransportFormulation.Dual, Gamma)))
            {
                var gradient = new double[x.Length];
                double t = Timing.Best(() => objective.Evaluate(x, gradient), Repetitions);
                evaluation.Add(n, label, t, t / pass, objective.Plan(x).EntryCount);
            }
            if (context.CudaDevice is { } cuda)
            {
                DeviceEvaluation<double>(cuda, problem, alpha, n, pass, evaluation);
                DeviceEvaluation<float>(cuda, problem, alpha, n, pass, evaluation);
            }
        }
        evaluation.Write(w);

        var solves = new ReportTable("m = n", "method", "seconds", "iterations", "evaluations", "status", "‖∇f‖₁", "Σ|T·1 − a|", "max nnz/col", "certified gap", "gap estimate");
        foreach (int n in context.Sizes(SmokeSolve, FullSolve))
        {
            var (c, a, b) = TransportProblems.PointClouds(n, n);
            var problem = TransportProblem.Create(c, a, b);
            // The tolerance bounds the total marginal error Σ|T·1 − a| + Σ|Tᵀ·1 − b|.
            var options = new SparseTransportOptions { Gamma = Gamma, Tolerance = 1e-6 };
            foreach (var (label, k, formulation) in new[] { ("k = 1, semi-dual", 1, TransportFormulation.SemiDual), ("k = 2, semi-dual", 2, TransportFormulation.SemiDual),
                         ("k = 2, dual", 2, TransportFormulation.Dual), ("quadratic (k = m), semi-dual", n, TransportFormulation.SemiDual) })
            {
                SparseTransportResult r = null!;
                double t = Timing.Best(() => r = SparseTransport.Solve(problem, k, options with { Formulation = formulation }), 1);
                solves.Add(n, label, t, r.Iterations, r.Evaluations, r.Status, r.Residual, r.RowMarginalError, r.MaxNonZerosPerColumn, Gap(r), r.GapEstimate);
            }
            if (context.CudaDevice is { } cuda)
            {
                SparseTransportResult r = null!;
                double t = Timing.Best(() => r = GpuSparseTransport.Solve<double>(cuda, problem, 2, options), 1);
                solves.Add(n, $"k = 2, semi-dual, {cuda.Name}", t, r.Iterations, r.Evaluations, r.Status, r.Residual, r.RowMarginalError, r.MaxNonZerosPerColumn, Gap(r), r.GapEstimate);
            }
        }
        w.WriteLine("Full solves from α = 0 to a total marginal error of 1e-6; non-convergence at small k (Stalled or MaxIterations) is the expected outcome (the dual is not smooth there). "
            + "The certified gap needs a feasible k-sparse plan (\"none\" without one); the estimate is the unrounded plan's value minus the dual value:");
        w.WriteLine();
        solves.Write(w);
        Batches(context);
    }

    /// <summary>The routing batches: (problems, experts m, tokens n, k), the smoke size first.</summary>
    private static readonly (int Count, int Experts, int Tokens, int K)[] SmokeBatches = [(16, 8, 64, 2)],
        FullBatches = [(256, 8, 64, 1), (256, 8, 64, 2), (64, 32, 256, 2)];

    /// <summary>
    /// Mixture-of-experts-like batches solved by <see cref="SparseTransport.SolveBatch(IReadOnlyList{TransportProblem}, int, SparseTransportOptions?)"/>
    /// against a loop of single solves of the same problems (the baseline, same run), and on CUDA on the
    /// device; every result of the batch is checked to be the single solve's, bit for bit.
    /// </summary>
    private static void Batches(ReportContext context)
    {
        var w = context.Writer;
        var table = new ReportTable("problems × (m × n)", "k", "method", "seconds", "× loop", "passes / evaluations", "most evaluations (one problem)", "converged", "same bits as the loop");
        var options = new SparseTransportOptions { Gamma = Gamma };
        foreach (var (count, experts, tokens, k) in context.Sizes(SmokeBatches, FullBatches))
        {
            var problems = TransportProblems.RoutingBatch(count, experts, tokens, 7);
            string shape = $"{count} × ({experts} × {tokens})";
            SparseTransportResult[] loop = null!;
            double tLoop = Timing.Best(() => loop = problems.Select(p => SparseTransport.Solve(p, k, options)).ToArray(), 2);
            int most = loop.Max(r => r.Evaluations);
            table.Add(shape, k, "loop of single solves (baseline)", tLoop, 1.0, loop.Sum(r => (long)r.Evaluations), most, loop.Count(r => r.Status == SolverStatus.Converged), "");
            SparseTransportBatchResult batch = null!;
            double tBatch = Timing.Best(() => batch = SparseTransport.SolveBatch(problems, k, options), 2);
            table.Add(shape, k, "SolveBatch (host)", tBatch, tBatch / tLoop, batch.Passes, most, batch.ConvergedCount, Same(loop, batch));
            if (context.CudaDevice is { } cuda)
            {
                double t = Timing.Best(() => batch = GpuSparseTransport.SolveBatch<double>(cuda, problems, k, options), 2);
                table.Add(shape, k, $"SolveBatch, double on {cuda.Name}", t, t / tLoop, batch.Passes, most, batch.ConvergedCount, "");
            }
        }
        w.WriteLine($"Batched routing problems (experts × tokens, C = −softmax(logits), balanced loads, γ = {Gamma}, tolerance 1e-6 per problem), against a loop of single solves: "
            + "on the host the batch solves its problems independently in parallel (passes 0); on a device one L-BFGS per problem runs in lockstep, one launch over the running problems' columns per pass, as many passes as the slowest problem takes evaluations:");
        w.WriteLine();
        table.Write(w);
    }

    /// <summary>Whether every batch result is the single solve's, to the bit (status, iterations, plan, α).</summary>
    private static bool Same(SparseTransportResult[] loop, SparseTransportBatchResult batch) =>
        loop.Select((r, p) => (r, b: batch.Results[p])).All(t => t.r.Status == t.b.Status && t.r.Iterations == t.b.Iterations
            && t.r.Plan.Values.ToArray().SequenceEqual(t.b.Plan.Values.ToArray()) && t.r.Alpha.ToArray().SequenceEqual(t.b.Alpha.ToArray()));

    /// <summary>The certified gap, or "none" when no feasible k-sparse plan was found.</summary>
    private static object Gap(SparseTransportResult r) => r.DualityGap is { } gap ? gap : "none";

    /// <summary>One semi-dual evaluation at k = 2 on the device, C and α stored as T (the value's download synchronises).</summary>
    private static void DeviceEvaluation<T>(GpuDevice device, TransportProblem problem, double[] alpha, int n, double pass, ReportTable table)
        where T : unmanaged, IEquatable<T>, IFormattable
    {
        using var objective = new GpuTransportObjective<T>(device, problem, TransportFormulation.SemiDual, 2, Gamma);
        using var x = DeviceMatrix<T>.Upload(device, alpha.Length, 1, GpuTransportObjective<T>.FromHost(alpha));
        using var gradient = new DeviceMatrix<T>(device, alpha.Length, 1);
        double t = Timing.Best(() => objective.Evaluate(x, gradient), Repetitions);
        table.Add(n, $"semi-dual, k = 2, {typeof(T).Name} on {device.Name}", t, t / pass, objective.Plan(x).EntryCount);
    }

    private static IEnumerable<(string Label, HostTransportObjective Objective, double[] X)> Objectives(TransportProblem problem, double[] alpha, double[] dualX)
    {
        yield return ("semi-dual, k = 2", new SemiDualObjective(problem, 2, Gamma), alpha);
        yield return ("dual, k = 2", new DualObjective(problem, 2, Gamma), dualX);
        yield return ("semi-dual, k = 16", new SemiDualObjective(problem, 16, Gamma), alpha);
        yield return ("semi-dual, k = m (quadratic)", new SemiDualObjective(problem, problem.Rows, Gamma), alpha);
    }
}
