using Numerics.Arithmetic;

namespace Numerics.Bilevel;

/// <summary>
/// Learning the two parameters of smoothed total-variation denoising from clean/noisy image pairs:
/// the lower level h(x, θ) = ½‖x − y‖² + e^{θ₀} Σᵢ ψ_ν((Dx)ᵢ), ν = e^{θ₁}, denoises the noisy
/// stack y; the upper level g(x) = ‖x − x*‖²/(2N) is the squared error against the clean stack x*
/// per image (N images), as in MAID's reference code.
/// </summary>
/// <remarks>
/// <para>
/// D is the anisotropic forward-difference operator of <see cref="IImageOperators{TVector}"/> and
/// ψ_ν the smoothed absolute value (<see cref="SmoothedAbsolute"/>). With w = e^{θ₀}:
/// ∇ₓh = x − y + w Dᵀψ′(Dx); ∇²ₓₓh = I + w Dᵀ diag(ψ″(Dx)) D; B = [w Dᵀψ′(Dx), w Dᵀ∂_{log ν}ψ′(Dx)].
/// </para>
/// <para>
/// Certified constants (‖D‖² ≤ 8, each row of D has 2-norm √2): μ = 1, L = 1 + 8w/ν,
/// ‖B‖ exact at x (the largest eigenvalue of the 2 × 2 Gram matrix of its columns),
/// L_B = 8√2·w/ν, L_A = 8√2·w·sup|ψ‴| = 8√2·(48/(25√5))·w/ν², L_g = 1/N.
/// </para>
/// <para>
/// Along the adjoint q, within a radius ρ of x (<see cref="IAdjointLipschitzBounds{TVector}"/>),
/// the constants are far smaller, because A and B change through the element-wise ψ″ and ψ′ only,
/// and each difference (Dx′)ᵢ stays within √2ρ of (Dx)ᵢ. With mᵢ, ℓᵢ, kᵢ the suprema of |ψ‴|, ψ″
/// and |∂ψ″/∂log ν| over those intervals (<see cref="SmoothedAbsolute"/>):
/// (A(x′) − A(x))q = w Dᵀ(s ⊙ Dq) with |sᵢ| ≤ mᵢ|(D(x′ − x))ᵢ|, so a_q = w·min(8‖m ⊙ Dq‖∞, 4‖m ⊙ Dq‖₂);
/// and (B(x′) − B(x))ᵀq = w(⟨Δψ′, Dq⟩, ⟨Δ∂_{log ν}ψ′, Dq⟩), so b_q = √8·w·(‖ℓ ⊙ Dq‖² + ‖k ⊙ Dq‖²)^{1/2}.
/// Against L_A‖q‖ = 8√2·w·sup|ψ‴|·‖q‖ this gains twice: ‖Dq‖∞ ≪ ‖q‖ for an adjoint spread over
/// many pixels, and the local |ψ‴| is far below its supremum wherever |(Dx)ᵢ| is far from ν/2.
/// </para>
/// <para>
/// The problem holds scratch vectors, so one instance serves one solve at a time; dispose it to
/// release them.
/// </para>
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class TotalVariationDenoisingProblem<TVector> : IBilevelProblem<TVector>, IAdjointLipschitzBounds<TVector>, IDisposable, IProvenConstants
{
    /// <summary>‖D‖₂² ≤ 8 for 2-D forward differences.</summary>
    private const double DifferenceNormSquared = 8.0;

    /// <summary>The 2-norm of each row of D (two entries ±1).</summary>
    private static readonly double RowNorm = Math.Sqrt(2.0);

    private readonly IVectorArithmetic<TVector> _ops;
    private readonly IImageOperators<TVector> _images;
    private readonly DenoisingPair<TVector> _pair;
    private readonly TVector _d, _e, _f, _r, _s;

    /// <summary>A problem on a clean and a noisy stack of the given shape (both copied).</summary>
    /// <exception cref="ArgumentException">A stack's length differs from the shape's pixel count or holds NaN/∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The shape has a non-positive dimension.</exception>
    public TotalVariationDenoisingProblem(IVectorArithmetic<TVector> arithmetic, IImageOperators<TVector> images, ImageShape shape, TVector clean, TVector noisy)
    {
        ArgumentNullException.ThrowIfNull(images);
        _pair = new DenoisingPair<TVector>(arithmetic, shape, clean, noisy);
        _ops = arithmetic;
        _images = images;
        Shape = shape;
        int p = shape.Pixels;
        _d = _ops.Create(2 * p);
        _e = _ops.Create(2 * p);
        _f = _ops.Create(2 * p);
        _r = _ops.Create(p);
        _s = _ops.Create(p);
    }

    /// <summary>The image stack's shape.</summary>
    public ImageShape Shape { get; }

    /// <inheritdoc />
    public int ParameterCount => 2;

    /// <inheritdoc />
    public int LowerDimension => Shape.Pixels;

    /// <inheritdoc />
    public double UpperSmoothness => _pair.UpperSmoothness;

    /// <inheritdoc />
    public bool ConstantsCertified => true;

    /// <inheritdoc />
    public void StartingPoint(ReadOnlySpan<double> theta, TVector x) => _pair.StartingPoint(x);

    /// <inheritdoc />
    public double UpperLoss(TVector x, TVector gradient) => _pair.UpperLoss(x, gradient);

    /// <inheritdoc />
    public double LowerObjective(ReadOnlySpan<double> theta, TVector x, TVector gradient)
    {
        var (w, nu) = Parameters(theta);
        _images.Differences(Shape, x, _d);
        _ops.Map(new SmoothedAbsolute.Value(nu), _d, _e);
        double penalty = _ops.SumOfMagnitudes(_e);
        _ops.Map(new SmoothedAbsolute.Derivative(nu), _d, _e);
        _images.DifferencesAdjoint(Shape, _e, gradient);
        _ops.Copy(x, _r);
        _ops.Axpby(-1.0, _pair.Noisy, 1.0, _r);
        double fit = _ops.Norm(_r);
        _ops.Axpby(1.0, _r, w, gradient);
        return 0.5 * fit * fit + w * penalty;
    }

    /// <inheritdoc />
    public void LowerHessianProduct(ReadOnlySpan<double> theta, TVector x, TVector v, TVector result)
    {
        var (w, nu) = Parameters(theta);
        _images.Differences(Shape, x, _d);
        _images.Differences(Shape, v, _e);
        _ops.Map(new SmoothedAbsolute.CurvatureTimes(nu), _d, _e, _e);
        _images.DifferencesAdjoint(Shape, _e, result);
        _ops.Axpby(1.0, v, w, result);
    }

    /// <inheritdoc />
    public void MixedProductTranspose(ReadOnlySpan<double> theta, TVector x, TVector v, Span<double> result)
    {
        var (w, nu) = Parameters(theta);
        _images.Differences(Shape, x, _d);
        _images.Differences(Shape, v, _e);
        var (first, second) = MixedColumnsDot(nu, _e);
        result[0] = w * first;
        result[1] = w * second;
    }

    /// <inheritdoc />
    public LowerLevelConstants Constants(ReadOnlySpan<double> theta, TVector x)
    {
        var (w, nu) = Parameters(theta);
        _images.Differences(Shape, x, _d);
        _ops.Map(new SmoothedAbsolute.Derivative(nu), _d, _e);
        _images.DifferencesAdjoint(Shape, _e, _r);
        _ops.Map(new SmoothedAbsolute.SmoothingDerivative(nu), _d, _e);
        _images.DifferencesAdjoint(Shape, _e, _s);
        // ‖B‖₂² is the larger eigenvalue of the Gram matrix [a c; c b] of the two columns.
        double first = _ops.Norm(_r), second = _ops.Norm(_s), cross = _ops.Dot(_r, _s);
        double a = first * first, b = second * second;
        double largest = 0.5 * (a + b) + Math.Sqrt(0.25 * (a - b) * (a - b) + cross * cross);
        double mixedNorm = w * Math.Sqrt(largest);
        double rowNorm = RowNorm;
        return new LowerLevelConstants(
            StrongConvexity: 1.0,
            Smoothness: 1.0 + DifferenceNormSquared * w / nu,
            MixedNorm: mixedNorm,
            HessianLipschitz: DifferenceNormSquared * rowNorm * SmoothedAbsolute.ThirdDerivativeBound * w / (nu * nu),
            MixedLipschitz: DifferenceNormSquared * rowNorm * w / nu);
    }

    /// <inheritdoc />
    public AdjointLipschitz AdjointLipschitz(ReadOnlySpan<double> theta, TVector x, TVector q, double radius)
    {
        var (w, nu) = Parameters(theta);
        // Each difference moves by at most √2‖x′ − x‖ (a row of D has 2-norm √2): the suprema of
        // ψ‴, ψ″ and ∂ψ″/∂log ν are taken over that interval around (Dx)ᵢ, element by element.
        double r = radius >= 0 ? RowNorm * radius : double.PositiveInfinity;
        _images.Differences(Shape, x, _d);
        _images.Differences(Shape, q, _e);
        // ‖Dᵀ(s ⊙ Dq)‖ ≤ √8‖s ⊙ Dq‖ and |sᵢ| ≤ mᵢ|(D(x′ − x))ᵢ|, so ‖s ⊙ Dq‖ ≤ min(‖m ⊙ Dq‖∞·√8, ‖m ⊙ Dq‖₂·√2)·‖x′ − x‖.
        _ops.Map(new SmoothedAbsolute.LocalThirdDerivativeTimes(nu, r), _d, _e, _f);
        double hessian = w * Math.Min(DifferenceNormSquared * _ops.MaxAbs(_f), 4 * _ops.Norm(_f));
        // |⟨Δψ′, Dq⟩| ≤ ‖ℓ ⊙ Dq‖₂·‖D(x′ − x)‖₂ ≤ √8‖ℓ ⊙ Dq‖₂‖x′ − x‖, ℓ the local bound of ψ″ (and likewise for ∂ψ′/∂log ν).
        _ops.Map(new SmoothedAbsolute.LocalCurvatureTimes(nu, r), _d, _e, _f);
        double weight = _ops.Norm(_f);
        _ops.Map(new SmoothedAbsolute.LocalSmoothingCurvatureTimes(nu, r), _d, _e, _f);
        double smoothing = _ops.Norm(_f);
        double mixed = w * Math.Sqrt(DifferenceNormSquared) * Math.Sqrt(weight * weight + smoothing * smoothing);
        return new AdjointLipschitz(hessian, mixed);
    }

    /// <summary>(⟨ψ′(Dx), Dv⟩, ⟨∂_{log ν}ψ′(Dx), Dv⟩) with Dx in the first scratch and Dv in <paramref name="dv"/>.</summary>
    private (double First, double Second) MixedColumnsDot(double nu, TVector dv)
    {
        _ops.Map(new SmoothedAbsolute.Derivative(nu), _d, _f);
        double first = _ops.Dot(_f, dv);
        _ops.Map(new SmoothedAbsolute.SmoothingDerivative(nu), _d, _f);
        return (first, _ops.Dot(_f, dv));
    }

    private static (double Weight, double Smoothing) Parameters(ReadOnlySpan<double> theta) => (Math.Exp(theta[0]), Math.Exp(theta[1]));

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var v in new[] { _d, _e, _f, _r, _s }) _ops.Release(v);
        _pair.Dispose();
    }
}
