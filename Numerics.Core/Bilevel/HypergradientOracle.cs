using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Bilevel;

/// <summary>
/// The inexact hypergradient oracle of MAID at accuracy (ε, δ): a warm-started FISTA solve of the
/// lower level to ‖∇ₓh‖ ≤ μ·ε, a warm-started conjugate-gradient solve of A(x̃)q = ∇g(x̃) to
/// ‖A q − ∇g‖ ≤ δ, and z = −B(x̃)ᵀq with its error bound. Written once against
/// <see cref="IVectorArithmetic{TVector}"/>; the problem supplies the operations.
/// </summary>
/// <remarks>
/// <para>
/// The certificate uses the accuracies actually reached, recomputed at the returned vectors
/// (‖∇ₓh(x̃)‖/μ and the conjugate-gradient solve's recomputed residual), not the ones asked for.
/// An inner solve that hits its iteration limit therefore still yields a valid, larger bound, and
/// its status is reported in the estimate.
/// </para>
/// <para>
/// The oracle keeps the last lower-level solution and adjoint as warm starts. It owns two
/// lower-level vectors and the adjoint; <see cref="Dispose"/> releases them.
/// </para>
/// </remarks>
/// <typeparam name="TVector">The lower-level vector handle.</typeparam>
public sealed class HypergradientOracle<TVector> : IDisposable
{
    private readonly IVectorArithmetic<TVector> _ops;
    private readonly IBilevelProblem<TVector> _problem;
    private readonly InnerSolveOptions _inner;
    private readonly CancellationToken _token;
    private TVector _x, _trial, _adjoint;
    // ∇ₓh at _x and at _trial (swapped with them), for the adjoint-corrected loss bounds.
    private TVector _residual, _trialResidual;
    private readonly TVector _gradient, _scratch;
    private bool _haveAdjoint;

    /// <summary>An oracle for <paramref name="problem"/>, starting its lower-level solves from the problem's starting point at <paramref name="theta"/>.</summary>
    /// <exception cref="ArgumentException">theta has the wrong length or holds NaN/∞, or an inner option is out of range.</exception>
    public HypergradientOracle(IVectorArithmetic<TVector> arithmetic, IBilevelProblem<TVector> problem, ReadOnlySpan<double> theta, InnerSolveOptions? inner = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        ArgumentNullException.ThrowIfNull(problem);
        inner ??= new InnerSolveOptions();
        inner.Validate(nameof(inner));
        ValidateTheta(problem, theta, nameof(theta));
        _ops = arithmetic;
        _problem = problem;
        _inner = inner;
        _token = cancellationToken;
        int d = problem.LowerDimension;
        _x = _ops.Create(d);
        _trial = _ops.Create(d);
        _adjoint = _ops.Create(d);
        _residual = _ops.Create(d);
        _trialResidual = _ops.Create(d);
        _gradient = _ops.Create(d);
        _scratch = _ops.Create(d);
        problem.StartingPoint(theta, _x);
    }

    /// <summary>The current lower-level solution x̃ (the warm start of the next solve; owned by the oracle).</summary>
    public TVector LowerSolution => _x;

    /// <summary>Throws <see cref="ArgumentException"/> naming <paramref name="paramName"/> unless θ has n finite entries.</summary>
    internal static void ValidateTheta(IBilevelProblem<TVector> problem, ReadOnlySpan<double> theta, string paramName)
    {
        if (theta.Length != problem.ParameterCount)
            throw new ArgumentException($"theta has length {theta.Length}; the problem has {problem.ParameterCount} parameters.", paramName);
        foreach (double t in theta)
            if (!double.IsFinite(t)) throw new ArgumentException("theta contains a non-finite value.", paramName);
    }

    /// <summary>Solves the lower level at θ to accuracy ε from the current solution, which it replaces.</summary>
    public LowerLevelSolution SolveLower(ReadOnlySpan<double> theta, double epsilon)
    {
        var solution = Solve(theta.ToArray(), epsilon, _x, _trial, _trialResidual);
        AcceptTrial();
        return solution;
    }

    /// <summary>
    /// Solves the lower level at a trial θ̂ to accuracy ε, warm-started from the current solution,
    /// into a separate buffer; <see cref="AcceptTrial"/> makes it the current solution.
    /// </summary>
    public LowerLevelSolution SolveTrial(ReadOnlySpan<double> theta, double epsilon) => Solve(theta.ToArray(), epsilon, _x, _trial, _trialResidual);

    /// <summary>Makes the last trial solution the current one.</summary>
    public void AcceptTrial()
    {
        (_x, _trial) = (_trial, _x);
        (_residual, _trialResidual) = (_trialResidual, _residual);
    }

