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
    /// The batch objective Σ_p f_p(x_p) is separable, so one L-BFGS run on the concatenated potentials
    /// minimises every f_p, and each evaluation is one parallel pass over all the problems' columns
    /// (<see cref="BatchTransportObjective"/>). The run stops when ‖∇F‖₁, the sum of the problems'
    /// total marginal errors, is within the tolerance, so a converged batch meets the tolerance in
    /// every problem. Sharing one run couples the problems through the step length and the scalar
    /// curvature estimate, so the batch takes more iterations than the slowest problem alone; each
    /// iteration costs one pass over the batch instead of P separate solves (docs/transport.md, "Batched problems").
    /// </para>
    /// <para>
    /// Each problem's result is what <see cref="Solve(TransportProblem, int, SparseTransportOptions?)"/>
    /// would report for its final potentials: plan, errors, dual value, feasible plan and certified gap.
    /// Its status is earned on its own marginal errors recomputed from its plan: Converged when they are
    /// within the tolerance, whatever the shared run's status; otherwise the run's status
    /// (Stalled when the run's test passed). A batch of one is <see cref="Solve(TransportProblem, int, SparseTransportOptions?)"/> to the bit.
    /// </para>
    /// </remarks>
    /// <param name="problems">The problems, all of the same m×n (unequal shapes are rejected: solve each shape as its own batch).</param>
    /// <param name="k">The most non-zeros per column, ≥ 1, for every problem.</param>
    /// <param name="options">γ, formulation, tolerance (per problem), limits; warm starts are not accepted here (use <see cref="SolveBatch{TVector}"/> with x0). Null: the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="problems"/> is null.</exception>
    /// <exception cref="ArgumentException">The batch is empty, holds a null entry or mixes shapes (names problems); an option is invalid or a warm start is set (names options); the dual overflows at zero (names problems).</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public static SparseTransportBatchResult SolveBatch(IReadOnlyList<TransportProblem> problems, int k, SparseTransportOptions? options = null)
    {
        RequireBatch(problems);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        options = RequireBatchOptions(options);
        var objective = new BatchTransportObjective(problems, options.Formulation, k, options.Gamma);
        try
        {
            return SolveBatch(objective, HostVectorArithmetic.Instance, new double[objective.Dimension], options);
        }
        catch (ArgumentException e) when (e.ParamName == "x0")
        {
            // From the zero start only the data can make f(x₀) overflow (see Solve).
            throw new ArgumentException($"The {options.Formulation} objective overflows at zero potentials (|C| too large for γ = {options.Gamma}): rescale the costs or use the semi-dual.", nameof(problems), e);
        }
    }

    /// <summary>
    /// Minimises the batch objective <paramref name="objective"/> from <paramref name="x0"/> on any
    /// vector storage: the control logic shared by the CPU and a device (see
    /// <see cref="SolveBatch(IReadOnlyList{TransportProblem}, int, SparseTransportOptions?)"/>).
    /// </summary>
    /// <typeparam name="TVector">The vector handle.</typeparam>
    /// <param name="objective">The batch objective.</param>
    /// <param name="arithmetic">Vector operations on <typeparamref name="TVector"/>.</param>
    /// <param name="x0">The start, problem p's potentials in block p (a warm start per problem).</param>
    /// <param name="options">As for the host overload; warm starts in the options are ignored (x0 is the start).</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">x0 has the wrong length or holds NaN/±∞; an option is out of range.</exception>
    public static SparseTransportBatchResult SolveBatch<TVector>(ISparseTransportBatchObjective<TVector> objective, IVectorArithmetic<TVector> arithmetic,
        TVector x0, SparseTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(arithmetic);
        options ??= new SparseTransportOptions();
        options.Validate(nameof(options));
        var problems = objective.Problems;
        // One unit for the batch, from its widest cost range: for a batch of one, the single solve's σ.
        double range = 0;
        foreach (var problem in problems) range = Math.Max(range, problem.CostRange);
        double unit = PotentialScaledObjective<TVector>.UnitFor(range, objective.Gamma);
        var run = Maximize(objective, arithmetic, x0, unit, options);
        var values = new double[problems.Count];
        TransportPlan[] plans;
        double[] x, gradient;
        try
        {
            plans = objective.Plans(run.X, values);
            x = objective.Potentials(run.X);
            gradient = objective.Potentials(run.Gradient);
        }
        finally
        {
            arithmetic.Release(run.X);
            arithmetic.Release(run.Gradient);
        }

        int d = objective.VariablesPerProblem;
        double tolerance = options.ResolvedTolerance;
        var results = new SparseTransportResult[problems.Count];
        bool all = true;
        for (int p = 0; p < results.Length; p++)
        {
            var problem = problems[p];
            double rowError = problem.RowMarginalError(plans[p]), columnError = problem.ColumnMarginalError(plans[p]);
            // Earned per problem on its recomputed errors: the shared run's test was on the sum over the batch.
            var status = rowError + columnError <= tolerance ? SolverStatus.Converged
                : run.Status == SolverStatus.Converged ? SolverStatus.Stalled : run.Status;
            all &= status == SolverStatus.Converged;
            double residual = SpanArithmetic.SumOfMagnitudes<double>(gradient.AsSpan(p * d, d));
            results[p] = Result(problem, objective.Formulation, objective.MaxNonZerosPerColumn, objective.Gamma, plans[p], x[(p * d)..((p + 1) * d)],
                -values[p], rowError, columnError, residual, status, run.Iterations, run.Evaluations);
        }
        var batchStatus = all ? SolverStatus.Converged : run.Status == SolverStatus.Converged ? SolverStatus.Stalled : run.Status;
        return new SparseTransportBatchResult(results, batchStatus, run.Residual, run.Iterations, run.Evaluations);
    }

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

    /// <summary>The options of a host batch solve, validated (names options): the defaults for null; no warm start, which is per problem (pass x0 to <see cref="SolveBatch{TVector}"/>).</summary>
    internal static SparseTransportOptions RequireBatchOptions(SparseTransportOptions? options)
    {
        options ??= new SparseTransportOptions();
        options.Validate(nameof(options));
        if (options.InitialAlpha is not null || options.InitialBeta is not null)
            throw new ArgumentException("SparseTransportOptions.InitialAlpha/InitialBeta are per problem and not accepted by a batch solve; pass the concatenated start as x0 to SolveBatch<TVector>.", nameof(options));
        return options;
    }
}
