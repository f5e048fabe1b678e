using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Sparsity-constrained optimal transport (Liu, Puigcerver &amp; Blondel, ICLR 2023):
/// min_{T ∈ U(a,b)} ⟨T, C⟩ + (γ/2)‖T‖² subject to at most k non-zeros in each column of T, solved
/// through its semi-dual S_k(α) or dual D_k(α, β) by the shared L-BFGS.
/// </summary>
/// <remarks>
/// <para>
/// The duals are concave and smooth almost everywhere; they are the exact duals of the problem with
/// each column's regulariser replaced by its convex envelope, so their maximum is a lower bound on
/// the constrained primal and the plan read off the maximiser has ≤ k non-zeros per column. The
/// semi-dual keeps Tᵀ·1 = b exactly; the dual relaxes both marginals.
/// </para>
/// <para>
/// Smoothness grows with k. For k ≥ m there is no sparsity constraint and this is
/// quadratically-regularised transport (<see cref="QuadraticTransport"/>), whose dual has a
/// (1/γ)-Lipschitz gradient. At k = 1 the semi-dual is the unregularised one plus (γ/2)‖b‖², piecewise
/// linear near its maximum, and L-BFGS is expected to end <see cref="SolverStatus.MaxIterations"/> or
/// <see cref="SolverStatus.Stalled"/> with the row marginals only approximately met; the result reports
/// that status, the violations, the dual value (a lower bound on the optimum) and, when a feasible plan
/// is found, a certified duality gap (see <see cref="SparseTransportResult"/>).
/// </para>
/// </remarks>
public static partial class SparseTransport
{
    /// <summary>Solves the problem (C, a, b) with at most <paramref name="k"/> non-zeros per column of the plan.</summary>
    /// <param name="cost">C, m×n, finite.</param>
    /// <param name="a">Source weights, length m, non-negative, summing to 1 (within <see cref="TransportInput.MassTolerance"/>).</param>
    /// <param name="b">Target weights, length n, likewise.</param>
    /// <param name="k">The most non-zeros per column, ≥ 1; k ≥ m is quadratically-regularised transport.</param>
    /// <param name="options">γ, formulation, tolerance, limits, warm starts; null: the defaults of <see cref="SparseTransportOptions"/>.</param>
    /// <exception cref="ArgumentException">Bad input, named by the parameter (see <see cref="TransportProblem.Create"/>), or a warm start of the wrong length or with NaN/±∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public static SparseTransportResult Solve(Matrix<double> cost, Vector<double> a, Vector<double> b, int k, SparseTransportOptions? options = null) =>
        Solve(TransportProblem.Create(cost, a, b), k, options);

    /// <summary>Solves a validated <paramref name="problem"/>; see <see cref="Solve(Matrix{double}, Vector{double}, Vector{double}, int, SparseTransportOptions?)"/>.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="problem"/> is null.</exception>
    /// <exception cref="ArgumentException">An option or warm start is invalid; or (naming cost) the objective overflows at the zero start, as the dual does for |cᵢⱼ| near √(γ·double.MaxValue).</exception>
    /// <exception cref="ArgumentOutOfRangeException">k &lt; 1.</exception>
    public static SparseTransportResult Solve(TransportProblem problem, int k, SparseTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        options ??= new SparseTransportOptions();
        options.Validate(nameof(options));
        var x0 = StartingPoint(problem, options);
        ISparseTransportObjective<double[]> objective = options.Formulation == TransportFormulation.Dual
            ? new DualObjective(problem, k, options.Gamma)
            : new SemiDualObjective(problem, k, options.Gamma);
        try
        {
            return Solve(objective, HostVectorArithmetic.Instance, x0, options);
        }
        catch (ArgumentException e) when (e.ParamName == nameof(x0) && options.InitialAlpha is null && options.InitialBeta is null)
        {
            // From the zero start only the data can make f(x₀) overflow: the dual's (1/2γ)Σ[−cᵢⱼ]₊²
            // with costs near √(γ·double.MaxValue) in magnitude.
            throw new ArgumentException($"The {options.Formulation} objective overflows at zero potentials (|C| too large for γ = {options.Gamma}): rescale the cost or use the semi-dual.", "cost", e);
        }
    }

