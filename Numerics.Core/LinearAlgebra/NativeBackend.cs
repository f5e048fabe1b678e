using System.Runtime.InteropServices;
using static Numerics.LinearAlgebra.NativeMethods;

namespace Numerics.LinearAlgebra;

/// <summary>MKL or OpenBLAS through the CBLAS and LAPACKE C interfaces.</summary>
internal sealed unsafe class NativeBackend : LinearAlgebraBackend
{
    private readonly delegate* unmanaged[Cdecl]<int, void> _setThreads;
    private readonly delegate* unmanaged[Cdecl]<int> _getThreads;

    private NativeBackend(BlasBackendKind kind, string description)
    {
        Kind = kind;
        Description = description;
        string set = kind == BlasBackendKind.Mkl ? "MKL_Set_Num_Threads" : "openblas_set_num_threads";
        string get = kind == BlasBackendKind.Mkl ? "MKL_Get_Max_Threads" : "openblas_get_num_threads";
        if (NativeLibraryResolver.TryGetExport(set, out var s)) _setThreads = (delegate* unmanaged[Cdecl]<int, void>)s;
        if (NativeLibraryResolver.TryGetExport(get, out var g)) _getThreads = (delegate* unmanaged[Cdecl]<int>)g;
    }

    internal static LinearAlgebraBackend? TryCreate()
    {
        NativeLibraryResolver.EnsureInitialized();
        var kind = NativeLibraryResolver.Loaded;
        if (kind == BlasBackendKind.Managed) return null;
        string description = kind == BlasBackendKind.Mkl ? "libmkl_rt" : "libopenblas.so.0 + liblapacke.so.3";
        if (kind == BlasBackendKind.OpenBlas && NativeLibraryResolver.TryGetExport("openblas_get_config", out var cfg))
            description = Marshal.PtrToStringAnsi(((delegate* unmanaged[Cdecl]<nint>)cfg)()) ?? description;
        return new NativeBackend(kind, description);
    }

    public override BlasBackendKind Kind { get; }
    public override string Description { get; }

