using static Numerics.LinearAlgebra.NativeMethods;

namespace Numerics.LinearAlgebra;

/// <summary>MKL or OpenBLAS through the CBLAS and LAPACKE C interfaces, bound at load by <see cref="NativeLibraryResolver"/>.</summary>
internal sealed unsafe class NativeBackend : LinearAlgebraBackend
{
    private readonly NativeLibraryBinding _library;
    private readonly NativeMethods _methods;

    /// <summary>OpenBLAS: the count last given to its process-wide pool.</summary>
    private int _poolThreads;

    /// <summary>MKL: the count last given on this OS thread (0 before the first call).</summary>
    [ThreadStatic] private static int t_localThreads;

    internal NativeBackend(NativeLibraryBinding library)
    {
        _library = library;
        _methods = library.Methods;
        Threads = _poolThreads = Math.Max(1, library.GetThreads());
    }

    /// <summary>The thread count the library itself reports (for MKL, on the calling OS thread).</summary>
    internal int LibraryThreads => _library.GetThreads();

    public override BlasBackendKind Kind => _library.Kind;
    public override string Description => _library.Description;

    /// <summary>
    /// True only for MKL in strict CNR mode. OpenBLAS splits the work differently with the thread
    /// count, and its dgemm was measured to differ in the last bits between 1 and 2 threads.
    /// </summary>
    public override bool GemmIsThreadCountInvariant => _library.GemmIsThreadCountInvariant;

    /// <summary>
    /// The entry points, after giving the library the thread count of the calling flow
    /// (<see cref="LinearAlgebraBackend.EffectiveThreads"/>). MKL's count is per OS thread, so
    /// concurrent callers in different scopes do not disturb each other; OpenBLAS has one pool for
    /// the process, so the last caller's count applies to calls that run at the same time.
    /// </summary>
    private NativeMethods WithThreads()
    {
        int threads = EffectiveThreads;
        if (_library.ThreadsPerOsThread)
        {
            if (t_localThreads != threads) { _library.SetThreads(threads); t_localThreads = threads; }
        }
        else if (_poolThreads != threads)
        {
            _library.SetThreads(threads);
            _poolThreads = threads;
        }
        return _methods;
    }

    private static byte Char(Transpose t) => t == Transpose.NoTranspose ? (byte)'N' : (byte)'T';
    private static byte Char(TriangularPart u) => u == TriangularPart.Upper ? (byte)'U' : (byte)'L';
    private static byte Char(Side s) => s == Side.Left ? (byte)'L' : (byte)'R';
    private static byte Job(SvdVectors v) => v switch { SvdVectors.None => (byte)'N', SvdVectors.Thin => (byte)'S', _ => (byte)'A' };