    /// <summary>
    /// Maximises the dual that <paramref name="objective"/> evaluates, from <paramref name="x0"/>, on
    /// any vector storage: the control logic shared by the CPU and a device. γ, k and the formulation
    /// are the objective's; the options supply the tolerance, limits, history, cancellation and progress.
    /// </summary>
    /// <typeparam name="TVector">The vector handle.</typeparam>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">x0 has the wrong length or holds NaN/±∞; an option is out of range.</exception>
    public static SparseTransportResult Solve<TVector>(ISparseTransportObjective<TVector> objective, IVectorArithmetic<TVector> arithmetic, TVector x0,
        SparseTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(arithmetic);
        options ??= new SparseTransportOptions();
        options.Validate(nameof(options));
        double unit = PotentialScaledObjective<TVector>.UnitFor(objective.Problem, objective.Gamma);
        var run = Maximize(objective, arithmetic, x0, unit, options);
        var plan = objective.Plan(run.X);
        var x = objective.Potentials(run.X);
        arithmetic.Release(run.X);
        arithmetic.Release(run.Gradient);

        var problem = objective.Problem;
        double rowError = problem.RowMarginalError(plan), columnError = problem.ColumnMarginalError(plan);
        // The status is earned on the returned plan: L-BFGS tested ‖∇f‖₁ of the same evaluation, which
        // differs from these sums only by the order of summation.
        var status = run.Status == SolverStatus.Converged && !(rowError + columnError <= options.ResolvedTolerance) ? SolverStatus.Stalled : run.Status;
        // A device may evaluate in float on the cost rounded to float, whose dual value need not bound the
        // problem as given: the reported lower bound is recomputed on the host in double (one pass over C).
        double dualValue = objective is HostTransportObjective ? -run.Value * unit : -HostValue(objective, x);
        return Result(problem, objective.Formulation, objective.MaxNonZerosPerColumn, objective.Gamma, plan, x, dualValue, rowError, columnError,
            run.Residual, status, run.Iterations, run.Evaluations);
    }

    /// <summary>
    /// Runs the shared L-BFGS on <paramref name="objective"/> (a negated dual) from <paramref name="x0"/>,
    /// on the potentials in units of σ = <paramref name="unit"/> (see <see cref="PotentialScaledObjective{TVector}"/>);
    /// the result's X is scaled back to x = σ·u, and the caller releases X and Gradient.
    /// </summary>
    /// <exception cref="ArgumentException">x0 has the wrong length, holds NaN/±∞, or f(x0) is not finite (names x0).</exception>
    private static LbfgsResult<TVector> Maximize<TVector>(IDifferentiableObjective<TVector> objective, IVectorArithmetic<TVector> arithmetic, TVector x0,
        double unit, SparseTransportOptions options)
    {
        var scaled = new PotentialScaledObjective<TVector>(objective, arithmetic, unit);
        var u0 = arithmetic.Create(objective.Dimension);
        LbfgsResult<TVector> run;
        try
        {
            if (arithmetic.Length(x0) != objective.Dimension)
                throw new ArgumentException($"x0 has length {arithmetic.Length(x0)}; the objective's dimension is {objective.Dimension}.", nameof(x0));
            arithmetic.Copy(x0, u0);
            arithmetic.Scale(1 / unit, u0);
            var progress = options.Progress is { } p ? new ObjectiveScaledProgress(p, unit) : null;
            run = new Lbfgs<TVector>(arithmetic).Minimize(scaled, u0, options.ToLbfgs() with { Progress = progress });
        }
        finally
        {
            arithmetic.Release(u0);
            scaled.Release();
        }
        arithmetic.Scale(unit, run.X);
        return run;
    }

    /// <summary>
    /// The result for <paramref name="problem"/> from its plan and potentials at the end of a solve: the
    /// costs, the feasible plan and certified gap, and the errors and status already earned on this
    /// plan; shared by <see cref="Solve{TVector}"/> and the batched solve, so both report alike.
    /// </summary>
    private static SparseTransportResult Result(TransportProblem problem, TransportFormulation formulation, int k, double gamma, TransportPlan plan,
        double[] x, double dualValue, double rowError, double columnError, double residual, SolverStatus status, int iterations, int evaluations)
    {
        int m = problem.Rows;
        double cost = plan.Cost(problem.Cost);
        double regularized = cost + 0.5 * gamma * plan.SquaredNorm();
        var feasible = FeasiblePlan(problem, k, gamma, plan, x.AsSpan(0, m));
        bool dual = formulation == TransportFormulation.Dual;
        return new SparseTransportResult(
            plan,
            Vector<double>.Build.Dense(x[..m]),
            dual ? Vector<double>.Build.Dense(x[m..]) : null,
            formulation,
            k,
            gamma,
            cost,
            regularized,
            dualValue,
            regularized - dualValue,
            feasible is null ? null : feasible.RegularizedCost - dualValue,
            feasible,
            rowError,
            columnError,
            problem.InputMass,
            residual,
            plan.MaxNonZerosPerColumn(),
            status,
            iterations,
            evaluations);
    }

