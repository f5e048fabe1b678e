using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Transport;

public static partial class SparseTransport
{
    /// <summary>
    /// Solves many equal-shaped problems at once (as in mixture-of-experts routing: one small problem
    /// per group of tokens), each with at most <paramref name="k"/> non-zeros per column of its plan.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Every problem runs its own L-BFGS, exactly as <see cref="Solve(TransportProblem, int, SparseTransportOptions?)"/>
    /// would (its own unit σ, step lengths, curvature pairs and stopping test), and the runs advance in
    /// lockstep: each pass evaluates all of them at once, one parallel sweep over every problem's
    /// columns (<see cref="BatchTransportObjective"/>). So each result is <see cref="Solve(TransportProblem, int, SparseTransportOptions?)"/>'s
    /// for that problem to the bit (status, iterations, plan, potentials, dual value, certificate),
    /// and the batch takes as many passes as its slowest problem takes evaluations.
    /// </para>
    /// <para>
    /// One L-BFGS run over the concatenated potentials would also minimise the (separable) sum, but
    /// its shared step length and curvature scale couple the problems: measured, it took about twice
    /// the iterations of the slowest problem alone on smooth problems, and at small k one problem's
    /// kinks stalled the whole batch (docs/transport.md, "Batched problems").
    /// </para>
    /// <para>
    /// The runs are driven from one thread per problem, waiting on each other between evaluations.
    /// <see cref="IterativeOptions.Progress"/> is not reported (there is no single iteration count);
    /// cancellation stops every run.
    /// </para>
    /// </remarks>
    /// <param name="problems">The problems, all of the same m×n (unequal shapes are rejected: solve each shape as its own batch).</param>
    /// <param name="k">The most non-zeros per column, ≥ 1, for every problem.</param>
    /// <param name="options">γ, formulation, tolerance (per problem), limits, as for a single solve; warm starts are not accepted. Null: the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="problems"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch is empty, holds a null entry or mixes shapes (names problems); an option is invalid or a warm start is set (names options); the dual overflows at zero (names problems).</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public static SparseTransportBatchResult SolveBatch(IReadOnlyList<TransportProblem> problems, int k, SparseTransportOptions? options = null)
    {
        RequireBatch(problems);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        options = RequireBatchOptions(options);
        try
        {
            return SolveBatch(new BatchTransportObjective(problems, options.Formulation, k, options.Gamma), options);
        }
        catch (ArgumentException e) when (e.ParamName == "x0")
        {
            // From the zero start only the data can make f(x₀) overflow (see Solve).
            throw new ArgumentException($"The {options.Formulation} objective overflows at zero potentials (|C| too large for γ = {options.Gamma}): rescale the costs or use the semi-dual.", nameof(problems), e);
        }
    }

    /// <summary>
    /// Solves every problem of <paramref name="objective"/> from zero potentials, one L-BFGS per problem
    /// on the host in lockstep, every pass one batched evaluation: the control logic shared by the CPU
    /// and a device (see <see cref="SolveBatch(IReadOnlyList{TransportProblem}, int, SparseTransportOptions?)"/>).
    /// </summary>
    /// <param name="objective">The batched evaluation.</param>
    /// <param name="options">As for the host overload (warm starts rejected); null: the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="objective"/> is null.</exception>
    /// <exception cref="ArgumentException">An option is invalid or a warm start is set (names options); f_p at zero is not finite for some problem (names x0).</exception>
    public static SparseTransportBatchResult SolveBatch(ISparseTransportBatchObjective objective, SparseTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        options = RequireBatchOptions(options);
        var problems = objective.Problems;
        int count = problems.Count, d = objective.VariablesPerProblem;
        var units = new double[count];
        for (int p = 0; p < count; p++) units[p] = PotentialScaledObjective<double[]>.UnitFor(problems[p], objective.Gamma);
        var lockstep = new LockstepEvaluation(objective, new double[count * d]);
        var runs = new LbfgsResult<double[]>[count];
        var failures = new Exception?[count];
        var memberOptions = options with { Progress = null };
        var threads = new Thread[count];
        for (int p = 0; p < count; p++)
        {
            int problem = p;
            threads[p] = new Thread(() =>
            {
                try
                {
                    runs[problem] = Maximize(lockstep.Member(problem), HostVectorArithmetic.Instance, new double[d], units[problem], memberOptions);
                }
                catch (Exception e)
                {
                    failures[problem] = e;
                }
                finally
                {
                    lockstep.Finish();
                }
            }, RunStackSize) { IsBackground = true, Name = $"transport batch {problem}" };
        }
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();
        lockstep.Release();
        if (Array.Find(failures, e => e is not null) is { } failure)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);

