using Numerics.Arithmetic;
using Numerics.Random;

namespace Numerics.Bilevel;

/// <summary>
/// Learning a field of experts for denoising: K filters c_k (k × k), their weights β_k and the
/// smoothings ν_k of their potentials. The lower level is
/// h(x, θ) = ½‖x − y‖² + Σ_k β_k Σ_pixels ψ_{ν_k}(K_k x), with K_k the "valid" correlation with c_k;
/// the upper level g(x) = ‖x − x*‖²/(2N) as in <see cref="TotalVariationDenoisingProblem{TVector}"/>.
/// </summary>
/// <remarks>
/// <para>
/// θ = (log β₁..K, log ν₁..K, c₁, …, c_K), n = K(2 + k²). ∇ₓh = x − y + Σ β_k K_kᵀψ′(K_k x);
/// ∇²ₓₓh = I + Σ β_k K_kᵀ diag(ψ″(K_k x)) K_k. The mixed products in the filter entries use
/// <see cref="IImageOperators{TVector}.CorrelationFilterGradient"/>:
/// ∂⟨∇ₓh, v⟩/∂c_k = β_k[G(v, ψ′(K_k x)) + G(x, ψ″(K_k x) ⊙ K_k v)].
/// </para>
/// <para>
/// Certified constants, with ‖K_k‖₂ ≤ ‖c_k‖₁, ‖K(e)‖₂ ≤ k‖e‖₂, ‖K_k z‖_∞ ≤ ‖c_k‖₂‖z‖₂ and the
/// suprema of <see cref="SmoothedAbsolute"/>: μ = 1; L = 1 + Σ β_k‖c_k‖₁²/ν_k (the analytic bound,
/// not the reference code's power iterations); L_A = Σ β_k‖c_k‖₁²‖c_k‖₂·0.8587/ν_k²; ‖B‖ from the
/// exact weight and smoothing columns plus a bound on each filter block; L_B on the segment
/// between x̃ and x̂, whose points have norm ≤ X = max(‖x‖, ‖y‖ + (2Σ β_k‖K_k y‖₁)^{1/2}) because
/// h(x̂) ≤ h(y) bounds ‖x̂ − y‖.
/// </para>
/// <para>One instance serves one solve at a time (it holds scratch vectors); dispose it to release them.</para>
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class FieldOfExpertsProblem<TVector> : IBilevelProblem<TVector>, IAdjointLipschitzBounds<TVector>, IDisposable, IProvenConstants
{
    private readonly IVectorArithmetic<TVector> _ops;
    private readonly IImageOperators<TVector> _images;
    private readonly DenoisingPair<TVector> _pair;
    private readonly TVector _kx, _kv, _f, _r;
    private readonly double _noisyNorm;

    /// <summary>A problem with <paramref name="filters"/> filters of <paramref name="filterSize"/>² on clean and noisy stacks (copied).</summary>
    /// <exception cref="ArgumentException">A stack's length differs from the shape's, holds NaN/∞, or the filters are larger than the images.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The shape, the filter count or the filter size is not positive.</exception>
    public FieldOfExpertsProblem(IVectorArithmetic<TVector> arithmetic, IImageOperators<TVector> images, ImageShape shape, TVector clean, TVector noisy, int filters, int filterSize)
    {
        ArgumentNullException.ThrowIfNull(images);
        shape.Validate(nameof(shape));
        if (filters < 1) throw new ArgumentOutOfRangeException(nameof(filters), filters, "At least one filter is needed.");
        if (filterSize < 1) throw new ArgumentOutOfRangeException(nameof(filterSize), filterSize, "The filter size must be positive.");
        if (filterSize > shape.Height || filterSize > shape.Width)
            throw new ArgumentException($"{filterSize}×{filterSize} filters do not fit {shape.Height}×{shape.Width} images.", nameof(filterSize));
        _pair = new DenoisingPair<TVector>(arithmetic, shape, clean, noisy);
        _ops = arithmetic;
        _images = images;
        Shape = shape;
        Filters = filters;
        FilterSize = filterSize;
        Responses = new ImageShape(shape.Count, shape.Height - filterSize + 1, shape.Width - filterSize + 1);
        _noisyNorm = _ops.Norm(_pair.Noisy);
        _kx = _ops.Create(Responses.Pixels);
        _kv = _ops.Create(Responses.Pixels);
        _f = _ops.Create(Responses.Pixels);
        _r = _ops.Create(shape.Pixels);
    }

    /// <summary>The image stack's shape.</summary>
    public ImageShape Shape { get; }

    /// <summary>The shape of one filter's responses.</summary>
    public ImageShape Responses { get; }

    /// <summary>K, the number of filters.</summary>
    public int Filters { get; }

    /// <summary>k, the filter side.</summary>
    public int FilterSize { get; }

    /// <inheritdoc />
    public int ParameterCount => Filters * (2 + FilterSize * FilterSize);

    /// <inheritdoc />
    public int LowerDimension => Shape.Pixels;

    /// <inheritdoc />
    public double UpperSmoothness => _pair.UpperSmoothness;

    /// <inheritdoc />
    public bool ConstantsCertified => true;

    /// <summary>
    /// A starting θ: log β = −3 and log ν = −3.5 (MAID's FoE script), filters drawn Xavier-normal
    /// (variance 2/(2k²)) from the counter-based generator with <paramref name="seed"/>, mean removed.
    /// </summary>
    public double[] InitialParameters(ulong seed)
    {
        var theta = new double[ParameterCount];
        int k2 = FilterSize * FilterSize;
        for (int f = 0; f < Filters; f++) { theta[f] = -3.0; theta[Filters + f] = -3.5; }
        var filters = theta.AsSpan(2 * Filters);
        new CounterRng(seed).FillNormal(filters);
        double scale = Math.Sqrt(2.0 / (2 * k2));
        for (int f = 0; f < Filters; f++)
        {
            var c = filters.Slice(f * k2, k2);
            double mean = 0;
            foreach (double v in c) mean += v / k2;
            for (int i = 0; i < k2; i++) c[i] = (c[i] - mean) * scale;
        }
        return theta;
    }

    /// <inheritdoc />
    public void StartingPoint(ReadOnlySpan<double> theta, TVector x) => _pair.StartingPoint(x);

    /// <inheritdoc />
    public double UpperLoss(TVector x, TVector gradient) => _pair.UpperLoss(x, gradient);

    /// <inheritdoc />
    public double LowerObjective(ReadOnlySpan<double> theta, TVector x, TVector gradient)
    {
        _ops.Copy(x, gradient);
        _ops.Axpby(-1.0, _pair.Noisy, 1.0, gradient);
        double fit = _ops.Norm(gradient), penalty = 0;
        for (int f = 0; f < Filters; f++)
        {
            var (beta, nu) = Weights(theta, f);
            var c = Coefficients(theta, f);
            _images.Correlate(Shape, c, FilterSize, x, _kx);
            _ops.Map(new SmoothedAbsolute.Value(nu), _kx, _f);
            penalty += beta * _ops.SumOfMagnitudes(_f);
            _ops.Map(new SmoothedAbsolute.Derivative(nu), _kx, _f);
            _images.CorrelateAdjoint(Shape, c, FilterSize, _f, _r);
            _ops.Axpby(beta, _r, 1.0, gradient);
        }
        return 0.5 * fit * fit + penalty;
    }

    /// <inheritdoc />
    public void LowerHessianProduct(ReadOnlySpan<double> theta, TVector x, TVector v, TVector result)
    {
        _ops.Copy(v, result);
        for (int f = 0; f < Filters; f++)
        {
            var (beta, nu) = Weights(theta, f);
            var c = Coefficients(theta, f);
            _images.Correlate(Shape, c, FilterSize, x, _kx);
            _images.Correlate(Shape, c, FilterSize, v, _kv);
            _ops.Map(new SmoothedAbsolute.CurvatureTimes(nu), _kx, _kv, _f);
            _images.CorrelateAdjoint(Shape, c, FilterSize, _f, _r);
            _ops.Axpby(beta, _r, 1.0, result);
        }
    }

    /// <inheritdoc />
    public void MixedProductTranspose(ReadOnlySpan<double> theta, TVector x, TVector v, Span<double> result)
    {
        int k2 = FilterSize * FilterSize;
        Span<double> part = stackalloc double[k2];
        for (int f = 0; f < Filters; f++)
        {
            var (beta, nu) = Weights(theta, f);
            var c = Coefficients(theta, f);
            _images.Correlate(Shape, c, FilterSize, x, _kx);
            _images.Correlate(Shape, c, FilterSize, v, _kv);
            _ops.Map(new SmoothedAbsolute.Derivative(nu), _kx, _f);
            result[f] = beta * _ops.Dot(_f, _kv);
            var filterPart = result.Slice(2 * Filters + f * k2, k2);
            _images.CorrelationFilterGradient(Shape, FilterSize, v, _f, filterPart);
            _ops.Map(new SmoothedAbsolute.SmoothingDerivative(nu), _kx, _f);
            result[Filters + f] = beta * _ops.Dot(_f, _kv);
            _ops.Map(new SmoothedAbsolute.CurvatureTimes(nu), _kx, _kv, _f);
            _images.CorrelationFilterGradient(Shape, FilterSize, x, _f, part);
            for (int i = 0; i < k2; i++) filterPart[i] = beta * (filterPart[i] + part[i]);
        }
    }

    /// <inheritdoc />
    public LowerLevelConstants Constants(ReadOnlySpan<double> theta, TVector x)
    {
        double smoothness = 1, hessianLipschitz = 0, mixedSquared = 0, mixedLipschitzSquared = 0, radius = 0;
        double xNorm = _ops.Norm(x);
        for (int f = 0; f < Filters; f++)
        {
            var (beta, nu) = Weights(theta, f);
            var c = Coefficients(theta, f);
            var (l1, l2) = Norms(c);
            smoothness += beta * l1 * l1 / nu;
            hessianLipschitz += beta * l1 * l1 * l2 * SmoothedAbsolute.ThirdDerivativeBound / (nu * nu);
            _images.Correlate(Shape, c, FilterSize, _pair.Noisy, _kx);
            radius += 2 * beta * _ops.SumOfMagnitudes(_kx);
        }
        double bound = Math.Max(xNorm, _noisyNorm + Math.Sqrt(radius));
        for (int f = 0; f < Filters; f++)
        {
            var (beta, nu) = Weights(theta, f);
            var c = Coefficients(theta, f);
            var (l1, l2) = Norms(c);
            _images.Correlate(Shape, c, FilterSize, x, _kx);
            _ops.Map(new SmoothedAbsolute.Derivative(nu), _kx, _f);
            double derivativeNorm = _ops.Norm(_f);
            _images.CorrelateAdjoint(Shape, c, FilterSize, _f, _r);
            double weightColumn = beta * _ops.Norm(_r);
            _ops.Map(new SmoothedAbsolute.SmoothingDerivative(nu), _kx, _f);
            _images.CorrelateAdjoint(Shape, c, FilterSize, _f, _r);
            double smoothingColumn = beta * _ops.Norm(_r);
            double filterBlock = beta * FilterSize * (derivativeNorm + l1 * xNorm / nu);
            mixedSquared += weightColumn * weightColumn + smoothingColumn * smoothingColumn + filterBlock * filterBlock;
            double column = beta * l1 * l1 / nu;
            double filterLipschitz = beta * FilterSize * l1 * (2 / nu + SmoothedAbsolute.ThirdDerivativeBound * l2 * bound / (nu * nu));
            mixedLipschitzSquared += 2 * column * column + filterLipschitz * filterLipschitz;
        }
        return new LowerLevelConstants(1.0, smoothness, Math.Sqrt(mixedSquared), hessianLipschitz, Math.Sqrt(mixedLipschitzSquared));
    }

    /// <summary>
    /// Along q within ρ of x: (A(x′) − A(x))q = Σ_k β_k K_kᵀ(s_k ⊙ K_k q) with |s_k,i| ≤ m_k,i|(K_k(x′ − x))ᵢ|,
    /// m_k the supremum of |ψ‴| over [(K_k x)ᵢ ± ‖c_k‖₂ρ] (each response moves by at most ‖c_k‖₂‖x′ − x‖);
    /// with ‖K_k‖ ≤ ‖c_k‖₁, a_q = Σ_k β_k‖c_k‖₁·min(‖c_k‖₁‖m_k ⊙ K_k q‖∞, ‖c_k‖₂‖m_k ⊙ K_k q‖₂).
    /// The filter blocks of B get no structured bound: b_q is left to the generic L_B‖q‖ (+∞ here).
    /// </summary>
    public AdjointLipschitz AdjointLipschitz(ReadOnlySpan<double> theta, TVector x, TVector q, double radius)
    {
        double hessian = 0;
        for (int f = 0; f < Filters; f++)
        {
            var (beta, nu) = Weights(theta, f);
            var c = Coefficients(theta, f);
            var (l1, l2) = Norms(c);
            double r = radius >= 0 ? l2 * radius : double.PositiveInfinity;
            _images.Correlate(Shape, c, FilterSize, x, _kx);
            _images.Correlate(Shape, c, FilterSize, q, _kv);
            _ops.Map(new SmoothedAbsolute.LocalThirdDerivativeTimes(nu, r), _kx, _kv, _f);
            hessian += beta * l1 * Math.Min(l1 * _ops.MaxAbs(_f), l2 * _ops.Norm(_f));
        }
        return new AdjointLipschitz(hessian, double.PositiveInfinity);
    }

    /// <summary>(β, ν) of filter <paramref name="f"/>.</summary>
    private (double Beta, double Nu) Weights(ReadOnlySpan<double> theta, int f) => (Math.Exp(theta[f]), Math.Exp(theta[Filters + f]));

    /// <summary>The coefficients c of filter <paramref name="f"/>.</summary>
    private ReadOnlySpan<double> Coefficients(ReadOnlySpan<double> theta, int f) =>
        theta.Slice(2 * Filters + f * FilterSize * FilterSize, FilterSize * FilterSize);

    /// <summary>(‖c‖₁, ‖c‖₂).</summary>
    private static (double L1, double L2) Norms(ReadOnlySpan<double> c)
    {
        double l1 = 0, l2 = 0;
        foreach (double v in c) { l1 += Math.Abs(v); l2 += v * v; }
        return (l1, Math.Sqrt(l2));
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var v in new[] { _kx, _kv, _f, _r }) _ops.Release(v);
        _pair.Dispose();
    }
}
