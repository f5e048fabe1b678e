namespace Numerics.LinearAlgebra;

/// <summary>The built-in backend: <see cref="ManagedGemm"/>, <see cref="ManagedBlas"/> and <see cref="ManagedLapack"/>.</summary>
internal sealed class ManagedBackend : LinearAlgebraBackend
{
    private readonly ManagedGemmKernel _kernel;

    /// <summary>The backend with the fastest GEMM kernel this machine runs.</summary>
    public ManagedBackend() : this(ManagedGemmKernels.Best) { }

    /// <summary>The backend pinned to one GEMM kernel, so that tests and benchmarks can run each on one machine.</summary>
    internal ManagedBackend(ManagedGemmKernel kernel) => _kernel = kernel;

    public override BlasBackendKind Kind => BlasBackendKind.Managed;

    public override string Description => $"managed GEMM, {ManagedGemmKernels.Describe(_kernel)}";

    private protected override void GemmCore(Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc) =>
        ManagedGemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, EffectiveThreads, _kernel);

    private protected override void GemmCore(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc) =>
        ManagedGemm.Multiply(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, EffectiveThreads, _kernel);

    private protected override void GemvCore(Transpose trans, int m, int n, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> x, int incX, double beta, Span<double> y, int incY) =>
        ManagedBlas.Gemv(trans, m, n, alpha, a, lda, x, incX, beta, y, incY);

    private protected override void GemvCore(Transpose trans, int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, int incX, float beta, Span<float> y, int incY) =>
        ManagedBlas.Gemv(trans, m, n, alpha, a, lda, x, incX, beta, y, incY);

    private protected override void SyrkCore(TriangularPart uplo, Transpose trans, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc) =>
        ManagedBlas.Syrk(uplo, trans, n, k, alpha, a, lda, beta, c, ldc, EffectiveThreads, _kernel);

    private protected override void SyrkCore(TriangularPart uplo, Transpose trans, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc) =>
        ManagedBlas.Syrk(uplo, trans, n, k, alpha, a, lda, beta, c, ldc, EffectiveThreads, _kernel);

    private protected override void TrsmCore(Side side, TriangularPart uplo, Transpose transA, DiagonalKind diag,
        int m, int n, double alpha, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb) =>
        ManagedTriangularSolve.Trsm(side, uplo, transA, diag, m, n, alpha, a, lda, b, ldb);

    private protected override void TrmvCore(TriangularPart uplo, Transpose transA, DiagonalKind diag, int n,
        ReadOnlySpan<double> a, int lda, Span<double> x, int incX) =>
        ManagedBlas.Trmv(uplo, transA, diag, n, a, lda, x, incX);

    private protected override double DotCore(int n, ReadOnlySpan<double> x, int incX, ReadOnlySpan<double> y, int incY) =>
        ManagedBlas.Dot(n, x, incX, y, incY);

    private protected override float DotCore(int n, ReadOnlySpan<float> x, int incX, ReadOnlySpan<float> y, int incY) =>
        ManagedBlas.Dot(n, x, incX, y, incY);

    private protected override double Nrm2Core(int n, ReadOnlySpan<double> x, int incX) => ManagedBlas.Nrm2(n, x, incX);

    private protected override float Nrm2Core(int n, ReadOnlySpan<float> x, int incX) => ManagedBlas.Nrm2(n, x, incX);

    private protected override void AxpyCore(int n, double alpha, ReadOnlySpan<double> x, int incX, Span<double> y, int incY) =>
        ManagedBlas.Axpy(n, alpha, x, incX, y, incY);

    private protected override void AxpyCore(int n, float alpha, ReadOnlySpan<float> x, int incX, Span<float> y, int incY) =>
        ManagedBlas.Axpy(n, alpha, x, incX, y, incY);

    private protected override void ScalCore(int n, double alpha, Span<double> x, int incX) => ManagedBlas.Scal(n, alpha, x, incX);

    private protected override void ScalCore(int n, float alpha, Span<float> x, int incX) => ManagedBlas.Scal(n, alpha, x, incX);

    private protected override int GeqrfCore(int m, int n, Span<double> a, int lda, Span<double> tau) =>
        ManagedLapack.Geqrf(m, n, a, lda, tau);

    private protected override int OrgqrCore(int m, int n, int k, Span<double> a, int lda, ReadOnlySpan<double> tau) =>
        ManagedLapack.Orgqr(m, n, k, a, lda, tau);

    private protected override int OrmqrCore(Side side, Transpose trans, int m, int n, int k, Span<double> a, int lda,
        ReadOnlySpan<double> tau, Span<double> c, int ldc) => ManagedLapack.Ormqr(side, trans, m, n, k, a, lda, tau, c, ldc);

    private protected override int GesddCore(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt) => ManagedLapack.Svd(vectors, m, n, a, lda, s, u, ldu, vt, ldvt);

    private protected override int GesvdCore(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt) => ManagedLapack.Svd(vectors, m, n, a, lda, s, u, ldu, vt, ldvt);

    private protected override int Geqp3Core(int m, int n, Span<double> a, int lda, Span<int> jpvt, Span<double> tau) =>
        ManagedLapack.Geqp3(m, n, a, lda, jpvt, tau);

    private protected override int GelsCore(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb) =>
        ManagedLapack.Gels(m, n, nrhs, a, lda, b, ldb);

    private protected override int PotrfCore(TriangularPart uplo, int n, Span<double> a, int lda) =>
        ManagedLapack.Potrf(uplo, n, a, lda);

    private protected override int PotrsCore(TriangularPart uplo, int n, int nrhs, ReadOnlySpan<double> a, int lda,
        Span<double> b, int ldb) => ManagedLapack.Potrs(uplo, n, nrhs, a, lda, b, ldb);

    private protected override int SyevdCore(bool computeVectors, TriangularPart uplo, int n, Span<double> a, int lda, Span<double> w) =>
        ManagedLapack.Syevd(computeVectors, uplo, n, a, lda, w);

    private protected override int GetrfCore(int m, int n, Span<double> a, int lda, Span<int> ipiv) =>
        ManagedLapack.Getrf(m, n, a, lda, ipiv);

    private protected override int GetrsCore(Transpose trans, int n, int nrhs, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<int> ipiv, Span<double> b, int ldb) => ManagedLapack.Getrs(trans, n, nrhs, a, lda, ipiv, b, ldb);
}
