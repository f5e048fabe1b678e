namespace Numerics.LinearAlgebra;

/// <summary>LAPACKE entry points (column-major layout, LP64 <c>lapack_int</c>; <c>char</c> arguments as bytes).</summary>
internal sealed unsafe partial class NativeMethods
{
    internal readonly delegate* unmanaged[Cdecl]<int, int, int, double*, int, double*, int>
        LAPACKE_dgeqrf = (delegate* unmanaged[Cdecl]<int, int, int, double*, int, double*, int>)exports.Require(nameof(LAPACKE_dgeqrf));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, double*, int, int*, double*, int>
        LAPACKE_dgeqp3 = (delegate* unmanaged[Cdecl]<int, int, int, double*, int, int*, double*, int>)exports.Require(nameof(LAPACKE_dgeqp3));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, double*, int, double*, int>
        LAPACKE_dorgqr = (delegate* unmanaged[Cdecl]<int, int, int, int, double*, int, double*, int>)exports.Require(nameof(LAPACKE_dorgqr));

    internal readonly delegate* unmanaged[Cdecl]<int, byte, byte, int, int, int, double*, int, double*, double*, int, int>
        LAPACKE_dormqr = (delegate* unmanaged[Cdecl]<int, byte, byte, int, int, int, double*, int, double*, double*, int, int>)exports.Require(nameof(LAPACKE_dormqr));

    internal readonly delegate* unmanaged[Cdecl]<int, byte, int, int, double*, int, double*, double*, int, double*, int, int>
        LAPACKE_dgesdd = (delegate* unmanaged[Cdecl]<int, byte, int, int, double*, int, double*, double*, int, double*, int, int>)exports.Require(nameof(LAPACKE_dgesdd));

    internal readonly delegate* unmanaged[Cdecl]<int, byte, byte, int, int, double*, int, double*, double*, int, double*, int, double*, int>
        LAPACKE_dgesvd = (delegate* unmanaged[Cdecl]<int, byte, byte, int, int, double*, int, double*, double*, int, double*, int, double*, int>)exports.Require(nameof(LAPACKE_dgesvd));

    internal readonly delegate* unmanaged[Cdecl]<int, byte, int, int, int, double*, int, double*, int, int>
        LAPACKE_dgels = (delegate* unmanaged[Cdecl]<int, byte, int, int, int, double*, int, double*, int, int>)exports.Require(nameof(LAPACKE_dgels));

    internal readonly delegate* unmanaged[Cdecl]<int, byte, int, double*, int, int>
        LAPACKE_dpotrf = (delegate* unmanaged[Cdecl]<int, byte, int, double*, int, int>)exports.Require(nameof(LAPACKE_dpotrf));

    internal readonly delegate* unmanaged[Cdecl]<int, byte, int, int, double*, int, double*, int, int>
        LAPACKE_dpotrs = (delegate* unmanaged[Cdecl]<int, byte, int, int, double*, int, double*, int, int>)exports.Require(nameof(LAPACKE_dpotrs));

    internal readonly delegate* unmanaged[Cdecl]<int, byte, byte, int, double*, int, double*, int>
        LAPACKE_dsyevd = (delegate* unmanaged[Cdecl]<int, byte, byte, int, double*, int, double*, int>)exports.Require(nameof(LAPACKE_dsyevd));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, double*, int, int*, int>
        LAPACKE_dgetrf = (delegate* unmanaged[Cdecl]<int, int, int, double*, int, int*, int>)exports.Require(nameof(LAPACKE_dgetrf));

    internal readonly delegate* unmanaged[Cdecl]<int, byte, int, int, double*, int, int*, double*, int, int>
        LAPACKE_dgetrs = (delegate* unmanaged[Cdecl]<int, byte, int, int, double*, int, int*, double*, int, int>)exports.Require(nameof(LAPACKE_dgetrs));
}
