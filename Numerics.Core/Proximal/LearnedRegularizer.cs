using Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Proximal;

/// <summary>
/// The regulariser whose prox a learned proximal network is:
/// R_θ(x) = ⟨x, ŷ⟩ − ½‖x‖² − ψ(ŷ) with ŷ = f⁻¹(x), that is ψ*(x) − ½‖x‖² on the range of f
/// (+∞ outside), up to a constant.
/// </summary>
/// <remarks>
/// ŷ minimises the convex F(u) = ψ(u) − ⟨x, u⟩, whose gradient f(u) − x is the inversion residual;
/// the shared L-BFGS solves it from u₀ = x, point by point, Newton steps on Hessian-vector products
/// (solved by the shared conjugate gradients) polish the residual below what L-BFGS's value-based
/// line search can resolve, and the residual is recomputed at the returned ŷ and reported with the
/// value. The network is evaluated one point at a time on the
/// calling thread.
/// </remarks>
public static class LearnedRegularizer
{
    /// <summary>R_θ at each column of the n×m batch <paramref name="x"/>.</summary>
    /// <param name="network">The network.</param>
    /// <param name="x">The points, n×m column-major.</param>
    /// <param name="options">Null: the defaults of <see cref="RegularizerOptions"/>.</param>
    /// <exception cref="ArgumentException">x is empty, not a multiple of n or not finite, or options are out of range.</exception>
    public static RegularizerEvaluation Evaluate(InputConvexNetwork network, ReadOnlySpan<double> x, RegularizerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        int n = network.InputDimension;
        if (x.Length == 0 || x.Length % n != 0)
            throw new ArgumentException($"x has length {x.Length}, not a positive multiple of the input dimension {n}.", nameof(x));
        DenseStorage.RequireFinite(x, nameof(x));
        options ??= new RegularizerOptions();
        options.Validate(nameof(options));
        double tolerance = options.Tolerance ?? RegularizerOptions.DefaultTolerance;
        int m = x.Length / n;
        var values = new double[m];
        var preimages = new double[x.Length];
        var residuals = new double[m];
        var statuses = new SolverStatus[m];
        var iterations = new int[m];
        var psi = new double[1];
        var fStart = new double[n];
        for (int j = 0; j < m; j++)
        {
            if (options.CancellationToken.IsCancellationRequested)
            {
                // The remaining points are left unevaluated: NaN values, Cancelled status.
                for (int rest = j; rest < m; rest++) (values[rest], residuals[rest], statuses[rest]) = (double.NaN, double.NaN, SolverStatus.Cancelled);
                x.Slice(j * n).CopyTo(preimages.AsSpan(j * n));
                break;
            }
            double[] target = x.Slice(j * n, n).ToArray();
            double bound = tolerance * (1 + Norm(target));
            network.PotentialAndProx(target, psi, fStart);
            if (!double.IsFinite(psi[0]) || !fStart.All(double.IsFinite))
            {
                // ψ overflows at the start u₀ = x (α‖x‖² beyond the largest double): no solve can
                // begin, and the point is reported as a breakdown rather than an exception.
                (values[j], residuals[j], statuses[j]) = (double.NaN, double.NaN, SolverStatus.Breakdown);
                target.CopyTo(preimages, j * n);
                continue;
            }
            var lbfgs = new LbfgsOptions
            {
                // ‖g‖₂ ≤ √n·‖g‖∞, so the L-BFGS test on ‖·‖∞ implies the documented one on ‖·‖₂.
                Tolerance = bound / Math.Sqrt(n),
                MaxIterations = options.MaxIterations ?? RegularizerOptions.DefaultMaxIterations,
                CancellationToken = options.CancellationToken,
            };
            var result = Lbfgs.Minimize(new InversionObjective(network, target), target, lbfgs);
            double[] u = result.X;
            if (result.Status != SolverStatus.Cancelled && u.All(double.IsFinite))
                PreimageRefinement.Refine(network, target, u, bound);
            var fu = new double[n];
            network.PotentialAndProx(u, psi, fu);
            double residual = 0, inner = 0, half = 0;
            for (int l = 0; l < n; l++)
            {
                double d = fu[l] - target[l];
                residual += d * d;
                inner += target[l] * u[l];
                half += 0.5 * target[l] * target[l];
            }
            residuals[j] = Math.Sqrt(residual);
            values[j] = inner - half - psi[0];
            statuses[j] = residuals[j] <= bound ? SolverStatus.Converged
                : result.Status == SolverStatus.Converged ? SolverStatus.Stalled : result.Status;
            iterations[j] = result.Iterations;
            u.CopyTo(preimages, j * n);
        }
        return new(values, preimages, residuals, statuses, iterations);
    }

    private static double Norm(ReadOnlySpan<double> v)
    {
        double s = 0;
        foreach (double e in v) s += e * e;
        return Math.Sqrt(s);
    }
}
