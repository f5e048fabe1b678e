using Numerics.Arithmetic;

namespace Numerics.Bilevel;

/// <summary>
/// The clean and noisy stacks of a denoising problem and what they define: the noisy stack as the
/// lower level's starting point, and the upper loss g(x) = ‖x − x*‖²/(2N) against the clean stack
/// (N images, as in MAID's reference code), with L_g = 1/N.
/// </summary>
/// <typeparam name="TVector">The vector handle.</typeparam>
internal sealed class DenoisingPair<TVector> : IDisposable
{
    private readonly IVectorArithmetic<TVector> _ops;

    /// <summary>Validates and copies the two stacks.</summary>
    /// <exception cref="ArgumentException">A stack's length differs from the shape's pixel count or holds NaN/∞.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The shape has a non-positive dimension.</exception>
    public DenoisingPair(IVectorArithmetic<TVector> arithmetic, ImageShape shape, TVector clean, TVector noisy)
    {
        ArgumentNullException.ThrowIfNull(arithmetic);
        ArgumentNullException.ThrowIfNull(clean);
        ArgumentNullException.ThrowIfNull(noisy);
        shape.Validate(nameof(shape));
        foreach (var (stack, name) in new[] { (clean, nameof(clean)), (noisy, nameof(noisy)) })
        {
            if (arithmetic.Length(stack) != shape.Pixels) throw new ArgumentException($"{name} has {arithmetic.Length(stack)} pixels; the shape has {shape.Pixels}.", name);
            if (!double.IsFinite(arithmetic.MaxAbs(stack))) throw new ArgumentException($"{name} contains a non-finite value.", name);
        }
        _ops = arithmetic;
        Clean = Copy(clean);
        Noisy = Copy(noisy);
        UpperSmoothness = 1.0 / shape.Count;
    }

    /// <summary>x*.</summary>
    public TVector Clean { get; }

    /// <summary>y.</summary>
    public TVector Noisy { get; }

    /// <summary>L_g = 1/N.</summary>
    public double UpperSmoothness { get; }

    /// <summary>x ← y.</summary>
    public void StartingPoint(TVector x) => _ops.Copy(Noisy, x);

    /// <summary>Returns g(x) and writes ∇g(x) = (x − x*)/N into <paramref name="gradient"/>.</summary>
    public double UpperLoss(TVector x, TVector gradient)
    {
        _ops.Copy(x, gradient);
        _ops.Axpby(-1.0, Clean, 1.0, gradient);
        double norm = _ops.Norm(gradient);
        _ops.Scale(UpperSmoothness, gradient);
        return 0.5 * UpperSmoothness * norm * norm;
    }

    private TVector Copy(TVector source)
    {
        var copy = _ops.Create(_ops.Length(source));
        _ops.Copy(source, copy);
        return copy;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _ops.Release(Clean);
        _ops.Release(Noisy);
    }
}