    /// <summary>
    /// Certified bounds on f(θ̂) at the last trial solution x̃(θ̂) (<see cref="SolveTrial"/> at
    /// <paramref name="theta"/>), corrected with the current adjoint q (computed at the current θ,
    /// not at θ̂: any q gives a valid bound, one close to A(x̃(θ̂))⁻¹∇g a tight one). Costs one
    /// Hessian-vector product for ‖A(x̃(θ̂))q − ∇g(x̃(θ̂))‖, counted by the caller; with no adjoint
    /// yet, or a trial that broke down, the first-order bounds.
    /// </summary>
    /// <param name="theta">θ̂, as given to <see cref="SolveTrial"/>.</param>
    /// <param name="trial">What <see cref="SolveTrial"/> returned.</param>
    public UpperLossBounds TrialLossBounds(ReadOnlySpan<double> theta, LowerLevelSolution trial)
    {
        var firstOrder = new UpperLossBounds(trial.UpperLossLowerBound, trial.UpperLossUpperBound);
        if (!_haveAdjoint || trial.Status == SolverStatus.Breakdown || !double.IsFinite(trial.Accuracy)) return firstOrder;
        var t = theta.ToArray();
        var constants = _problem.Constants(t, _trial);
        if (!constants.IsUsable) return firstOrder;
        return Corrected(t, _trial, _trialResidual, trial, constants);
    }

    /// <summary>The hypergradient at θ to accuracy (ε, δ): lower solve (replacing the current solution), adjoint solve, z = −Bᵀq and its bound.</summary>
    /// <exception cref="ArgumentException">θ is invalid, or ε or δ is not positive and finite.</exception>
    public HypergradientEstimate Estimate(ReadOnlySpan<double> theta, double epsilon, double delta)
    {
        ValidateTheta(_problem, theta, nameof(theta));
        RequirePositive(epsilon, nameof(epsilon));
        RequirePositive(delta, nameof(delta));
        var t = theta.ToArray();
        var lower = SolveLower(t, epsilon);
        // SolveLower left ∇g(x̃) in _gradient.
        var constants = _problem.Constants(t, _x);
        if (lower.Status == SolverStatus.Breakdown || !constants.IsUsable)
            return new HypergradientEstimate(new double[t.Length], double.NaN, lower, double.NaN, 0, SolverStatus.Breakdown);
        var hessian = new LowerLevelHessian<TVector>(_problem, t, _x);
        var cg = new ConjugateGradient<TVector>(_ops);
        double gNorm = lower.UpperGradientNorm;
        var z = new double[t.Length];
        if (gNorm == 0)
        {
            // ∇g(x̃) = 0: q = 0 solves the adjoint system exactly.
            _ops.Fill(_adjoint, 0.0);
            _haveAdjoint = true;
            return new HypergradientEstimate(z, HypergradientErrorBound.Compute(constants, _problem.UpperSmoothness, 0, lower.Accuracy, 0, 0, null), lower, 0, 0, SolverStatus.Converged);
        }
        var result = cg.Solve(hessian, _gradient, _haveAdjoint ? _adjoint : default, new ConjugateGradientOptions<TVector>
        {
            Tolerance = delta / gNorm,
            MaxIterations = _inner.AdjointMaxIterations,
            CancellationToken = _token,
        });
        _ops.Release(_adjoint);
        _adjoint = result.X;
        _haveAdjoint = true;
        _problem.MixedProductTranspose(t, _x, _adjoint, z);
        for (int i = 0; i < z.Length; i++) z[i] = -z[i];
        double achievedDelta = result.Status == SolverStatus.Breakdown ? double.PositiveInfinity : result.ResidualNorm;
        AdjointLipschitz? along = _problem is IAdjointLipschitzBounds<TVector> directional ? directional.AdjointLipschitz(t, _x, _adjoint, lower.Accuracy) : null;
        double adjointNorm = _ops.Norm(_adjoint);
        double bound = HypergradientErrorBound.Compute(constants, _problem.UpperSmoothness, gNorm, lower.Accuracy, achievedDelta, adjointNorm, along);
        double hessianAlong = constants.HessianLipschitz * adjointNorm;
        if (along is { Hessian: >= 0 } a) hessianAlong = Math.Min(hessianAlong, a.Hessian);
        var loss = UpperLossBounds.Corrected(lower, _ops.Dot(_adjoint, _residual), achievedDelta, hessianAlong, _problem.LowerDimension, adjointNorm * _ops.Norm(_residual));
        return new HypergradientEstimate(z, bound, lower, achievedDelta, result.Iterations, result.Status) { LossBounds = loss };
    }