        // One more pass at every problem's final potentials gives the plans Solve reads off there.
        var x = new double[count * d];
        for (int p = 0; p < count; p++) runs[p].X.CopyTo(x, p * d);
        var plans = objective.Plans(x, new double[count]);
        double tolerance = options.ResolvedTolerance;
        var results = new SparseTransportResult[count];
        for (int p = 0; p < count; p++)
        {
            var problem = problems[p];
            var run = runs[p];
            double rowError = problem.RowMarginalError(plans[p]), columnError = problem.ColumnMarginalError(plans[p]);
            // Earned on problem p's own plan, as Solve does.
            var status = run.Status == SolverStatus.Converged && !(rowError + columnError <= tolerance) ? SolverStatus.Stalled : run.Status;
            results[p] = Result(problem, objective.Formulation, objective.MaxNonZerosPerColumn, objective.Gamma, plans[p], run.X,
                -run.Value * units[p], rowError, columnError, run.Residual, status, run.Iterations, run.Evaluations);
        }
        return new SparseTransportBatchResult(results, lockstep.Passes + 1);
    }

    /// <summary>The stack of a problem's run: L-BFGS and its line search nest a few frames deep, so a small stack keeps a batch of thousands of problems cheap.</summary>
    private const int RunStackSize = 256 * 1024;

    /// <summary>Throws unless <paramref name="problems"/> is a non-empty batch of non-null problems of one shape that fits one cost array.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="problems"/> is null.</exception>
    /// <exception cref="ArgumentException">Empty, a null entry, a shape unlike the first's, or P·m·n beyond the largest array (names problems).</exception>
    internal static void RequireBatch(IReadOnlyList<TransportProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (problems.Count == 0) throw new ArgumentException("The batch holds no problem.", nameof(problems));
        for (int p = 0; p < problems.Count; p++)
            if (problems[p] is null) throw new ArgumentException($"problems[{p}] is null.", nameof(problems));
        int m = problems[0].Rows, n = problems[0].Columns;
        for (int p = 1; p < problems.Count; p++)
            if (problems[p].Rows != m || problems[p].Columns != n)
                throw new ArgumentException($"problems[{p}] is {problems[p].Rows}×{problems[p].Columns}, problems[0] is {m}×{n}: a batch holds problems of one shape (solve each shape as its own batch).", nameof(problems));
        if ((long)problems.Count * m * n > Array.MaxLength)
            throw new ArgumentException($"The batch's costs hold {(long)problems.Count * m * n} values, more than one array can: split the batch.", nameof(problems));
    }

    /// <summary>The options of a batch solve, validated (names options): the defaults for null; no warm start, which is per problem.</summary>
    internal static SparseTransportOptions RequireBatchOptions(SparseTransportOptions? options)
    {
        options ??= new SparseTransportOptions();
        options.Validate(nameof(options));
        if (options.InitialAlpha is not null || options.InitialBeta is not null)
            throw new ArgumentException("SparseTransportOptions.InitialAlpha/InitialBeta are per problem and not accepted by a batch solve; solve warm-started problems one by one.", nameof(options));
        return options;
    }
}
