using Numerics.Arithmetic;

namespace Numerics.Bilevel;

/// <summary>
/// The smoothed absolute value ψ_ν(t) = √(t² + ν²) of the TV and field-of-experts potentials,
/// and its derivatives as element-wise operators for <see cref="IVectorArithmetic{TVector}.Map{TOperator}(TOperator, TVector, TVector)"/>.
/// </summary>
/// <remarks>
/// ψ′ = t/√(t² + ν²) ∈ (−1, 1); ψ″ = ν²/(t² + ν²)^{3/2} ∈ (0, 1/ν]; |ψ‴| ≤ (48/(25√5))/ν² (at
/// t = ν/2). With ν = e^s, ∂ψ′/∂s = −ν²t/(t² + ν²)^{3/2}, whose derivative in t is bounded by 1/ν
/// (at t = 0). These suprema give the problems' Lipschitz constants.
/// </remarks>
public static class SmoothedAbsolute
{
    /// <summary>sup_t |ψ‴(t)|·ν² = 48/(25√5).</summary>
    public const double ThirdDerivativeBound = 0.8586501033599192;

    /// <summary>ψ_ν(t) = √(t² + ν²).</summary>
    /// <param name="Nu">ν &gt; 0.</param>
    public readonly record struct Value(double Nu) : IUnaryOperator
    {
        /// <inheritdoc />
        public double Invoke(double x) => Math.Sqrt(x * x + Nu * Nu);

        /// <inheritdoc />
        public float Invoke(float x) => (float)Invoke((double)x);
    }

    /// <summary>ψ′_ν(t) = t/√(t² + ν²).</summary>
    /// <param name="Nu">ν &gt; 0.</param>
    public readonly record struct Derivative(double Nu) : IUnaryOperator
    {
        /// <inheritdoc />
        public double Invoke(double x) => x / Math.Sqrt(x * x + Nu * Nu);

        /// <inheritdoc />
        public float Invoke(float x) => (float)Invoke((double)x);
    }

    /// <summary>(t, v) ↦ ψ″_ν(t)·v, the diagonal of the Hessian applied to a difference v.</summary>
    /// <param name="Nu">ν &gt; 0.</param>
    public readonly record struct CurvatureTimes(double Nu) : IBinaryOperator
    {
        /// <inheritdoc />
        public double Invoke(double x, double y)
        {
            double r = Math.Sqrt(x * x + Nu * Nu), c = Nu / r;
            return c * c / r * y;
        }

        /// <inheritdoc />
        public float Invoke(float x, float y) => (float)Invoke((double)x, y);
    }

    /// <summary>
    /// (t, v) ↦ sup |ψ‴_ν| over [t − r, t + r], times v: the local third-derivative bound of the
    /// constants along a vector. |ψ‴(u)| = 3ν²|u|/(u² + ν²)^{5/2} rises on [0, ν/2] and falls after,
    /// so the supremum over |u| ∈ [lo, hi] is at ν/2 when it lies inside, else at the nearer end.
    /// </summary>
    /// <param name="Nu">ν &gt; 0.</param>
    /// <param name="Radius">r ≥ 0 (+∞ gives the global bound).</param>
    public readonly record struct LocalThirdDerivativeTimes(double Nu, double Radius) : IBinaryOperator
    {
        /// <inheritdoc />
        public double Invoke(double x, double y)
        {
            double a = Math.Abs(x), lo = Math.Max(0, a - Radius), hi = a + Radius, peak = 0.5 * Nu;
            double u = hi <= peak ? hi : lo >= peak ? lo : peak;
            double s = u * u + Nu * Nu;
            return 3 * Nu * Nu * u / (s * s * Math.Sqrt(s)) * y;
        }

        /// <inheritdoc />
        public float Invoke(float x, float y) => (float)Invoke((double)x, y);
    }

    /// <summary>
    /// (t, v) ↦ sup ψ″_ν over [t − r, t + r], times v: ψ″ falls with |u|, so the supremum is at
    /// |u| = max(0, |t| − r).
    /// </summary>
    /// <param name="Nu">ν &gt; 0.</param>
    /// <param name="Radius">r ≥ 0 (+∞ gives the global bound 1/ν).</param>
    public readonly record struct LocalCurvatureTimes(double Nu, double Radius) : IBinaryOperator
    {
        /// <inheritdoc />
        public double Invoke(double x, double y)
        {
            double u = Math.Max(0, Math.Abs(x) - Radius), s = u * u + Nu * Nu;
            return Nu * Nu / (s * Math.Sqrt(s)) * y;
        }

        /// <inheritdoc />
        public float Invoke(float x, float y) => (float)Invoke((double)x, y);
    }

    /// <summary>
    /// (t, v) ↦ a bound on |∂/∂u ∂ψ′_ν(u)/∂(log ν)| over [t − r, t + r], times v. The derivative is
    /// −ν²(ν² − 2u²)/(u² + ν²)^{5/2}, at most 1/ν everywhere and at most 2ψ″(u) (as |ν² − 2u²| ≤
    /// 2(u² + ν²)), which falls with |u|: min(1/ν, 2ψ″(max(0, |t| − r))).
    /// </summary>
    /// <param name="Nu">ν &gt; 0.</param>
    /// <param name="Radius">r ≥ 0 (+∞ gives the global bound 1/ν).</param>
    public readonly record struct LocalSmoothingCurvatureTimes(double Nu, double Radius) : IBinaryOperator
    {
        /// <inheritdoc />
        public double Invoke(double x, double y)
        {
            double u = Math.Max(0, Math.Abs(x) - Radius), s = u * u + Nu * Nu;
            return Math.Min(1 / Nu, 2 * Nu * Nu / (s * Math.Sqrt(s))) * y;
        }

        /// <inheritdoc />
        public float Invoke(float x, float y) => (float)Invoke((double)x, y);
    }

    /// <summary>∂ψ′_ν(t)/∂(log ν) = −ν²t/(t² + ν²)^{3/2}.</summary>
    /// <param name="Nu">ν &gt; 0.</param>
    public readonly record struct SmoothingDerivative(double Nu) : IUnaryOperator
    {
        /// <inheritdoc />
        public double Invoke(double x)
        {
            double r = Math.Sqrt(x * x + Nu * Nu), c = Nu / r;
            return -c * c * (x / r);
        }

        /// <inheritdoc />
        public float Invoke(float x) => (float)Invoke((double)x);
    }
}
