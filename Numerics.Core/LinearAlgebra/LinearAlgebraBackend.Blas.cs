using static Numerics.LinearAlgebra.ShapeCheck;

namespace Numerics.LinearAlgebra;

public abstract partial class LinearAlgebraBackend
{
    /// <summary>C ← α·op(A)·op(B) + β·C, with op(A) m×k, op(B) k×n and C m×n (BLAS dgemm).</summary>
    /// <remarks>When β = 0, C is overwritten without being read, so it may hold NaNs.</remarks>
    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        CheckGemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        GemmCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>Single-precision <see cref="Gemm(Transpose, Transpose, int, int, int, double, ReadOnlySpan{double}, int, ReadOnlySpan{double}, int, double, Span{double}, int)"/> (BLAS sgemm).</summary>
    public void Gemm(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        CheckGemm(transA, transB, m, n, k, a.Length, lda, b.Length, ldb, c.Length, ldc);
        GemmCore(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    private static void CheckGemm(Transpose transA, Transpose transB, int m, int n, int k,
        int aLength, int lda, int bLength, int ldb, int cLength, int ldc)
    {
        Dimension(m, "m"); Dimension(n, "n"); Dimension(k, "k");
        if (transA == Transpose.NoTranspose) Matrix(aLength, m, k, lda, "a", "lda"); else Matrix(aLength, k, m, lda, "a", "lda");
        if (transB == Transpose.NoTranspose) Matrix(bLength, k, n, ldb, "b", "ldb"); else Matrix(bLength, n, k, ldb, "b", "ldb");
        Matrix(cLength, m, n, ldc, "c", "ldc");
    }

    /// <summary>y ← α·op(A)·x + β·y with A m×n (BLAS dgemv).</summary>
    public void Gemv(Transpose trans, int m, int n, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> x, int incX, double beta, Span<double> y, int incY)
    {
        CheckGemv(trans, m, n, a.Length, lda, x.Length, incX, y.Length, incY);
        GemvCore(trans, m, n, alpha, a, lda, x, incX, beta, y, incY);
    }

    /// <summary>Single-precision matrix–vector product (BLAS sgemv).</summary>
    public void Gemv(Transpose trans, int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, int incX, float beta, Span<float> y, int incY)
    {
        CheckGemv(trans, m, n, a.Length, lda, x.Length, incX, y.Length, incY);
        GemvCore(trans, m, n, alpha, a, lda, x, incX, beta, y, incY);
    }

    private static void CheckGemv(Transpose trans, int m, int n, int aLength, int lda, int xLength, int incX, int yLength, int incY)
    {
        Dimension(m, "m"); Dimension(n, "n");
        Matrix(aLength, m, n, lda, "a", "lda");
        int xn = trans == Transpose.NoTranspose ? n : m, yn = trans == Transpose.NoTranspose ? m : n;
        Vector(xLength, xn, incX, "x", "incX");
        Vector(yLength, yn, incY, "y", "incY");
    }

    /// <summary>
    /// C ← α·op(A)·op(A)ᵀ + β·C on one triangle of the n×n matrix C, where op(A) is n×k
    /// (<paramref name="trans"/> = NoTranspose: C ← αAAᵀ + βC; Transpose: C ← αAᵀA + βC) (BLAS dsyrk).
    /// The other triangle is not touched.
    /// </summary>
    public void Syrk(TriangularPart uplo, Transpose trans, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc)
    {
        CheckSyrk(trans, n, k, a.Length, lda, c.Length, ldc);
        SyrkCore(uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
    }

    /// <summary>Single-precision symmetric rank-k update (BLAS ssyrk).</summary>
    public void Syrk(TriangularPart uplo, Transpose trans, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        CheckSyrk(trans, n, k, a.Length, lda, c.Length, ldc);
        SyrkCore(uplo, trans, n, k, alpha, a, lda, beta, c, ldc);
    }

    private static void CheckSyrk(Transpose trans, int n, int k, int aLength, int lda, int cLength, int ldc)
    {
        Dimension(n, "n"); Dimension(k, "k");
        if (trans == Transpose.NoTranspose) Matrix(aLength, n, k, lda, "a", "lda"); else Matrix(aLength, k, n, lda, "a", "lda");
        Matrix(cLength, n, n, ldc, "c", "ldc");
    }

    /// <summary>
    /// Solves op(A)·X = α·B (<see cref="Side.Left"/>) or X·op(A) = α·B (<see cref="Side.Right"/>)
    /// for triangular A, overwriting the m×n matrix B with X (BLAS dtrsm).
    /// </summary>
    /// <remarks>No singularity check is made: a zero on the diagonal gives infinities, as in BLAS.</remarks>
    public void Trsm(Side side, TriangularPart uplo, Transpose transA, DiagonalKind diag, int m, int n, double alpha,
        ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        Dimension(m, "m"); Dimension(n, "n");
        int order = side == Side.Left ? m : n;
        Matrix(a.Length, order, order, lda, "a", "lda");
        Matrix(b.Length, m, n, ldb, "b", "ldb");
        TrsmCore(side, uplo, transA, diag, m, n, alpha, a, lda, b, ldb);
    }

    /// <summary>x ← op(A)·x for triangular n×n A (BLAS dtrmv).</summary>
    public void Trmv(TriangularPart uplo, Transpose transA, DiagonalKind diag, int n,
        ReadOnlySpan<double> a, int lda, Span<double> x, int incX)
    {
        Dimension(n, "n");
        Matrix(a.Length, n, n, lda, "a", "lda");
        Vector(x.Length, n, incX, "x", "incX");
        TrmvCore(uplo, transA, diag, n, a, lda, x, incX);
    }

    /// <summary>Σᵢ xᵢyᵢ over the first n strided elements (BLAS ddot).</summary>
    public double Dot(int n, ReadOnlySpan<double> x, int incX, ReadOnlySpan<double> y, int incY)
    {
        Dimension(n, "n"); Vector(x.Length, n, incX, "x", "incX"); Vector(y.Length, n, incY, "y", "incY");
        return DotCore(n, x, incX, y, incY);
    }

    /// <summary>Single-precision dot product (BLAS sdot).</summary>
    public float Dot(int n, ReadOnlySpan<float> x, int incX, ReadOnlySpan<float> y, int incY)
    {
        Dimension(n, "n"); Vector(x.Length, n, incX, "x", "incX"); Vector(y.Length, n, incY, "y", "incY");
        return DotCore(n, x, incX, y, incY);
    }

    /// <summary>‖x‖₂, computed without overflow or underflow for any finite x (BLAS dnrm2).</summary>
    public double Nrm2(int n, ReadOnlySpan<double> x, int incX)
    {
        Dimension(n, "n"); Vector(x.Length, n, incX, "x", "incX");
        return Nrm2Core(n, x, incX);
    }

    /// <summary>Single-precision Euclidean norm (BLAS snrm2).</summary>
    public float Nrm2(int n, ReadOnlySpan<float> x, int incX)
    {
        Dimension(n, "n"); Vector(x.Length, n, incX, "x", "incX");
        return Nrm2Core(n, x, incX);
    }

    /// <summary>y ← α·x + y (BLAS daxpy).</summary>
    public void Axpy(int n, double alpha, ReadOnlySpan<double> x, int incX, Span<double> y, int incY)
    {
        Dimension(n, "n"); Vector(x.Length, n, incX, "x", "incX"); Vector(y.Length, n, incY, "y", "incY");
        AxpyCore(n, alpha, x, incX, y, incY);
    }

    /// <summary>Single-precision y ← α·x + y (BLAS saxpy).</summary>
    public void Axpy(int n, float alpha, ReadOnlySpan<float> x, int incX, Span<float> y, int incY)
    {
        Dimension(n, "n"); Vector(x.Length, n, incX, "x", "incX"); Vector(y.Length, n, incY, "y", "incY");
        AxpyCore(n, alpha, x, incX, y, incY);
    }

    /// <summary>x ← α·x (BLAS dscal).</summary>
    public void Scal(int n, double alpha, Span<double> x, int incX)
    {
        Dimension(n, "n"); Vector(x.Length, n, incX, "x", "incX");
        ScalCore(n, alpha, x, incX);
    }

    /// <summary>Single-precision x ← α·x (BLAS sscal).</summary>
    public void Scal(int n, float alpha, Span<float> x, int incX)
    {
        Dimension(n, "n"); Vector(x.Length, n, incX, "x", "incX");
        ScalCore(n, alpha, x, incX);
    }


    private protected abstract void GemmCore(Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc);
    private protected abstract void GemmCore(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc);
    private protected abstract void GemvCore(Transpose trans, int m, int n, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> x, int incX, double beta, Span<double> y, int incY);
    private protected abstract void GemvCore(Transpose trans, int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, int incX, float beta, Span<float> y, int incY);
    private protected abstract void SyrkCore(TriangularPart uplo, Transpose trans, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc);
    private protected abstract void SyrkCore(TriangularPart uplo, Transpose trans, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc);
    private protected abstract void TrsmCore(Side side, TriangularPart uplo, Transpose transA, DiagonalKind diag, int m, int n,
        double alpha, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb);
    private protected abstract void TrmvCore(TriangularPart uplo, Transpose transA, DiagonalKind diag, int n,
        ReadOnlySpan<double> a, int lda, Span<double> x, int incX);
    private protected abstract double DotCore(int n, ReadOnlySpan<double> x, int incX, ReadOnlySpan<double> y, int incY);
    private protected abstract float DotCore(int n, ReadOnlySpan<float> x, int incX, ReadOnlySpan<float> y, int incY);
    private protected abstract double Nrm2Core(int n, ReadOnlySpan<double> x, int incX);
    private protected abstract float Nrm2Core(int n, ReadOnlySpan<float> x, int incX);
    private protected abstract void AxpyCore(int n, double alpha, ReadOnlySpan<double> x, int incX, Span<double> y, int incY);
    private protected abstract void AxpyCore(int n, float alpha, ReadOnlySpan<float> x, int incX, Span<float> y, int incY);
    private protected abstract void ScalCore(int n, double alpha, Span<double> x, int incX);
    private protected abstract void ScalCore(int n, float alpha, Span<float> x, int incX);

}
