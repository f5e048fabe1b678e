using Numerics.Optimization;

namespace Numerics.Transport;

/// <summary>
/// Options of <see cref="ExactTransport"/>. <see cref="IterativeOptions.Tolerance"/> is the tolerance of
/// the optimality certificate (<see cref="TransportCertificate"/>): the status is
/// <see cref="SolverStatus.Converged"/> only when the marginal violations are at most Tolerance and the
/// dual-feasibility and complementary-slackness violations at most Tolerance·max|cᵢⱼ|; null means
/// <see cref="DefaultTolerance"/>. <see cref="IterativeOptions.MaxIterations"/> limits the pivots;
/// null means <see cref="DefaultMaxIterations"/>. The token is checked and one progress record sent per pivot.
/// </summary>
public sealed record ExactTransportOptions : IterativeOptions
{
    /// <summary>
    /// The default certificate tolerance, 1e-9: the recomputed violations of a finished solve sit at
    /// the rounding level, about (m + n)·u ≈ 1e-12 at m = n = 2000, so 1e-9 only fails a solve
    /// that has not finished, and still certifies nine digits.
    /// </summary>
    public const double DefaultTolerance = 1e-9;

    /// <summary>
    /// The pivot limit when none is given: max(100 000, 50·(m + n)). 100 000 is POT's
    /// <c>numItermax</c>; it is too few at m = n = 4000, where POT stops short, so the limit grows with
    /// the size. Block-search pivoting takes about 5 to 15 pivots per node on random problems.
    /// </summary>
    public static int DefaultMaxIterations(int rows, int columns) => (int)Math.Min(int.MaxValue, Math.Max(100_000L, 50L * (rows + columns)));
}
