namespace Numerics.Arithmetic;

/// <summary>
/// The vector operations an iterative solver needs, on vectors of some storage (host arrays,
/// device buffers). Solvers (L-BFGS, conjugate gradients, FISTA,
/// Newton–Schulz) are written once against this interface; the host and each device supply an
/// implementation, so a device run shares every line of control logic with a host run.
/// </summary>
/// <remarks>
/// Scalars (dots, norms) are returned to the caller, accumulated in double whatever the element
/// type; vectors stay in their storage. Reductions are deterministic: the same inputs give the
/// same bits on every run, whatever the thread count.
/// </remarks>
/// <typeparam name="TVector">The vector handle.</typeparam>
public interface IVectorArithmetic<TVector>
{
    /// <summary>Number of elements of <paramref name="x"/>.</summary>
    int Length(TVector x);

    /// <summary>A new vector of <paramref name="length"/> elements (contents undefined).</summary>
    TVector Create(int length);

    /// <summary>Frees <paramref name="x"/> (device memory; a no-op on the host).</summary>
    void Release(TVector x);

    /// <summary>destination ← source (same length).</summary>
    void Copy(TVector source, TVector destination);

    /// <summary>Every element of <paramref name="x"/> ← value.</summary>
    void Fill(TVector x, double value);

    /// <summary>y ← α·x + β·y (β = 0 does not read y, so NaN in y does not propagate).</summary>
    void Axpby(double alpha, TVector x, double beta, TVector y);

    /// <summary>x ← α·x.</summary>
    void Scale(double alpha, TVector x);

    /// <summary>Σ xᵢyᵢ, accumulated in double.</summary>
    double Dot(TVector x, TVector y);

    /// <summary>‖x‖₂, scaled so that it neither overflows nor underflows.</summary>
    double Norm(TVector x);

    /// <summary>‖x‖₁ = Σ |xᵢ|, accumulated in double (NaN when any element is NaN).</summary>
    double SumOfMagnitudes(TVector x);

    /// <summary>maxᵢ |xᵢ|: NaN when any element is NaN, +∞ when any is infinite, 0 for an empty vector.</summary>
    double MaxAbs(TVector x);

    /// <summary>result ← op(x) element-wise (result may be x).</summary>
    void Map<TOperator>(TOperator op, TVector x, TVector result) where TOperator : struct, IUnaryOperator;

    /// <summary>result ← op(x, y) element-wise (result may be x or y).</summary>
    void Map<TOperator>(TOperator op, TVector x, TVector y, TVector result) where TOperator : struct, IBinaryOperator;
}
