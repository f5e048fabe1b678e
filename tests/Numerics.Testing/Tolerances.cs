namespace Numerics.Testing;

/// <summary>
/// Every tolerance the suites use, in one place, each with where it comes from. A test that needs
/// a looser value than one listed here adds a new, justified constant instead of loosening one.
/// </summary>
public static class Tolerances
{
    /// <summary>Unit round-off of double, 2⁻⁵³.</summary>
    public const double DoubleEpsilon = 1.1102230246251565e-16;

    /// <summary>Unit round-off of float, 2⁻²⁴.</summary>
    public const double SingleEpsilon = 5.9604644775390625e-8;

    /// <summary>
    /// Element-wise host reductions (dot, norm, row and column sums) of length ≤ 10⁴ against a
    /// naive double loop: γ_n·Σ|xᵢyᵢ| with n ≈ 10⁴ is about 1e-12 relative; 1e-12 leaves no slack
    /// for a wrong summation order to hide in (a wrong element would be off by O(1)).
    /// </summary>
    public const double Reduction = 1e-12;

    /// <summary>
    /// fl(x + α·d) against x + α·d computed again: one product and one sum (or one fused
    /// multiply-add), each rounding by at most u relative, so |error| ≤ 2u·(|x| + |α·d|).
    /// </summary>
    public const double AxpyRounding = 2 * DoubleEpsilon;

    /// <summary>
    /// Near a minimiser x* with Hessian H*, x − x* = H*⁻¹·∇f(x) + O(‖x − x*‖²), so
    /// ‖x − x*‖₂ ≤ ‖∇f(x)‖₂ / λ_min(H*) to first order. The factor 2 absorbs the second-order term,
    /// relative to the first about ‖∇³f‖·‖∇f‖/λ_min²: on Rosenbrock (‖∇³f‖ ≈ 10³, λ_min ≈ 0.4,
    /// ‖∇f‖ ≤ 1e-5) ≈ 0.06, on the logistic problem (‖∇³f‖ ≤ 1, λ_min ≈ 0.04, ‖∇f‖ ≤ 1e-9) ≈ 1e-6.
    /// </summary>
    public const double NewtonRegionFactor = 2;

    /// <summary>
    /// Forward error of a Cholesky solve of an n×n SPD system with condition number κ, relative to
    /// ‖x‖₂: backward error ≤ c·n·u (Higham, Accuracy and Stability, Thm 10.4) times κ, with c = 4
    /// covering the constant in front of n.
    /// </summary>
    public static double CholeskySolve(int n, double condition) => 4 * n * condition * DoubleEpsilon;

    /// <summary>
    /// Normwise backward error of a Householder QR, Cholesky or triangular solve of order n, relative
    /// to the data: ‖A − Q·R‖_F ≤ γ̃·‖A‖_F with γ̃ = c·n·u (Higham, Accuracy and Stability, Thms 19.4,
    /// 10.3 and 8.5); c = 4 covers the constants, and a wrong block (a missing or misplaced
    /// reflector, a stale update) leaves an O(1) error instead.
    /// </summary>
    public static double FactorizationBackward(int n) => 4 * n * DoubleEpsilon;

    /// <summary>
    /// Gradient tolerance (‖∇f‖∞) of the κ = 1e6 quadratic (n = 50, |f*| ≈ 0.64): as low as f can
    /// follow. Measured: L-BFGS reaches 1e-8 after ≈ 3200 iterations, and f stops resolving progress
    /// (the stall rule fires) at ≈ 5.7e-9, so 2e-8 leaves a factor 3.5. The error bound
    /// ‖x − x*‖₂ ≤ ‖∇f‖₂/λ_min it certifies is ≈ 3e-2 against ‖x*‖₂ ≈ 4: κ = 1e6 allows no better.
    /// </summary>
    public const double QuadraticGradient = 2e-8;

    /// <summary>
    /// Gradient tolerance (‖∇f‖∞) of the logistic-regression solve compared with Newton's method
    /// (200×10, λ = 1e-3, f* ≈ 0.34). Measured: reached in 15 iterations; f stops resolving
    /// progress at ≈ 6e-11, so 1e-9 leaves a factor 17.
    /// </summary>
    public const double LogisticGradient = 1e-9;

    /// <summary>
    /// Newton's method on the logistic problem stops at ‖∇f‖₂ below this: a few units of round-off
    /// of the gradient's terms (O(1) each, summed over m = 200 rows / m), so the reference is exact to
    /// ‖H⁻¹‖·1e-14 ≤ 1e-11, far below the L-BFGS error being checked.
    /// </summary>
    public const double NewtonGradient = 1e-14;

