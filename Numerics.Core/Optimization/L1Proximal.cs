using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// g(x) = λ‖x‖₁, whose proximal operator is soft thresholding at t·λ, applied through the
/// arithmetic's element-wise map and ‖·‖₁ reduction so that it runs on every backend.
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class L1Proximal<TVector> : IProximalOperator<TVector>
{
    private readonly IVectorArithmetic<TVector> _ops;

    /// <summary>λ‖·‖₁ on vectors handled by <paramref name="arithmetic"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="lambda"/> is negative, NaN or infinite.</exception>
    public L1Proximal(IVectorArithmetic<TVector> arithmetic, double lambda)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        if (!(lambda >= 0) || !double.IsFinite(lambda)) throw new ArgumentException($"lambda must be non-negative and finite, got {lambda}.", nameof(lambda));
        _ops = arithmetic;
        Lambda = lambda;
    }

    /// <summary>λ.</summary>
    public double Lambda { get; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException"><paramref name="step"/> is not positive and finite, or the lengths differ.</exception>
    public void Apply(TVector v, double step, TVector result)
    {
        if (!(step > 0) || !double.IsFinite(step)) throw new ArgumentException($"step must be positive and finite, got {step}.", nameof(step));
        if (_ops.Length(v) != _ops.Length(result)) throw new ArgumentException($"result has length {_ops.Length(result)}; v has {_ops.Length(v)}.", nameof(result));
        _ops.Map(new SoftThresholdOperator(step * Lambda), v, result);
    }

    /// <inheritdoc />
    public double Value(TVector x) => Lambda * _ops.SumOfMagnitudes(x);
}
