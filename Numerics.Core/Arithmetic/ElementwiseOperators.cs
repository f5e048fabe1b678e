namespace Numerics.Arithmetic;

/// <summary>f(x) = |x|.</summary>
public readonly struct AbsOperator : IUnaryOperator
{
    /// <inheritdoc />
    public double Invoke(double x) => Math.Abs(x);

    /// <inheritdoc />
    public float Invoke(float x) => Math.Abs(x);
}

/// <summary>f(x) = x².</summary>
public readonly struct SquareOperator : IUnaryOperator
{
    /// <inheritdoc />
    public double Invoke(double x) => x * x;

    /// <inheritdoc />
    public float Invoke(float x) => x * x;
}

/// <summary>
/// Soft thresholding f(x) = sign(x)·max(|x| − τ, 0): the proximal operator of τ‖·‖₁. NaN stays
/// NaN, so a non-finite input is not hidden as a zero.
/// </summary>
/// <param name="threshold">τ ≥ 0.</param>
public readonly struct SoftThresholdOperator(double threshold) : IUnaryOperator
{
    /// <summary>τ.</summary>
    public double Threshold { get; } = threshold;

    /// <inheritdoc />
    public double Invoke(double x) => x > Threshold ? x - Threshold : x < -Threshold ? x + Threshold : double.IsNaN(x) ? x : 0.0;

    /// <inheritdoc />
    public float Invoke(float x)
    {
        float t = (float)Threshold;
        return x > t ? x - t : x < -t ? x + t : float.IsNaN(x) ? x : 0f;
    }
}

/// <summary>f(x, y) = x·y (the Hadamard product).</summary>
public readonly struct MultiplyOperator : IBinaryOperator
{
    /// <inheritdoc />
    public double Invoke(double x, double y) => x * y;

    /// <inheritdoc />
    public float Invoke(float x, float y) => x * y;
}

/// <summary>f(x, y) = max(x, y) (NaN when either is NaN).</summary>
public readonly struct MaxOperator : IBinaryOperator
{
    /// <inheritdoc />
    public double Invoke(double x, double y) => double.IsNaN(x) || double.IsNaN(y) ? double.NaN : x > y ? x : y;

    /// <inheritdoc />
    public float Invoke(float x, float y) => float.IsNaN(x) || float.IsNaN(y) ? float.NaN : x > y ? x : y;
}
