using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Numerics.LinearAlgebra;

namespace Numerics.Arithmetic;

/// <summary>
/// The host kernels behind every host arithmetic, on spans of float or double. The element-type
/// dispatch happens here, once per operation, as in System.Numerics.Tensors' drivers: callers are
/// generic over T and never test typeof(T) themselves.
/// </summary>
/// <remarks>
/// Every reduction runs on one thread in a fixed order (SIMD lanes included), so its bits do not
/// depend on the thread count; float inputs are accumulated in double.
/// </remarks>
public static class SpanArithmetic
{
    /// <summary>The unit roundoff of T: 2⁻²⁴ for float, 2⁻⁵³ for double.</summary>
    public static double UnitRoundoff<T>() => typeof(T) == typeof(float) ? 5.9604644775390625e-8 : 1.1102230246251565e-16;

    /// <summary>Throws unless T is float or double (the two element types every backend supports).</summary>
    /// <exception cref="NotSupportedException">T is another type.</exception>
    public static void RequireSupported<T>()
    {
        if (typeof(T) != typeof(double) && typeof(T) != typeof(float))
            throw new NotSupportedException($"The arithmetic supports float and double, not {typeof(T).Name}.");
    }

    /// <summary>y ← α·x + β·y; β = 0 does not read y.</summary>
    public static void Axpby<T>(double alpha, ReadOnlySpan<T> x, double beta, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireSameLength(x.Length, y.Length);
        T a = T.CreateTruncating(alpha), b = T.CreateTruncating(beta);
        if (beta == 0) TensorPrimitives.Multiply(x, a, y);
        else
        {
            if (beta != 1) TensorPrimitives.Multiply(y, b, y);
            TensorPrimitives.MultiplyAdd(x, a, y, y);
        }
    }

