using Numerics.Arithmetic;

namespace Numerics.Optimization;

/// <summary>
/// g(x) = 0, whose proximal operator is the identity: with it <see cref="ProximalGradient{TVector}"/>
/// is accelerated gradient descent on a smooth f, and its gradient-mapping residual is ‖∇f(x)‖₂.
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
public sealed class ZeroProximal<TVector> : IProximalOperator<TVector>
{
    private readonly IVectorArithmetic<TVector> _ops;

    /// <summary>The zero function on vectors handled by <paramref name="arithmetic"/>.</summary>
    public ZeroProximal(IVectorArithmetic<TVector> arithmetic)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        _ops = arithmetic;
    }

    /// <inheritdoc />
    public void Apply(TVector v, double step, TVector result) => _ops.Copy(v, result);

    /// <inheritdoc />
    public double Value(TVector x) => 0.0;
}
