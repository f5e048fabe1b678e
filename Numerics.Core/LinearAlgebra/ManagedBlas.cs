using System.Numerics;
using System.Numerics.Tensors;

namespace Numerics.LinearAlgebra;

/// <summary>Managed level-1/2 BLAS and the symmetric rank-k update, generic over float and double (the triangular solve is <see cref="ManagedTriangularSolve"/>).</summary>
/// <remarks>
/// These are memory-bound or O(n²) next to the GEMM, so they favour clarity: contiguous cases go
/// through <see cref="TensorPrimitives"/>, strided ones through plain loops. Each result depends only
/// on the inputs, never on the thread count.
/// </remarks>
internal static class ManagedBlas
{
    public static void Gemv<T>(Transpose trans, int m, int n, T alpha, ReadOnlySpan<T> a, int lda,
        ReadOnlySpan<T> x, int incX, T beta, Span<T> y, int incY) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int yn = trans == Transpose.NoTranspose ? m : n, xn = trans == Transpose.NoTranspose ? n : m;
        for (int i = 0; i < yn; i++) y[i * incY] = beta == T.Zero ? T.Zero : beta * y[i * incY];
        if (alpha == T.Zero || xn == 0) return;
        if (trans == Transpose.NoTranspose)
        {
            T[]? gathered = incY == 1 ? null : new T[m];
            Span<T> acc = gathered ?? y[..m];
            if (gathered is not null) for (int i = 0; i < m; i++) acc[i] = y[i * incY];
            for (int j = 0; j < n; j++)
            {
                // No skip for s = 0: an ∞ or NaN in column j must still reach y (0·∞ = NaN), as in BLAS.
                T s = alpha * x[j * incX];
                TensorPrimitives.MultiplyAdd(a.Slice(j * lda, m), s, acc, acc);
            }
            if (gathered is not null) for (int i = 0; i < m; i++) y[i * incY] = acc[i];
        }
        else
        {
            T[]? gathered = incX == 1 ? null : new T[m];
            ReadOnlySpan<T> xs = gathered ?? x[..m];
            if (gathered is not null) for (int i = 0; i < m; i++) gathered[i] = x[i * incX];
            for (int j = 0; j < n; j++) y[j * incY] += alpha * TensorPrimitives.Dot(a.Slice(j * lda, m), xs);
        }
    }

    public static void Syrk<T>(TriangularPart uplo, Transpose trans, int n, int k, T alpha,
        ReadOnlySpan<T> a, int lda, T beta, Span<T> c, int ldc, int threads, ManagedGemmKernel? kernel = null) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // The full product through the fast GEMM, then only the requested triangle is written back.
        var full = new T[n * n];
        var tb = trans == Transpose.NoTranspose ? Transpose.Transpose : Transpose.NoTranspose;
        ManagedGemm.Multiply(trans, tb, n, n, k, alpha, a, lda, a, lda, T.Zero, full, n, threads, kernel ?? ManagedGemmKernels.Best);
        for (int j = 0; j < n; j++)
        {
            int lo = uplo == TriangularPart.Upper ? 0 : j, hi = uplo == TriangularPart.Upper ? j : n - 1;
            for (int i = lo; i <= hi; i++)
            {
                ref T cij = ref c[i + j * ldc];
                cij = beta == T.Zero ? full[i + j * n] : full[i + j * n] + beta * cij;
            }
        }
    }

    /// <summary>Element (i, j) of op(A).</summary>
    private static T Op<T>(ReadOnlySpan<T> a, int lda, Transpose t, int i, int j) =>
        t == Transpose.NoTranspose ? a[i + j * lda] : a[j + i * lda];

    public static void Trmv<T>(TriangularPart uplo, Transpose transA, DiagonalKind diag, int n,
        ReadOnlySpan<T> a, int lda, Span<T> x, int incX) where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool unit = diag == DiagonalKind.Unit;
        bool opLower = (uplo == TriangularPart.Lower) ^ (transA == Transpose.Transpose);
        // Lower: row i depends on x[0..i], so sweep downwards from the end; upper: sweep upwards from the start.
        if (opLower)
        {
            for (int i = n - 1; i >= 0; i--)
            {
                T s = unit ? x[i * incX] : Op(a, lda, transA, i, i) * x[i * incX];
                for (int p = 0; p < i; p++) s += Op(a, lda, transA, i, p) * x[p * incX];
                x[i * incX] = s;
            }
        }
        else
        {
            for (int i = 0; i < n; i++)
            {
                T s = unit ? x[i * incX] : Op(a, lda, transA, i, i) * x[i * incX];
                for (int p = i + 1; p < n; p++) s += Op(a, lda, transA, i, p) * x[p * incX];
                x[i * incX] = s;
            }
        }
    }

    public static T Dot<T>(int n, ReadOnlySpan<T> x, int incX, ReadOnlySpan<T> y, int incY) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (incX == 1 && incY == 1) return TensorPrimitives.Dot(x[..n], y[..n]);
        T s = T.Zero;
        for (int i = 0; i < n; i++) s += x[i * incX] * y[i * incY];
        return s;
    }

    /// <summary>Scaled two-pass norm: divide by max|xᵢ| first so that squares neither overflow nor underflow.</summary>
    public static T Nrm2<T>(int n, ReadOnlySpan<T> x, int incX) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T scale = T.Zero;
        for (int i = 0; i < n; i++) scale = T.Max(scale, T.Abs(x[i * incX]));
        if (scale == T.Zero || !T.IsFinite(scale)) return scale;
        T s = T.Zero;
        for (int i = 0; i < n; i++) { T v = x[i * incX] / scale; s += v * v; }
        return scale * T.Sqrt(s);
    }

    public static void Axpy<T>(int n, T alpha, ReadOnlySpan<T> x, int incX, Span<T> y, int incY) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (incX == 1 && incY == 1) { TensorPrimitives.MultiplyAdd(x[..n], alpha, y[..n], y[..n]); return; }
        for (int i = 0; i < n; i++) y[i * incY] += alpha * x[i * incX];
    }

    public static void Scal<T>(int n, T alpha, Span<T> x, int incX) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (incX == 1) { TensorPrimitives.Multiply(x[..n], alpha, x[..n]); return; }
        for (int i = 0; i < n; i++) x[i * incX] *= alpha;
    }
}
