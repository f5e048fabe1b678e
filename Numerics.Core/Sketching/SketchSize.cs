namespace Numerics.Sketching;

/// <summary>The default sketch size m for a tall n×d least-squares problem.</summary>
/// <remarks>
/// m = max(4d, ⌈d·ln(d/δ)⌉, d + ⌈2d·ln(2d/δ)/ε²⌉), capped at the largest size the sketch allows
/// (N = 2^⌈log₂ n⌉ for SRHT, n otherwise).
/// <list type="bullet">
/// <item>4d keeps the sketch a subspace embedding with small distortion (κ(A·R⁻¹) ≲ 3).</item>
/// <item>d·ln(d/δ) is the coupon-collector floor below which uniform row sampling can miss a
/// whole class of rows on coherent inputs.</item>
/// <item>d + 2d·ln(2d/δ)/ε² comes from the Gaussian-sketch model of the ℓ∞ error,
/// ε̂ ≈ √(2d·ln(2d/δ)/(m − d)), with ε̂ = √d·‖x′ − x*‖∞ / (‖r‖·‖A⁺‖): it aims at ε̂ ≈ ε in
/// the worst (flat-spectrum, coherent-V) case with probability 1 − δ.</item>
/// </list>
/// The published rate ε⁻²·d·log³(n/δ) is 100–250× larger at practical sizes and its proof is
/// disputed, so it is not used. <see cref="SketchedLeastSquares.Solve(MathNet.Numerics.LinearAlgebra.Matrix{double}, MathNet.Numerics.LinearAlgebra.Vector{double}, SketchedLeastSquaresOptions?)"/> never uses a default above
/// n/2: it switches to sketch-and-precondition or QR instead and says so in its result.
/// </remarks>
public static class SketchSize
{
    /// <summary>The default m for d columns and n rows.</summary>
    /// <param name="columns">d ≥ 1.</param>
    /// <param name="rows">n ≥ d.</param>
    /// <param name="kind">The sketch (sets the cap).</param>
    /// <param name="epsilon">Target ℓ∞ error statistic ε̂ (&gt; 0). Default 1.</param>
    /// <param name="delta">Failure probability in (0, 1). Default 0.05.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public static int Default(int columns, int rows, SketchKind kind = SketchKind.Srht, double epsilon = 1.0, double delta = 0.05)
    {
        if (columns < 1) throw new ArgumentException($"columns must be at least 1, got {columns}.", nameof(columns));
        if (rows < columns) throw new ArgumentException($"rows ({rows}) must be at least columns ({columns}).", nameof(rows));
        if (!(epsilon > 0) || !double.IsFinite(epsilon)) throw new ArgumentException($"epsilon must be positive, got {epsilon}.", nameof(epsilon));
        if (!(delta > 0 && delta < 1)) throw new ArgumentException($"delta must lie in (0, 1), got {delta}.", nameof(delta));
        double d = columns;
        double m = Math.Max(4 * d, Math.Max(Math.Ceiling(d * Math.Log(Math.Max(1, d / delta))),
            d + Math.Ceiling(2 * d * Math.Log(2 * d / delta) / (epsilon * epsilon))));
        long cap = kind == SketchKind.Srht ? (long)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)rows) : rows;
        return (int)Math.Min(cap, m);
    }
}
