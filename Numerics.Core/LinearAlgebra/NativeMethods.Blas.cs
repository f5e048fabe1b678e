using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Numerics.LinearAlgebra;

/// <summary>CBLAS entry points (column-major, LP64). The library is chosen by <see cref="NativeLibraryResolver"/>.</summary>
internal static unsafe partial class NativeMethods
{
    internal const string BlasLibrary = "numerics_cblas";
    internal const string LapackLibrary = "numerics_lapacke";

    internal const int ColMajor = 102;
    internal const int NoTrans = 111, Trans = 112;
    internal const int Upper = 121, Lower = 122;
    internal const int NonUnit = 131, Unit = 132;
    internal const int Left = 141, Right = 142;

    internal static int Code(Transpose t) => t == Transpose.NoTranspose ? NoTrans : Trans;
    internal static int Code(TriangularPart u) => u == TriangularPart.Upper ? Upper : Lower;
    internal static int Code(DiagonalKind d) => d == DiagonalKind.NonUnit ? NonUnit : Unit;
    internal static int Code(Side s) => s == Side.Left ? Left : Right;

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_dgemm(int layout, int transA, int transB, int m, int n, int k,
        double alpha, double* a, int lda, double* b, int ldb, double beta, double* c, int ldc);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_sgemm(int layout, int transA, int transB, int m, int n, int k,
        float alpha, float* a, int lda, float* b, int ldb, float beta, float* c, int ldc);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_dgemv(int layout, int trans, int m, int n, double alpha,
        double* a, int lda, double* x, int incx, double beta, double* y, int incy);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_sgemv(int layout, int trans, int m, int n, float alpha,
        float* a, int lda, float* x, int incx, float beta, float* y, int incy);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_dsyrk(int layout, int uplo, int trans, int n, int k,
        double alpha, double* a, int lda, double beta, double* c, int ldc);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_ssyrk(int layout, int uplo, int trans, int n, int k,
        float alpha, float* a, int lda, float beta, float* c, int ldc);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_dtrsm(int layout, int side, int uplo, int transA, int diag,
        int m, int n, double alpha, double* a, int lda, double* b, int ldb);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_dtrmv(int layout, int uplo, int transA, int diag,
        int n, double* a, int lda, double* x, int incx);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial double cblas_ddot(int n, double* x, int incx, double* y, int incy);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial float cblas_sdot(int n, float* x, int incx, float* y, int incy);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial double cblas_dnrm2(int n, double* x, int incx);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial float cblas_snrm2(int n, float* x, int incx);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_daxpy(int n, double alpha, double* x, int incx, double* y, int incy);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_saxpy(int n, float alpha, float* x, int incx, float* y, int incy);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_dscal(int n, double alpha, double* x, int incx);

    [LibraryImport(BlasLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void cblas_sscal(int n, float alpha, float* x, int incx);
}
