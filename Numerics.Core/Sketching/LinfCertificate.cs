using Numerics.LinearAlgebra;
using Numerics.Optimization;
using Numerics.Random;

namespace Numerics.Sketching;

/// <summary>
/// The a-posteriori ℓ∞ bound of sketched least squares. With N the sketch's (invertible)
/// preconditioner, B = A·N and r = b − A·x, exact algebra gives x* − x = N·(BᵀB)⁻¹·Bᵀr, hence
/// |xᵢ − x*ᵢ| ≤ ‖Nᵀeᵢ‖·‖Bᵀr‖ / σ_min(B)². σ_min(B) is bounded from below through an independent
/// Gaussian sketch G (m₂×n, entries N(0, 1/m₂), its own RNG stream): for B = U·Σ·Vᵀ, G·U has i.i.d.
/// N(0, 1/m₂) entries, so σ_max(G·U) ≤ 1 + √(d/m₂) + t with probability ≥ 1 − exp(−m₂t²/2)
/// (Davidson–Szarek, Thm II.13; Gordon), and σ_min(G·B) ≤ σ_max(G·U)·σ_min(B).
/// </summary>
/// <remarks>
/// What is rigorous and what is a model: the inequality above and the probability are exact. The
/// computed ‖Bᵀr‖ is replaced by ‖Bᵀr‖ + ρ with the first-order rounding model
/// ρ = c·u·(σ̂_max(B)·(‖R‖_F·‖x‖ + ‖b‖) + ‖R⁻¹‖·‖R‖_F·‖r‖), c = 2(d + √n): the error of evaluating
/// r = b − A·x and Aᵀr in double precision, with ‖R‖_F (= ‖S·A‖_F) standing in for ‖A‖_F and
/// σ_max(G·B) for σ_max(B). That term is an estimate, not a proof; so is the κ(R)·u relative
/// rounding in the computed ‖Nᵀeᵢ‖ and σ_min(G·B), which it does not cover.
/// <para>The event "σ_max(G·U) ≤ 1 + √(d/m₂) + t" concerns G and A only, so one certificate serves
/// every right-hand side of a factorization: the bounds for all of them hold together with
/// probability ≥ 1 − p.</para>
/// </remarks>
internal sealed class LinfCertificate
{
    private const double U = 2.220446049250313e-16;

    /// <summary>Rows of G per block: G is generated block by block from its counter stream, never stored whole.</summary>
    private const int RowChunk = 2048;

    private readonly SketchPreconditioner _pre;
    private readonly int _n, _d;
    private readonly double _sigmaLow, _sigmaMax, _inverseNorm;
    private readonly double[] _rowNorms;

    private LinfCertificate(SketchPreconditioner pre, int n, int d, double sigmaLow, double sigmaMax, double[] rowNorms, double conditionEstimate)
    {
        _pre = pre;
        _n = n;
        _d = d;
        _sigmaLow = sigmaLow;
        _sigmaMax = sigmaMax;
        _rowNorms = rowNorms;
        _inverseNorm = GolubKahan.Norm(rowNorms);
        ConditionEstimate = conditionEstimate;
    }

    /// <summary>Gordon's expected edges 1 ± √(d/m₂) of G·U divided out of κ(G·B): a point estimate of κ(B), not a bound.</summary>
    public double ConditionEstimate { get; }

    /// <summary>The default m₂ = max(2d, d + 50): √(d/m₂) ≤ 0.71, and at least 50 rows so that t stays small for small d.</summary>
    public static int DefaultRows(int d) => Math.Max(2 * d, d + 50);

