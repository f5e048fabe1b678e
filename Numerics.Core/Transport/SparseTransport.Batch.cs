using Numerics.Arithmetic;
using Numerics.LinearAlgebra;
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
    /// Every problem is solved exactly as <see cref="Solve(TransportProblem, int, SparseTransportOptions?)"/>
    /// would solve it, so each result is that solve's to the bit (status, iterations, plan, potentials,
    /// dual value, certificate). On the host the problems run independently, in parallel over the
    /// machine's threads; <see cref="SparseTransportBatchResult.Passes"/> is 0.
    /// </para>
    /// <para>
    /// A device gains from evaluating all the problems with one launch per pass instead: that is
    /// <see cref="SolveBatch(ISparseTransportBatchObjective, SparseTransportOptions?)"/>, one L-BFGS per
    /// problem in lockstep on a batched evaluation. On the host the lockstep costs more than it saves
    /// (measured: 2.8–3.3× a loop of single solves on 256 problems of 8 × 64, where every pass wakes
    /// every problem's run; docs/transport.md, "Batched problems").
    /// </para>
    /// <para>
    /// <see cref="IterativeOptions.Progress"/> is not reported (there is no single iteration count);
    /// cancellation stops every solve.
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
        var single = options with { Progress = null };
        var results = new SparseTransportResult[problems.Count];
        var failures = new Exception?[problems.Count];
        // Each solve's bits do not depend on the thread it runs on or on the thread count, so the
        // problems run independently, in parallel, with no synchronisation between them.
        Parallel.For(0, problems.Count, p =>
        {
            try
            {
                // The loop over problems is the parallelism: a solve's own column sweep runs on its thread,
                // so small problems do not contend for the pool with nested sweeps.
                using var scope = LinearAlgebraBackend.Current.SingleThreaded();
                results[p] = Solve(problems[p], k, single);
            }
            catch (Exception e)
            {
                failures[p] = e;
            }
        });
        // The first failure in problem order, whatever the order the threads met them.
        if (Array.Find(failures, e => e is not null) is { } failure)
        {
            if (failure is ArgumentException { ParamName: "cost" } overflow)
                throw new ArgumentException($"problems[{Array.IndexOf(failures, failure)}]: {overflow.Message}", nameof(problems), overflow);
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
        return new SparseTransportBatchResult(results, 0);
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
            // A device batch may evaluate in float on float(C): its lower bound is recomputed in double on C, as Solve does.
            double dualValue = objective is BatchTransportObjective
                ? -run.Value * units[p]
                : -HostValue(problem, objective.Formulation, objective.MaxNonZerosPerColumn, objective.Gamma, run.X);
            results[p] = Result(problem, objective.Formulation, objective.MaxNonZerosPerColumn, objective.Gamma, plans[p], run.X,
                dualValue, rowError, columnError, run.Residual, status, run.Iterations, run.Evaluations);
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
