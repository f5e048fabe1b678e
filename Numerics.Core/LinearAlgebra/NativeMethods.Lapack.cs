using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Numerics.LinearAlgebra;

/// <summary>LAPACKE entry points (column-major layout, LP64 <c>lapack_int</c>).</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dgeqrf(int layout, int m, int n, double* a, int lda, double* tau);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dgeqp3(int layout, int m, int n, double* a, int lda, int* jpvt, double* tau);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dorgqr(int layout, int m, int n, int k, double* a, int lda, double* tau);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dormqr(int layout, byte side, byte trans, int m, int n, int k,
        double* a, int lda, double* tau, double* c, int ldc);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dgesdd(int layout, byte jobz, int m, int n, double* a, int lda,
        double* s, double* u, int ldu, double* vt, int ldvt);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dgesvd(int layout, byte jobu, byte jobvt, int m, int n, double* a, int lda,
        double* s, double* u, int ldu, double* vt, int ldvt, double* superb);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dgels(int layout, byte trans, int m, int n, int nrhs,
        double* a, int lda, double* b, int ldb);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dpotrf(int layout, byte uplo, int n, double* a, int lda);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dpotrs(int layout, byte uplo, int n, int nrhs, double* a, int lda,
        double* b, int ldb);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dsyevd(int layout, byte jobz, byte uplo, int n, double* a, int lda, double* w);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dgetrf(int layout, int m, int n, double* a, int lda, int* ipiv);

    [LibraryImport(LapackLibrary), UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial int LAPACKE_dgetrs(int layout, byte trans, int n, int nrhs, double* a, int lda,
        int* ipiv, double* b, int ldb);
}