    /// <summary>Σ xᵢyᵢ in double.</summary>
    public static double Dot<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireSameLength(x.Length, y.Length);
        if (typeof(T) == typeof(double)) return TensorPrimitives.Dot(As<T, double>(x), As<T, double>(y));
        var xf = As<T, float>(x);
        var yf = As<T, float>(y);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = 0;
        for (; i + 4 <= xf.Length; i += 4)
        {
            s0 += (double)xf[i] * yf[i];
            s1 += (double)xf[i + 1] * yf[i + 1];
            s2 += (double)xf[i + 2] * yf[i + 2];
            s3 += (double)xf[i + 3] * yf[i + 3];
        }
        for (; i < xf.Length; i++) s0 += (double)xf[i] * yf[i];
        return (s0 + s1) + (s2 + s3);
    }

    /// <summary>maxᵢ |xᵢ| in double; NaN when any element is NaN, 0 when empty.</summary>
    public static double MaxAbs<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (x.IsEmpty) return 0;
        // MaxMagnitude propagates NaN; it returns the element, so take its magnitude.
        return Math.Abs(double.CreateTruncating(TensorPrimitives.MaxMagnitude(x)));
    }

    /// <summary>Σ |xᵢ| in double.</summary>
    public static double SumOfMagnitudes<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double)) return TensorPrimitives.SumOfMagnitudes(As<T, double>(x));
        double sum = 0;
        foreach (var v in As<T, float>(x)) sum += Math.Abs(v);
        return sum;
    }

    /// <summary>‖x‖₂ in double, scaled by max|xᵢ| when the squares could overflow or underflow.</summary>
    public static double Norm<T>(ReadOnlySpan<T> x) where T : unmanaged, IFloatingPointIeee754<T>
    {
        double scale = MaxAbs(x);
        if (scale == 0 || !double.IsFinite(scale)) return scale;
        // Inside [2⁻⁴⁵⁰, 2⁴⁵⁰] no square of a double (nor a float widened to double) over- or underflows
        // harmfully for any length below 2³¹, so the unscaled sum is exact to rounding.
        const double Small = 3.5e-136, Large = 2.9e135;
        if (scale > Small && scale < Large) return Math.Sqrt(Dot(x, x));
        // Scale by a power of two: exact, and defined where 1/scale is not (a subnormal scale's
        // reciprocal overflows to ∞).
        int exponent = Math.ILogB(scale);
        double sum = 0;
        foreach (var v in x)
        {
            double t = Math.ScaleB(double.CreateTruncating(v), -exponent);
            sum += t * t;
        }
        return Math.ScaleB(Math.Sqrt(sum), exponent);
    }

    /// <summary>result ← op(x).</summary>
    public static void Map<T, TOperator>(TOperator op, ReadOnlySpan<T> x, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IUnaryOperator
    {
        RequireSameLength(x.Length, result.Length);
        if (typeof(T) == typeof(double))
        {
            var xs = As<T, double>(x);
            var rs = AsWritable<T, double>(result);
            for (int i = 0; i < xs.Length; i++) rs[i] = op.Invoke(xs[i]);
        }
        else
        {
            var xs = As<T, float>(x);
            var rs = AsWritable<T, float>(result);
            for (int i = 0; i < xs.Length; i++) rs[i] = op.Invoke(xs[i]);
        }
    }

    /// <summary>result ← op(x, y).</summary>
    public static void Map<T, TOperator>(TOperator op, ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T> where TOperator : struct, IBinaryOperator
    {
        RequireSameLength(x.Length, y.Length);
        RequireSameLength(x.Length, result.Length);
        if (typeof(T) == typeof(double))
        {
            var xs = As<T, double>(x);
            var ys = As<T, double>(y);
            var rs = AsWritable<T, double>(result);
            for (int i = 0; i < xs.Length; i++) rs[i] = op.Invoke(xs[i], ys[i]);
        }
        else
        {
            var xs = As<T, float>(x);
            var ys = As<T, float>(y);
            var rs = AsWritable<T, float>(result);
            for (int i = 0; i < xs.Length; i++) rs[i] = op.Invoke(xs[i], ys[i]);
        }
    }

    /// <summary>C ← α·op(A)·op(B) + β·C on <paramref name="backend"/> (column-major).</summary>
    public static void Gemm<T>(LinearAlgebraBackend backend, Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<T> a, int lda, ReadOnlySpan<T> b, int ldb, double beta, Span<T> c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(backend);
        if (typeof(T) == typeof(double))
            backend.Gemm(transA, transB, m, n, k, alpha, As<T, double>(a), lda, As<T, double>(b), ldb, beta, AsWritable<T, double>(c), ldc);
        else
            backend.Gemm(transA, transB, m, n, k, (float)alpha, As<T, float>(a), lda, As<T, float>(b), ldb, (float)beta, AsWritable<T, float>(c), ldc);
    }

    /// <summary>
    /// The full symmetric n×n C ← α·A·Aᵀ (A n×k, <paramref name="transpose"/> false) or α·Aᵀ·A (A k×n):
    /// one syrk into the lower triangle, then the upper triangle mirrored, so C is exactly symmetric.
    /// </summary>
    public static void SymmetricRankK<T>(LinearAlgebraBackend backend, bool transpose, int n, int k, double alpha,
        ReadOnlySpan<T> a, int lda, Span<T> c, int ldc) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(backend);
        var trans = transpose ? Transpose.Transpose : Transpose.NoTranspose;
        if (typeof(T) == typeof(double))
            backend.Syrk(TriangularPart.Lower, trans, n, k, alpha, As<T, double>(a), lda, 0.0, AsWritable<T, double>(c), ldc);
        else
            backend.Syrk(TriangularPart.Lower, trans, n, k, (float)alpha, As<T, float>(a), lda, 0f, AsWritable<T, float>(c), ldc);
        for (int j = 1; j < n; j++)
            for (int i = 0; i < j; i++) c[i + j * ldc] = c[j + i * ldc];
    }

    /// <summary>sums[j] ← Σᵢ m[i, j] in double, for a rows×cols column-major m.</summary>
    public static void ColumnSums<T>(ReadOnlySpan<T> m, int rows, int cols, Span<T> sums) where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireSameLength(cols, sums.Length);
        for (int j = 0; j < cols; j++)
        {
            var column = m.Slice(j * rows, rows);
            double s = 0;
            foreach (var v in column) s += double.CreateTruncating(v);
            sums[j] = T.CreateTruncating(s);
        }
    }

    /// <summary>sums[i] ← Σⱼ m[i, j] in double, for a rows×cols column-major m.</summary>
    public static void RowSums<T>(ReadOnlySpan<T> m, int rows, int cols, Span<T> sums) where T : unmanaged, IFloatingPointIeee754<T>
    {
        RequireSameLength(rows, sums.Length);
        var acc = rows <= 1024 ? stackalloc double[rows] : new double[rows];
        acc.Clear();
        for (int j = 0; j < cols; j++)
        {
            var column = m.Slice(j * rows, rows);
            for (int i = 0; i < rows; i++) acc[i] += double.CreateTruncating(column[i]);
        }
        for (int i = 0; i < rows; i++) sums[i] = T.CreateTruncating(acc[i]);
    }

    private static void RequireSameLength(int expected, int actual, [CallerArgumentExpression(nameof(actual))] string name = "")
    {
        // The caller's span, named as the public member calls it (y, result, sums).
        string param = name.Split('.')[0];
        if (expected != actual) throw new ArgumentException($"{param} has length {actual}; expected {expected}.", param);
    }

    private static ReadOnlySpan<TTo> As<TFrom, TTo>(ReadOnlySpan<TFrom> span) where TFrom : unmanaged where TTo : unmanaged =>
        MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);

    private static Span<TTo> AsWritable<TFrom, TTo>(Span<TFrom> span) where TFrom : unmanaged where TTo : unmanaged =>
        MemoryMarshal.CreateSpan(ref Unsafe.As<TFrom, TTo>(ref MemoryMarshal.GetReference(span)), span.Length);
}