    /// <summary>The adjoint-corrected bounds at (θ, x) with the current adjoint; r = ∇ₓh(x, θ) given.</summary>
    private UpperLossBounds Corrected(double[] theta, TVector x, TVector residual, LowerLevelSolution solution, LowerLevelConstants constants)
    {
        // s = A(x)q − ∇g(x): _scratch ← A q, _gradient ← ∇g(x).
        _problem.LowerHessianProduct(theta, x, _adjoint, _scratch);
        _problem.UpperLoss(x, _gradient);
        _ops.Axpby(-1.0, _gradient, 1.0, _scratch);
        double adjointResidual = _ops.Norm(_scratch);
        double adjointNorm = _ops.Norm(_adjoint);
        double hessianAlong = constants.HessianLipschitz * adjointNorm;
        if (_problem is IAdjointLipschitzBounds<TVector> directional && directional.AdjointLipschitz(theta, x, _adjoint, solution.Accuracy) is { Hessian: >= 0 } along)
            hessianAlong = Math.Min(hessianAlong, along.Hessian);
        return UpperLossBounds.Corrected(solution, _ops.Dot(_adjoint, residual), adjointResidual, hessianAlong, _problem.LowerDimension, adjointNorm * _ops.Norm(residual));
    }

    private LowerLevelSolution Solve(double[] theta, double epsilon, TVector start, TVector destination, TVector destinationResidual)
    {
        ValidateTheta(_problem, theta, nameof(theta));
        RequirePositive(epsilon, nameof(epsilon));
        var constants = _problem.Constants(theta, start);
        if (!constants.IsUsable)
        {
            // θ so extreme that the constants overflowed (a wild trial step): no solution to certify.
            _ops.Copy(start, destination);
            return new LowerLevelSolution(double.PositiveInfinity, double.NaN, double.NaN, 0, SolverStatus.Breakdown, _problem.UpperSmoothness);
        }
        double mu = constants.StrongConvexity;
        var objective = new LowerLevelObjective<TVector>(_problem, theta);
        double gradientNorm = GradientNorm(objective, start, destinationResidual);
        int iterations = 0;
        SolverStatus status;
        if (gradientNorm <= mu * epsilon)
        {
            _ops.Copy(start, destination);
            status = SolverStatus.Converged;
        }
        else
        {
            var fista = new ProximalGradient<TVector>(_ops);
            var result = fista.Minimize(objective, new ZeroProximal<TVector>(_ops), start, new ProximalGradientOptions
            {
                Tolerance = mu * epsilon,
                MaxIterations = _inner.LowerMaxIterations,
                InitialStep = 1 / constants.Smoothness,
                CancellationToken = _token,
            });
            _ops.Copy(result.X, destination);
            _ops.Release(result.X);
            iterations = result.Iterations;
            // Certify on ‖∇h‖ recomputed at the returned point, not on FISTA's gradient mapping.
            gradientNorm = GradientNorm(objective, destination, destinationResidual);
            status = gradientNorm <= mu * epsilon ? SolverStatus.Converged
                : result.Status == SolverStatus.Converged ? SolverStatus.Stalled : result.Status;
        }
        double accuracy = double.IsFinite(gradientNorm) ? gradientNorm / mu : double.PositiveInfinity;
        double loss = _problem.UpperLoss(destination, _gradient);
        double upperGradientNorm = _ops.Norm(_gradient);
        return new LowerLevelSolution(accuracy, loss, upperGradientNorm, iterations, status, _problem.UpperSmoothness)
        {
            Rounding = LowerLevelSolution.SumRounding(Math.Abs(loss), _problem.LowerDimension),
        };
    }

    /// <summary>‖∇ₓh(x)‖, leaving ∇ₓh(x) in <paramref name="residual"/>.</summary>
    private double GradientNorm(LowerLevelObjective<TVector> objective, TVector x, TVector residual)
    {
        objective.Evaluate(x, residual);
        return _ops.Norm(residual);
    }

    private static void RequirePositive(double value, string paramName)
    {
        if (!(value > 0) || !double.IsFinite(value)) throw new ArgumentOutOfRangeException(paramName, value, $"{paramName} must be positive and finite.");
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _ops.Release(_x);
        _ops.Release(_trial);
        _ops.Release(_adjoint);
        _ops.Release(_residual);
        _ops.Release(_trialResidual);
        _ops.Release(_gradient);
        _ops.Release(_scratch);
    }
}
