namespace Numerics.Arithmetic;

/// <summary>
/// An element-wise function y = f(x), written once as a struct and run by every arithmetic's
/// generic driver (<see cref="IVectorArithmetic{TVector}.Map{TOperator}(TOperator, TVector, TVector)"/>).
/// Fields of the struct carry parameters (a threshold, a step), so one type serves every value.
/// </summary>
/// <remarks>
/// Two overloads instead of a generic method because GPU kernels cannot call generic-math
/// operators: each device compiles the overload of its element type. Implementations must be
/// pure (no allocation, no static state, no hardware intrinsics) so that they compile for a GPU.
/// </remarks>
public interface IUnaryOperator
{
    /// <summary>f(x) in double precision.</summary>
    double Invoke(double x);

    /// <summary>f(x) in single precision.</summary>
    float Invoke(float x);
}

/// <summary>An element-wise function z = f(x, y); see <see cref="IUnaryOperator"/> for the contract.</summary>
public interface IBinaryOperator
{
    /// <summary>f(x, y) in double precision.</summary>
    double Invoke(double x, double y);

    /// <summary>f(x, y) in single precision.</summary>
    float Invoke(float x, float y);
}
