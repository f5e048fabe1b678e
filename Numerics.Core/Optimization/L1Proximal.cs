using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// g(x) = λ‖x‖₁, whose proximal operator is soft thresholding at t·λ, applied through the
/// arithmetic's element-wise map so that it runs on every backend.
/// </summary>
/// <remarks>
/// <see cref="Value"/> sums |xᵢ| as a dot of |x| with a vector of ones, both held as scratch vectors
/// of the last length seen (the arithmetic has no plain sum); <see cref="Dispose"/> frees them. An
/// instance is not safe to use from several threads at once.
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class L1Proximal<TVector> : IProximalOperator<TVector>, IDisposable
{
    private readonly IVectorArithmetic<TVector> _ops;
    private TVector? _abs;
    private TVector? _ones;
    private int _length = -1;

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
    public double Value(TVector x)
    {
        int n = _ops.Length(x);
        if (n != _length)
        {
            ReleaseScratch();
            _abs = _ops.Create(n);
            _ones = _ops.Create(n);
            _ops.Fill(_ones, 1.0);
            _length = n;
        }
        _ops.Map(new AbsOperator(), x, _abs!);
        return Lambda * _ops.Dot(_abs!, _ones!);
    }

    /// <summary>Frees the scratch vectors (device memory; nothing on the host).</summary>
    public void Dispose() => ReleaseScratch();

    private void ReleaseScratch()
    {
        if (_length < 0) return;
        _ops.Release(_abs!);
        _ops.Release(_ones!);
        _abs = default;
        _ones = default;
        _length = -1;
    }
}