    /// <summary>
    /// The σ_min(B) lower bound for the column-major n×d <paramref name="a"/> and its full-rank
    /// sketch preconditioner (one Gaussian sketch of A and an SVD of m₂×d); null when
    /// <paramref name="token"/> fires.
    /// </summary>
    public static LinfCertificate? Prepare<T>(T[] a, int n, int d, SketchPreconditioner pre, ulong seed, int m2, double failureProbability, CancellationToken token)
        where T : unmanaged
    {
        var ga = GaussianSketch(a, n, d, m2, seed, token);
        if (ga is null) return null;
        var gb = pre.RightMultiply(ga, m2);
        var s = new double[d];
        if (LinearAlgebraBackend.Current.Gesdd(SvdVectors.None, m2, d, gb, m2, s, [], 1, [], 1) > 0)
            throw new ArithmeticException("The SVD of the certificate's sketch G·A·N did not converge.");
        double t = Math.Sqrt(2 * Math.Log(1 / failureProbability) / m2);
        double sigmaLow = s[d - 1] / (1 + Math.Sqrt((double)d / m2) + t);
        double spread = Math.Sqrt((double)d / m2);
        return new LinfCertificate(pre, n, d, sigmaLow, s[0], pre.RowNorms(), s[0] / s[d - 1] * (1 - spread) / (1 + spread));
    }

    /// <summary>
    /// The per-coordinate bound at x with <paramref name="atr"/> = Aᵀr, its recomputed residual
    /// norm, ‖x‖ and ‖b‖.
    /// </summary>
    public double[] Bound(double[] atr, double xNorm, double residualNorm, double bNorm)
    {
        // ‖R‖_F ≥ ‖A‖ within the sketch's distortion, and ‖R⁻¹‖_F (from the row norms of N) ≥ ‖R⁻¹‖₂.
        double frobenius = _pre.Frobenius;
        double rounding = 2 * (_d + Math.Sqrt(_n)) * U
            * (_sigmaMax * (frobenius * xNorm + bNorm) + _inverseNorm * frobenius * residualNorm);
        double numerator = GolubKahan.Norm(_pre.ApplyTransposed(atr)) + rounding;
        var bound = new double[_d];
        for (int i = 0; i < _d; i++)
            bound[i] = _sigmaLow > 0 ? _rowNorms[i] * (numerator / _sigmaLow) / _sigmaLow : double.PositiveInfinity;
        return bound;
    }

    /// <summary>
    /// G·A (m₂×d) with column i of √m₂·G the normals i·m₂ … i·m₂ + m₂ − 1 of the certificate stream.
    /// A float32 A is widened block by block (the product is that of its double copy).
    /// </summary>
    private static double[]? GaussianSketch<T>(T[] a, int n, int d, int m2, ulong seed, CancellationToken token) where T : unmanaged
    {
        var rng = new CounterRng(seed, SketchStreams.Certificate);
        int chunk = Math.Min(n, RowChunk);
        var g = new double[(long)m2 * chunk];
        var ga = new double[m2 * d];
        var widened = typeof(T) == typeof(double) ? null : new double[(long)chunk * d];
        // A seeded sketch must have the same bits whatever the thread count.
        var backend = LinearAlgebraBackend.ThreadCountInvariant;
        double scale = 1 / Math.Sqrt(m2);
        for (int r0 = 0; r0 < n; r0 += chunk)
        {
            if (token.IsCancellationRequested) return null;
            int rows = Math.Min(chunk, n - r0);
            var block = g.AsSpan(0, m2 * rows);
            rng.FillNormal(block, (long)r0 * m2);
            if (widened is null)
            {
                var values = (double[])(object)a;
                backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, m2, d, rows, scale, block, m2, values.AsSpan(r0), n, 1.0, ga, m2);
            }
            else
            {
                var values = (float[])(object)a;
                for (int j = 0; j < d; j++)
                    for (int i = 0; i < rows; i++) widened[(long)j * rows + i] = values[(long)j * n + r0 + i];
                backend.Gemm(Transpose.NoTranspose, Transpose.NoTranspose, m2, d, rows, scale, block, m2, widened.AsSpan(0, rows * d), rows, 1.0, ga, m2);
            }
        }
        return ga;
    }
}
