using MathNet.Numerics.LinearAlgebra;
using Numerics.Arithmetic;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// An exact-LP transport plan from semi-dual potentials α (the k = 1 case of sparsity-constrained
/// OT, whose semi-dual is the unregularised one up to a constant), as the official notebook builds it:
/// βⱼ = minᵢ(cᵢⱼ − αᵢ); support = {(i, j) : cᵢⱼ − αᵢ − βⱼ ≤ τ·max|C|}; then the marginal equations
/// T·1 = a, Tᵀ·1 = b, T ≥ 0 are solved on that support.
/// </summary>
/// <remarks>
/// The marginal equations are solved by <see cref="ExactTransport"/>'s network simplex with every cell
/// outside the support kept out of the network, on the true costs: when the support admits several
/// plans the cheapest is returned, and when it admits none the artificial arcs, whose cost dominates,
/// keep the violation as small as the support allows. With exact optimal α and τ = 0 the support
/// contains an optimal plan (complementary slackness), so the cost then equals the exact optimum.
/// </remarks>
public static class ExactPlanReconstruction
{
    /// <summary>Reconstructs the plan from α (length m) for marginals a, b and an m×n cost matrix.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">See <see cref="Reconstruct(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, int, PlanReconstructionOptions?)"/>.</exception>
    public static PlanReconstructionResult Reconstruct(double[] alpha, double[] a, double[] b, Matrix<double> cost, PlanReconstructionOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(alpha);
        return Reconstruct(alpha, a, b, TransportInput.ColumnMajorCost(a, b, cost), a.Length, b.Length, options);
    }

    /// <summary>Reconstructs the plan from α for a column-major rows×columns cost held in a span.</summary>
    /// <param name="alpha">Semi-dual potentials α (length rows), finite.</param>
    /// <param name="a">Source masses (length rows), as for <see cref="ExactTransport"/>.</param>
    /// <param name="b">Target masses (length columns), likewise.</param>
    /// <param name="cost">cᵢⱼ at index i + j·rows; finite.</param>
    /// <param name="rows">m.</param>
    /// <param name="columns">n.</param>
    /// <param name="options">Support tolerance, marginal tolerance, pivot limit; null for the defaults.</param>
    /// <exception cref="ArgumentException">α of the wrong length or not finite, bad marginals, cost or options.</exception>
    public static PlanReconstructionResult Reconstruct(ReadOnlySpan<double> alpha, ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> cost,
        int rows, int columns, PlanReconstructionOptions? options = null)
    {
        options ??= new PlanReconstructionOptions();
        options.Validate(nameof(options));
        if (alpha.Length != rows) throw new ArgumentException($"alpha has length {alpha.Length}, the cost has {rows} rows.", nameof(alpha));
        LinearAlgebra.DenseStorage.RequireFinite(alpha, nameof(alpha));
        TransportInput.RequireProblem(a, b, cost, rows, columns);
        var (an, bn, mass) = TransportInput.Normalize(a, b);
        return ReconstructValidated(alpha, an, bn, mass, cost, rows, columns, options);
    }

    /// <summary>The reconstruction on validated input: α finite of length rows, a and b normalised, options checked.</summary>
    internal static PlanReconstructionResult ReconstructValidated(ReadOnlySpan<double> alpha, ReadOnlySpan<double> a, ReadOnlySpan<double> b, InputMass mass,
        ReadOnlySpan<double> cost, int rows, int columns, PlanReconstructionOptions options)
    {
        var beta = new double[columns];
        var support = new bool[cost.Length];
        double scale = TransportInput.MaxAbs(cost);
        double threshold = options.SupportTolerance * (scale > 0 ? scale : 1);
        int supportSize = 0;
        for (int j = 0; j < columns; j++)
        {
            var column = cost.Slice(j * rows, rows);
            double best = double.PositiveInfinity;
            for (int i = 0; i < rows; i++) best = Math.Min(best, column[i] - alpha[i]);
            beta[j] = best;
            for (int i = 0; i < rows; i++)
                if (column[i] - alpha[i] - best <= threshold) { support[i + j * rows] = true; supportSize++; }
        }

        double tolerance = options.Tolerance ?? ExactTransportOptions.DefaultTolerance;
        var solveOptions = new ExactTransportOptions
        {
            MaxIterations = options.MaxIterations,
            CancellationToken = options.CancellationToken,
            Progress = options.Progress,
        };
        var solved = ExactTransport.SolveValidated(a, b, mass, cost, rows, columns, support, solveOptions);
        var certificate = solved.Certificate;
        SolverStatus status = certificate.MarginalViolation <= tolerance ? SolverStatus.Converged
            : solved.Status is SolverStatus.MaxIterations or SolverStatus.Cancelled ? solved.Status
            : SolverStatus.Stalled;
        double dual = SpanArithmetic.Dot(alpha, a) + SpanArithmetic.Dot<double>(beta, b);
        return new PlanReconstructionResult(solved.Plan, beta, supportSize, solved.Cost, dual,
            certificate.RowMarginalViolation, certificate.ColumnMarginalViolation, mass, status, solved.Iterations);
    }
}