    private protected override void GemmCore(Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        fixed (double* pa = a, pb = b, pc = c)
            WithThreads().cblas_dgemm(ColMajor, Code(transA), Code(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    private protected override void GemmCore(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
            WithThreads().cblas_sgemm(ColMajor, Code(transA), Code(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    private protected override void GemvCore(Transpose trans, int m, int n, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> x, int incX, double beta, Span<double> y, int incY)
    {
        fixed (double* pa = a, px = x, py = y)
            WithThreads().cblas_dgemv(ColMajor, Code(trans), m, n, alpha, pa, lda, px, incX, beta, py, incY);
    }

    private protected override void GemvCore(Transpose trans, int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, int incX, float beta, Span<float> y, int incY)
    {
        fixed (float* pa = a, px = x, py = y)
            WithThreads().cblas_sgemv(ColMajor, Code(trans), m, n, alpha, pa, lda, px, incX, beta, py, incY);
    }

    private protected override void SyrkCore(TriangularPart uplo, Transpose trans, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc)
    {
        fixed (double* pa = a, pc = c)
            WithThreads().cblas_dsyrk(ColMajor, Code(uplo), Code(trans), n, k, alpha, pa, lda, beta, pc, ldc);
    }

    private protected override void SyrkCore(TriangularPart uplo, Transpose trans, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a, pc = c)
            WithThreads().cblas_ssyrk(ColMajor, Code(uplo), Code(trans), n, k, alpha, pa, lda, beta, pc, ldc);
    }

    private protected override void TrsmCore(Side side, TriangularPart uplo, Transpose transA, DiagonalKind diag,
        int m, int n, double alpha, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        fixed (double* pa = a, pb = b)
            WithThreads().cblas_dtrsm(ColMajor, Code(side), Code(uplo), Code(transA), Code(diag), m, n, alpha, pa, lda, pb, ldb);
    }

    private protected override void TrmvCore(TriangularPart uplo, Transpose transA, DiagonalKind diag, int n,
        ReadOnlySpan<double> a, int lda, Span<double> x, int incX)
    {
        fixed (double* pa = a, px = x)
            WithThreads().cblas_dtrmv(ColMajor, Code(uplo), Code(transA), Code(diag), n, pa, lda, px, incX);
    }

    private protected override double DotCore(int n, ReadOnlySpan<double> x, int incX, ReadOnlySpan<double> y, int incY)
    {
        fixed (double* px = x, py = y) return WithThreads().cblas_ddot(n, px, incX, py, incY);
    }

    private protected override float DotCore(int n, ReadOnlySpan<float> x, int incX, ReadOnlySpan<float> y, int incY)
    {
        fixed (float* px = x, py = y) return WithThreads().cblas_sdot(n, px, incX, py, incY);
    }

    private protected override double Nrm2Core(int n, ReadOnlySpan<double> x, int incX)
    {
        fixed (double* px = x) return WithThreads().cblas_dnrm2(n, px, incX);
    }

    private protected override float Nrm2Core(int n, ReadOnlySpan<float> x, int incX)
    {
        fixed (float* px = x) return WithThreads().cblas_snrm2(n, px, incX);
    }

    private protected override void AxpyCore(int n, double alpha, ReadOnlySpan<double> x, int incX, Span<double> y, int incY)
    {
        fixed (double* px = x, py = y) WithThreads().cblas_daxpy(n, alpha, px, incX, py, incY);
    }

    private protected override void AxpyCore(int n, float alpha, ReadOnlySpan<float> x, int incX, Span<float> y, int incY)
    {
        fixed (float* px = x, py = y) WithThreads().cblas_saxpy(n, alpha, px, incX, py, incY);
    }

    private protected override void ScalCore(int n, double alpha, Span<double> x, int incX)
    {
        fixed (double* px = x) WithThreads().cblas_dscal(n, alpha, px, incX);
    }

    private protected override void ScalCore(int n, float alpha, Span<float> x, int incX)
    {
        fixed (float* px = x) WithThreads().cblas_sscal(n, alpha, px, incX);
    }

    private protected override int GeqrfCore(int m, int n, Span<double> a, int lda, Span<double> tau)
    {
        fixed (double* pa = a, pt = tau) return WithThreads().LAPACKE_dgeqrf(ColMajor, m, n, pa, lda, pt);
    }

    private protected override int Geqp3Core(int m, int n, Span<double> a, int lda, Span<int> jpvt, Span<double> tau)
    {
        fixed (double* pa = a, pt = tau)
        fixed (int* pj = jpvt)
            return WithThreads().LAPACKE_dgeqp3(ColMajor, m, n, pa, lda, pj, pt);
    }

    private protected override int OrgqrCore(int m, int n, int k, Span<double> a, int lda, ReadOnlySpan<double> tau)
    {
        fixed (double* pa = a, pt = tau) return WithThreads().LAPACKE_dorgqr(ColMajor, m, n, k, pa, lda, pt);
    }

    private protected override int OrmqrCore(Side side, Transpose trans, int m, int n, int k, Span<double> a, int lda,
        ReadOnlySpan<double> tau, Span<double> c, int ldc)
    {
        fixed (double* pa = a, pt = tau, pc = c)
            return WithThreads().LAPACKE_dormqr(ColMajor, Char(side), Char(trans), m, n, k, pa, lda, pt, pc, ldc);
    }

    private protected override int GesddCore(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        if (vectors == SvdVectors.None) { ldu = 1; ldvt = 1; }
        fixed (double* pa = a, ps = s, pu = u, pv = vt)
            return WithThreads().LAPACKE_dgesdd(ColMajor, Job(vectors), m, n, pa, lda, ps, pu, ldu, pv, ldvt);
    }

    private protected override int GesvdCore(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        if (vectors == SvdVectors.None) { ldu = 1; ldvt = 1; }
        var superb = new double[Math.Max(1, Math.Min(m, n))];
        fixed (double* pa = a, ps = s, pu = u, pv = vt, pw = superb)
            return WithThreads().LAPACKE_dgesvd(ColMajor, Job(vectors), Job(vectors), m, n, pa, lda, ps, pu, ldu, pv, ldvt, pw);
    }

    private protected override int GelsCore(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        fixed (double* pa = a, pb = b) return WithThreads().LAPACKE_dgels(ColMajor, (byte)'N', m, n, nrhs, pa, lda, pb, ldb);
    }

    private protected override int PotrfCore(TriangularPart uplo, int n, Span<double> a, int lda)
    {
        fixed (double* pa = a) return WithThreads().LAPACKE_dpotrf(ColMajor, Char(uplo), n, pa, lda);
    }

    private protected override int PotrsCore(TriangularPart uplo, int n, int nrhs, ReadOnlySpan<double> a, int lda,
        Span<double> b, int ldb)
    {
        fixed (double* pa = a, pb = b) return WithThreads().LAPACKE_dpotrs(ColMajor, Char(uplo), n, nrhs, pa, lda, pb, ldb);
    }

    private protected override int SyevdCore(bool computeVectors, TriangularPart uplo, int n, Span<double> a, int lda, Span<double> w)
    {
        fixed (double* pa = a, pw = w)
            return WithThreads().LAPACKE_dsyevd(ColMajor, computeVectors ? (byte)'V' : (byte)'N', Char(uplo), n, pa, lda, pw);
    }

    private protected override int GetrfCore(int m, int n, Span<double> a, int lda, Span<int> ipiv)
    {
        fixed (double* pa = a) fixed (int* pi = ipiv) return WithThreads().LAPACKE_dgetrf(ColMajor, m, n, pa, lda, pi);
    }

    private protected override int GetrsCore(Transpose trans, int n, int nrhs, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<int> ipiv, Span<double> b, int ldb)
    {
        fixed (double* pa = a, pb = b) fixed (int* pi = ipiv)
            return WithThreads().LAPACKE_dgetrs(ColMajor, Char(trans), n, nrhs, pa, lda, pi, pb, ldb);
    }
}
