namespace Numerics.Core.Tests.Proximal;

/// <summary>The tolerances of the learned-proximal-network tests, each with where it comes from.</summary>
internal static class ProximalTolerances
{
    /// <summary>
    /// Step of the central differences: the truncation error ε²·|g‴|/6 and the rounding error
    /// u·|g|/ε balance near ε = u^{1/3} ≈ 5e-6 for |g‴| of order one; 1e-5 is that scale.
    /// </summary>
    public const double Step = 1e-5;

    /// <summary>
    /// Central difference against the analytic derivative, relative to 1 + the size of the
    /// quantity: with ε = 1e-5 the truncation ε²·|g‴|/6 is ≈ 2e-11·|g‴| and the rounding ≈ 1e-11·|g|;
    /// β = 10 makes third derivatives up to β² ≈ 100 times larger than g's scale, so ≈ 2e-9. 1e-6
    /// leaves room for sums over a batch and still catches any wrong term, which is O(1e-2) or more.
    /// </summary>
    public const double FiniteDifference = 1e-6;

    /// <summary>
    /// Two evaluations of the same symmetric bilinear form (uᵀHv against vᵀHu) in double precision,
    /// each a sum of a few hundred products: a few hundred u relative, so 1e-12.
    /// </summary>
    public const double Symmetry = 1e-12;

    /// <summary>
    /// A convexity inequality (midpoint, first order, monotonicity) may be tight to rounding when ψ
    /// is nearly affine along the line: a slack of 1e-12 relative to the magnitudes involved.
    /// </summary>
    public const double ConvexitySlack = 1e-12;

    /// <summary>
    /// One batch against its columns one at a time: the GEMM blocks the two differently, so the
    /// values differ by rounding, a few tens of u relative for widths ≤ 50.
    /// </summary>
    public const double BatchConsistency = 1e-12;

    /// <summary>
    /// The inversion residual requested in the regulariser tests, relative to 1 + ‖x‖: the notes'
    /// 1e-8, and far above the ≈1e-15 at which ∇F = f(u) − x can be evaluated.
    /// </summary>
    public const double Inversion = 1e-10;

    /// <summary>
    /// The global prox-optimality inequality ½‖v − x‖² + R(x) ≤ ½‖v − z‖² + R(z) holds exactly; each
    /// side carries the inversion error, second order in the residual (R's error is ≈ residual·‖δŷ‖),
    /// and a few u of the values' size. 1e-9 relative to the values covers both.
    /// </summary>
    public const double OptimalitySlack = 1e-9;

    /// <summary>
    /// A trained denoiser against the exact one: after 900 steps at batch 256 the finite training
    /// leaves f a few hundredths from E[x | y] (measured 0.041 on [−2, 2] for this seed, equal to four
    /// digits on the managed, OpenBLAS and MKL backends; 0.036 after 1200 steps at batch 512, 0.028
    /// after 800 at batch 1024, so the gap is the training budget). 0.05 still fails any training that
    /// does not find the shrinkage: the untrained network is off by more than 0.5.
    /// </summary>
    public const double LearnedShrinkage = 0.05;
}