    public override int Threads
    {
        get => _getThreads != null ? _getThreads() : 1;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(value));
            if (_setThreads != null) _setThreads(value);
        }
    }

    private static byte Char(Transpose t) => t == Transpose.NoTranspose ? (byte)'N' : (byte)'T';
    private static byte Char(TriangularPart u) => u == TriangularPart.Upper ? (byte)'U' : (byte)'L';
    private static byte Char(Side s) => s == Side.Left ? (byte)'L' : (byte)'R';
    private static byte Job(SvdVectors v) => v switch { SvdVectors.None => (byte)'N', SvdVectors.Thin => (byte)'S', _ => (byte)'A' };

    private protected override void GemmCore(Transpose transA, Transpose transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, ReadOnlySpan<double> b, int ldb, double beta, Span<double> c, int ldc)
    {
        fixed (double* pa = a, pb = b, pc = c)
            cblas_dgemm(ColMajor, Code(transA), Code(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    private protected override void GemmCore(Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a, pb = b, pc = c)
            cblas_sgemm(ColMajor, Code(transA), Code(transB), m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
    }

    private protected override void GemvCore(Transpose trans, int m, int n, double alpha, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<double> x, int incX, double beta, Span<double> y, int incY)
    {
        fixed (double* pa = a, px = x, py = y)
            cblas_dgemv(ColMajor, Code(trans), m, n, alpha, pa, lda, px, incX, beta, py, incY);
    }

    private protected override void GemvCore(Transpose trans, int m, int n, float alpha, ReadOnlySpan<float> a, int lda,
        ReadOnlySpan<float> x, int incX, float beta, Span<float> y, int incY)
    {
        fixed (float* pa = a, px = x, py = y)
            cblas_sgemv(ColMajor, Code(trans), m, n, alpha, pa, lda, px, incX, beta, py, incY);
    }

    private protected override void SyrkCore(TriangularPart uplo, Transpose trans, int n, int k, double alpha,
        ReadOnlySpan<double> a, int lda, double beta, Span<double> c, int ldc)
    {
        fixed (double* pa = a, pc = c)
            cblas_dsyrk(ColMajor, Code(uplo), Code(trans), n, k, alpha, pa, lda, beta, pc, ldc);
    }

    private protected override void SyrkCore(TriangularPart uplo, Transpose trans, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        fixed (float* pa = a, pc = c)
            cblas_ssyrk(ColMajor, Code(uplo), Code(trans), n, k, alpha, pa, lda, beta, pc, ldc);
    }

    private protected override void TrsmCore(Side side, TriangularPart uplo, Transpose transA, DiagonalKind diag,
        int m, int n, double alpha, ReadOnlySpan<double> a, int lda, Span<double> b, int ldb)
    {
        fixed (double* pa = a, pb = b)
            cblas_dtrsm(ColMajor, Code(side), Code(uplo), Code(transA), Code(diag), m, n, alpha, pa, lda, pb, ldb);
    }

    private protected override void TrmvCore(TriangularPart uplo, Transpose transA, DiagonalKind diag, int n,
        ReadOnlySpan<double> a, int lda, Span<double> x, int incX)
    {
        fixed (double* pa = a, px = x)
            cblas_dtrmv(ColMajor, Code(uplo), Code(transA), Code(diag), n, pa, lda, px, incX);
    }

    private protected override double DotCore(int n, ReadOnlySpan<double> x, int incX, ReadOnlySpan<double> y, int incY)
    {
        fixed (double* px = x, py = y) return cblas_ddot(n, px, incX, py, incY);
    }

    private protected override float DotCore(int n, ReadOnlySpan<float> x, int incX, ReadOnlySpan<float> y, int incY)
    {
        fixed (float* px = x, py = y) return cblas_sdot(n, px, incX, py, incY);
    }

    private protected override double Nrm2Core(int n, ReadOnlySpan<double> x, int incX)
    {
        fixed (double* px = x) return cblas_dnrm2(n, px, incX);
    }

    private protected override float Nrm2Core(int n, ReadOnlySpan<float> x, int incX)
    {
        fixed (float* px = x) return cblas_snrm2(n, px, incX);
    }

    private protected override void AxpyCore(int n, double alpha, ReadOnlySpan<double> x, int incX, Span<double> y, int incY)
    {
        fixed (double* px = x, py = y) cblas_daxpy(n, alpha, px, incX, py, incY);
    }

    private protected override void AxpyCore(int n, float alpha, ReadOnlySpan<float> x, int incX, Span<float> y, int incY)
    {
        fixed (float* px = x, py = y) cblas_saxpy(n, alpha, px, incX, py, incY);
    }

    private protected override void ScalCore(int n, double alpha, Span<double> x, int incX)
    {
        fixed (double* px = x) cblas_dscal(n, alpha, px, incX);
    }

    private protected override void ScalCore(int n, float alpha, Span<float> x, int incX)
    {
        fixed (float* px = x) cblas_sscal(n, alpha, px, incX);
    }

    private protected override int GeqrfCore(int m, int n, Span<double> a, int lda, Span<double> tau)
    {
        fixed (double* pa = a, pt = tau) return LAPACKE_dgeqrf(ColMajor, m, n, pa, lda, pt);
    }

    private protected override int Geqp3Core(int m, int n, Span<double> a, int lda, Span<int> jpvt, Span<double> tau)
    {
        fixed (double* pa = a, pt = tau)
        fixed (int* pj = jpvt)
            return LAPACKE_dgeqp3(ColMajor, m, n, pa, lda, pj, pt);
    }

    private protected override int OrgqrCore(int m, int n, int k, Span<double> a, int lda, ReadOnlySpan<double> tau)
    {
        fixed (double* pa = a, pt = tau) return LAPACKE_dorgqr(ColMajor, m, n, k, pa, lda, pt);
    }

    private protected override int OrmqrCore(Side side, Transpose trans, int m, int n, int k, Span<double> a, int lda,
        ReadOnlySpan<double> tau, Span<double> c, int ldc)
    {
        fixed (double* pa = a, pt = tau, pc = c)
            return LAPACKE_dormqr(ColMajor, Char(side), Char(trans), m, n, k, pa, lda, pt, pc, ldc);
    }

    private protected override int GesddCore(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        if (vectors == SvdVectors.None) { ldu = 1; ldvt = 1; }
        fixed (double* pa = a, ps = s, pu = u, pv = vt)
            return LAPACKE_dgesdd(ColMajor, Job(vectors), m, n, pa, lda, ps, pu, ldu, pv, ldvt);
    }

    private protected override int GesvdCore(SvdVectors vectors, int m, int n, Span<double> a, int lda, Span<double> s,
        Span<double> u, int ldu, Span<double> vt, int ldvt)
    {
        if (vectors == SvdVectors.None) { ldu = 1; ldvt = 1; }
        var superb = new double[Math.Max(1, Math.Min(m, n))];
        fixed (double* pa = a, ps = s, pu = u, pv = vt, pw = superb)
            return LAPACKE_dgesvd(ColMajor, Job(vectors), Job(vectors), m, n, pa, lda, ps, pu, ldu, pv, ldvt, pw);
    }

    private protected override int GelsCore(int m, int n, int nrhs, Span<double> a, int lda, Span<double> b, int ldb)
    {
        fixed (double* pa = a, pb = b) return LAPACKE_dgels(ColMajor, (byte)'N', m, n, nrhs, pa, lda, pb, ldb);
    }

    private protected override int PotrfCore(TriangularPart uplo, int n, Span<double> a, int lda)
    {
        fixed (double* pa = a) return LAPACKE_dpotrf(ColMajor, Char(uplo), n, pa, lda);
    }

    private protected override int PotrsCore(TriangularPart uplo, int n, int nrhs, ReadOnlySpan<double> a, int lda,
        Span<double> b, int ldb)
    {
        fixed (double* pa = a, pb = b) return LAPACKE_dpotrs(ColMajor, Char(uplo), n, nrhs, pa, lda, pb, ldb);
    }

    private protected override int SyevdCore(bool computeVectors, TriangularPart uplo, int n, Span<double> a, int lda, Span<double> w)
    {
        fixed (double* pa = a, pw = w)
            return LAPACKE_dsyevd(ColMajor, computeVectors ? (byte)'V' : (byte)'N', Char(uplo), n, pa, lda, pw);
    }

    private protected override int GetrfCore(int m, int n, Span<double> a, int lda, Span<int> ipiv)
    {
        fixed (double* pa = a) fixed (int* pi = ipiv) return LAPACKE_dgetrf(ColMajor, m, n, pa, lda, pi);
    }

    private protected override int GetrsCore(Transpose trans, int n, int nrhs, ReadOnlySpan<double> a, int lda,
        ReadOnlySpan<int> ipiv, Span<double> b, int ldb)
    {
        fixed (double* pa = a, pb = b) fixed (int* pi = ipiv)
            return LAPACKE_dgetrs(ColMajor, Char(trans), n, nrhs, pa, lda, pi, pb, ldb);
    }
}