    /// <summary>
    /// The best plan feasible for the k-sparse primal that is cheap to find: <paramref name="plan"/>
    /// rounded onto U(a, b) when that keeps ≤ k non-zeros per column (always for k ≥ m), and at k = 1 the
    /// exact-LP plan rebuilt from α when it meets the marginals with one non-zero per column; null when
    /// neither is (see <see cref="SparseTransportResult"/>'s remarks).
    /// </summary>
    private static FeasibleTransportPlan? FeasiblePlan(TransportProblem problem, int k, double gamma, TransportPlan plan, ReadOnlySpan<double> alpha)
    {
        var best = Feasible(problem, PlanRounding.Round(plan, problem), FeasiblePlanSource.Rounded, k, gamma);
        if (k == 1 && problem.Rows > 1)
        {
            var reconstruction = ExactPlanReconstruction.ReconstructValidated(alpha, problem.SourceWeights, problem.TargetWeights, problem.InputMass,
                problem.Cost, problem.Rows, problem.Columns, new PlanReconstructionOptions());
            if (reconstruction.Status == SolverStatus.Converged
                && Feasible(problem, reconstruction.Plan.ToTransportPlan(), FeasiblePlanSource.Reconstructed, k, gamma) is { } rebuilt
                && (best is null || rebuilt.RegularizedCost < best.RegularizedCost))
                best = rebuilt;
        }
        return best;
    }

    /// <summary>
    /// f(x) of the objective's formulation evaluated on the host in double on C itself. A device
    /// objective may store C in its element type: in float its value is the dual of float(C), which
    /// bounds that problem's optimum and can exceed this one's by half a float ulp of C per unit of
    /// mass, so the proven lower bound is recomputed here (one pass over C).
    /// </summary>
    private static double HostValue<TVector>(ISparseTransportObjective<TVector> objective, double[] x) =>
        HostValue(objective.Problem, objective.Formulation, objective.MaxNonZerosPerColumn, objective.Gamma, x);

    /// <summary>f(x) of <paramref name="formulation"/> for <paramref name="problem"/>, on the host in double (see the overload above).</summary>
    private static double HostValue(TransportProblem problem, TransportFormulation formulation, int k, double gamma, double[] x)
    {
        HostTransportObjective host = formulation == TransportFormulation.Dual
            ? new DualObjective(problem, k, gamma)
            : new SemiDualObjective(problem, k, gamma);
        return host.Evaluate(x, new double[x.Length]);
    }

    /// <summary>The candidate as a <see cref="FeasibleTransportPlan"/> when it has ≤ k non-zeros per column and meets the marginals to rounding; else null.</summary>
    private static FeasibleTransportPlan? Feasible(TransportProblem problem, TransportPlan candidate, FeasiblePlanSource source, int k, double gamma)
    {
        if (candidate.MaxNonZerosPerColumn() > k) return null;
        double rows = problem.RowMarginalError(candidate), columns = problem.ColumnMarginalError(candidate);
        if (!(rows + columns <= FeasibleTransportPlan.FeasibilityTolerance(problem.Rows, problem.Columns))) return null;
        double cost = candidate.Cost(problem.Cost);
        return new FeasibleTransportPlan(candidate, source, cost, cost + 0.5 * gamma * candidate.SquaredNorm(), rows, columns);
    }

    /// <summary>Reports f = σ·f̃ where L-BFGS sees f̃, so progress shows the dual's own value.</summary>
    private sealed class ObjectiveScaledProgress(IProgress<IterationProgress> inner, double unit) : IProgress<IterationProgress>
    {
        public void Report(IterationProgress value) => inner.Report(value with { Objective = value.Objective * unit });
    }

    /// <summary>The host starting point the options ask for: the warm starts (checked), zeros elsewhere; α then β for the dual.</summary>
    /// <exception cref="ArgumentException">A warm start has the wrong length or holds NaN/±∞.</exception>
    internal static double[] StartingPoint(TransportProblem problem, SparseTransportOptions options) =>
        StartingPoint(problem.Rows, problem.Columns, options);

    /// <summary>The starting point for an m×n problem (a column-split solve holds no whole <see cref="TransportProblem"/>).</summary>
    internal static double[] StartingPoint(int m, int n, SparseTransportOptions options)
    {
        bool dual = options.Formulation == TransportFormulation.Dual;
        var x0 = new double[dual ? m + n : m];
        CopyWarmStart(options.InitialAlpha, x0.AsSpan(0, m), "InitialAlpha");
        if (dual) CopyWarmStart(options.InitialBeta, x0.AsSpan(m), "InitialBeta");
        return x0;
    }

    private static void CopyWarmStart(Vector<double>? start, Span<double> destination, string field)
    {
        if (start is null) return;
        if (start.Count != destination.Length)
            throw new ArgumentException($"SparseTransportOptions.{field} has length {start.Count}; expected {destination.Length}.", "options");
        for (int i = 0; i < destination.Length; i++)
        {
            double v = start[i];
            if (!double.IsFinite(v)) throw new ArgumentException($"SparseTransportOptions.{field}[{i}] = {v}; warm starts must be finite.", "options");
            destination[i] = v;
        }
    }
}
