using Numerics.Arithmetic;

namespace Numerics.Gpu.Kernels;

/// <summary>
/// Arithmetic for one element type, as instance methods on a struct so that generic ILGPU kernels
/// can be specialised per type (kernels cannot use generic-math static abstract operators).
/// </summary>
internal interface IScalarOps<T> where T : unmanaged
{
    T Zero { get; }
    T Add(T a, T b);
    T Mul(T a, T b);
    /// <summary>a·b + c.</summary>
    T Fma(T a, T b, T c);
    T FromDouble(double value);
    double ToDouble(T value);
    /// <summary>The overload of a unary operator for this element type.</summary>
    T Apply<TOperator>(TOperator op, T x) where TOperator : struct, IUnaryOperator;
    /// <summary>The overload of a binary operator for this element type.</summary>
    T Apply<TOperator>(TOperator op, T x, T y) where TOperator : struct, IBinaryOperator;
}

internal readonly struct DoubleOps : IScalarOps<double>
{
    public double Zero => 0.0;
    public double Add(double a, double b) => a + b;
    public double Mul(double a, double b) => a * b;
    public double Fma(double a, double b, double c) => a * b + c;
    public double FromDouble(double value) => value;
    public double ToDouble(double value) => value;
    public double Apply<TOperator>(TOperator op, double x) where TOperator : struct, IUnaryOperator => op.Invoke(x);
    public double Apply<TOperator>(TOperator op, double x, double y) where TOperator : struct, IBinaryOperator => op.Invoke(x, y);
}

internal readonly struct SingleOps : IScalarOps<float>
{
    public float Zero => 0f;
    public float Add(float a, float b) => a + b;
    public float Mul(float a, float b) => a * b;
    public float Fma(float a, float b, float c) => a * b + c;
    public float FromDouble(double value) => (float)value;
    public double ToDouble(float value) => value;
    public float Apply<TOperator>(TOperator op, float x) where TOperator : struct, IUnaryOperator => op.Invoke(x);
    public float Apply<TOperator>(TOperator op, float x, float y) where TOperator : struct, IBinaryOperator => op.Invoke(x, y);
}