    /// <summary>
    /// Rounding of a recomputed residual b − A·x (or of one matrix–vector product) relative to
    /// ‖A‖·‖x‖ + ‖b‖, for n ≤ 200: γ_n = n·u ≈ 2.2e-14; two computations of it (library and test)
    /// may differ by twice that. 1e-13 keeps a factor 2 of slack.
    /// </summary>
    public const double MatVecRounding = 1e-13;

    /// <summary>
    /// Relative residual ‖b − A·x‖/‖b‖ asked of conjugate gradients on the κ = 10⁶ system with
    /// b = A·x_true: above the attainable floor, about u·‖A‖‖x‖/‖b‖ ≈ 5u for a log-spaced
    /// spectrum, so a correct solver reaches it; far below what a wrong one would give.
    /// </summary>
    public const double ConjugateGradientResidual = 1e-12;

    /// <summary>
    /// Slack on the perturbation bound ‖x − x*‖/‖x*‖ ≤ κ·‖b − A·x‖/‖b‖: the bound is exact for the
    /// exact residual; the factor covers the Cholesky reference's own forward error (≈ κ·n·u) and the
    /// rounding of the residual. A wrong solution misses it by orders of magnitude.
    /// </summary>
    public const double ConditionBoundSlack = 10;

    /// <summary>
    /// Gradient-mapping norm asked of FISTA on the test lasso (‖A‖² ≈ 10², σ_min(A)² ≈ 2): about
    /// 10⁶·u relative to the gradient's scale, reachable in a few hundred iterations.
    /// </summary>
    public const double ProximalGradientResidual = 1e-10;

    /// <summary>
    /// ‖x − x_cd‖∞ between FISTA and the coordinate-descent reference on the test lasso. Both stop
    /// with an optimality residual ≈ 1e-10; μ-strong convexity (μ = σ_min(A)² ≈ 2) turns that into
    /// a distance to the minimiser of ≈ (1 + tL)/μ·1e-10 ≈ 1e-10 each; 1e-8 leaves a factor 50.
    /// </summary>
    public const double LassoSolution = 1e-8;

    /// <summary>
    /// Violation of the lasso KKT conditions |a_jᵀ(b − Ax) − λ·sign(x_j)| (x_j ≠ 0) and
    /// |a_jᵀ(b − Ax)| − λ (x_j = 0) at an answer whose gradient mapping is ≈ 1e-10: bounded by
    /// (1 + tL)·‖G‖ ≈ 1e-9 (t·L ≤ 1 after backtracking); 1e-8 leaves a factor 10.
    /// </summary>
    public const double LassoKkt = 1e-8;

    /// <summary>
    /// Adam's first steps against the bias-corrected formula written out in a test: the same
    /// operations in possibly another association, a few units of round-off relative to |θ| + η.
    /// </summary>
    public const double AdamStep = 1e-15;

    /// <summary>
    /// The accuracy band of a certified spectral clip, in units of its tolerance tol: the library
    /// documents that a Converged result has every singular value within about tol (relative for the
    /// soft clip, relative to c for the hard clip, absolute for the polar factor), and its fallback
    /// rule rejects norm bounds above c(1 + 10·tol). 10·tol is that documented band.
    /// </summary>
    public const double SpectralBand = 10;

    /// <summary>
    /// Factor a of the rounding term a·u_T·k·scale that a spectral result stored in T carries on top
    /// of the tolerance band: the last product (Z/√α)·X with ‖Z/√α‖₂ ≤ 1 (soft clip), the last
    /// product of the sign iteration (polar) or the exact result rounded to T (fallback), each
    /// rounding by about k·u_T relative to the scale of its operands (σ_max for the soft clip,
    /// c for the hard clip, 1 for the polar factor), plus one rounding on storing.
    /// </summary>
    public const double SpectralOutputRounding = 2;

    /// <summary>
    /// Relative accuracy of the largest singular value from LAPACK's SVD in double (gesdd): a few
    /// (m + n)·u for m, n ≤ 200. Used as the slack when a proven upper bound is compared with
    /// ‖H‖₂ computed that way.
    /// </summary>
    public const double SvdNormRounding = 1e-13;

    /// <summary>
    /// The polar factor's null band, in units of √(2·tol): a certified output Gram matrix N with
    /// ‖N² − N‖_F ≤ 2·tol has every eigenvalue μ with μ ≤ 2·tol/(1 − μ), so every small output
    /// singular value is at most √(2·tol)·(1 + O(tol)); the factor 2 covers the rounding of N in T.
    /// </summary>
    public const double PolarNullBand = 2;
}
