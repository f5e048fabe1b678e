using MathNet.Numerics.LinearAlgebra;
using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Entropic optimal transport, min ⟨T, C⟩ + ε·KL(T ‖ a⊗b) over T·1 = a, Tᵀ·1 = b, by log-domain
/// (stabilised) Sinkhorn iterations on the potentials:
/// gⱼ ← −ε·log Σᵢ aᵢ·exp((fᵢ − cᵢⱼ)/ε), then fᵢ ← −ε·log Σⱼ bⱼ·exp((gⱼ − cᵢⱼ)/ε),
/// with the plan Tᵢⱼ = aᵢ·bⱼ·exp((fᵢ + gⱼ − cᵢⱼ)/ε). Defaults are POT's <c>ot.sinkhorn</c>.
/// </summary>
/// <remarks>
/// <para>
/// Every log-sum-exp is shifted by its own maximum, so no exponential overflows however small ε is
/// relative to C (the "stabilised" variant of POT's <c>method='sinkhorn_log'</c>). Each iteration makes
/// two passes over C: a column pass over C itself and a row pass over a transposed copy (m·n
/// doubles), each with m·n exponentials.
/// </para>
/// <para>
/// After the row update the row marginals are exact; the column error of the current plan falls out of
/// the next column pass for free, ‖b ⊙ (exp(gⱼ/ε + lseⱼ) − 1)‖₂, so the stopping test runs every
/// iteration (POT tests every tenth). The status is then confirmed on errors recomputed from the
/// returned plan itself. Zero masses drop out by themselves (log 0 = −∞), and their potentials are
/// what their update gives.
/// </para>
/// </remarks>
public static class SinkhornTransport
{
    /// <summary>Solves entropic OT for marginals a (length m), b (length n), an m×n cost and ε &gt; 0.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">See <see cref="Solve(ReadOnlySpan{double}, ReadOnlySpan{double}, ReadOnlySpan{double}, int, int, double, SinkhornOptions?)"/>.</exception>
    public static SinkhornResult Solve(double[] a, double[] b, Matrix<double> cost, double epsilon, SinkhornOptions? options = null)
    {
        return Solve(a, b, TransportInput.ColumnMajorCost(a, b, cost), a.Length, b.Length, epsilon, options);
    }

    /// <summary>Solves entropic OT for a column-major rows×columns cost held in a span.</summary>
    /// <param name="a">Source masses (length rows): non-negative, finite, summing to 1 within <see cref="TransportInput.MassTolerance"/>; the solve uses a/Σa.</param>
    /// <param name="b">Target masses (length columns), likewise (b/Σb).</param>
    /// <param name="cost">cᵢⱼ at index i + j·rows; finite.</param>
    /// <param name="rows">m.</param>
    /// <param name="columns">n.</param>
    /// <param name="epsilon">ε &gt; 0, finite (POT's <c>reg</c>).</param>
    /// <param name="options">Tolerance, iteration limit, threads, cancellation, progress; null for the defaults.</param>
    /// <exception cref="ArgumentException">Lengths that do not match, NaN or infinity, negative masses, sums off 1, ε ≤ 0, bad options.</exception>
    public static SinkhornResult Solve(ReadOnlySpan<double> a, ReadOnlySpan<double> b, ReadOnlySpan<double> cost, int rows, int columns, double epsilon,
        SinkhornOptions? options = null)
    {
        options ??= new SinkhornOptions();
        options.Validate(nameof(options));
        if (!(epsilon > 0) || !double.IsFinite(epsilon))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "ε must be positive and finite.");
        TransportInput.RequireProblem(a, b, cost, rows, columns);
        // The marginals every transport solver uses (a/Σa, b/Σb): with Σa ≠ Σb no plan meets both, and
        // the column error could never fall below the imbalance.
        var (an, bn, mass) = TransportInput.Normalize(a, b);

        int threads = options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;
        var monitor = new IterationMonitor(options, options.Tolerance ?? SinkhornOptions.DefaultTolerance, options.MaxIterations ?? SinkhornOptions.DefaultMaxIterations);
        unsafe
        {
            fixed (double* c = cost)
            {
                // The problem reads the cost through this pointer only inside this block.
                var problem = new SinkhornProblem(an, bn, c, rows, columns, epsilon);
                int iterations = 0;
                SolverStatus? status = monitor.MaxIterations == 0 ? SolverStatus.MaxIterations : null;
                problem.ColumnPass(threads);
                while (status is null)
                {
                    problem.UpdateColumns();
                    problem.UpdateRows(threads);
                    iterations++;
                    problem.ColumnPass(threads);
                    double error = problem.ColumnError();
                    status = monitor.Check(iterations, error);
                    monitor.Report(iterations, problem.DualValue(), error);
                }
                return problem.Result(status.Value, iterations, monitor.Tolerance, mass);
            }
        }
    }
}
