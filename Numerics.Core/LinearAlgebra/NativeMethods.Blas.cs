namespace Numerics.LinearAlgebra;

/// <summary>
/// The CBLAS and LAPACKE entry points of one native library (column-major, LP64), resolved once
/// at load into function pointers. A library that lacks any of them is rejected as a whole (see
/// <see cref="Missing"/>), so no call can fail half-way through a computation for want of a symbol.
/// </summary>
internal sealed unsafe partial class NativeMethods(NativeExports exports)
{
    internal const int ColMajor = 102;
    internal const int NoTrans = 111, Trans = 112;
    internal const int Upper = 121, Lower = 122;
    internal const int NonUnit = 131, Unit = 132;
    internal const int Left = 141, Right = 142;

    internal static int Code(Transpose t) => t == Transpose.NoTranspose ? NoTrans : Trans;
    internal static int Code(TriangularPart u) => u == TriangularPart.Upper ? Upper : Lower;
    internal static int Code(DiagonalKind d) => d == DiagonalKind.NonUnit ? NonUnit : Unit;
    internal static int Code(Side s) => s == Side.Left ? Left : Right;

    /// <summary>The entry points the library does not export (empty when it is complete).</summary>
    public IReadOnlyList<string> Missing => exports.Missing;

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>
        cblas_dgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)exports.Require(nameof(cblas_dgemm));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>
        cblas_sgemm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)exports.Require(nameof(cblas_sgemm));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, double, double*, int, double*, int, double, double*, int, void>
        cblas_dgemv = (delegate* unmanaged[Cdecl]<int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)exports.Require(nameof(cblas_dgemv));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, float, float*, int, float*, int, float, float*, int, void>
        cblas_sgemv = (delegate* unmanaged[Cdecl]<int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)exports.Require(nameof(cblas_sgemv));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, double, double*, int, double, double*, int, void>
        cblas_dsyrk = (delegate* unmanaged[Cdecl]<int, int, int, int, int, double, double*, int, double, double*, int, void>)exports.Require(nameof(cblas_dsyrk));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, float, float*, int, float, float*, int, void>
        cblas_ssyrk = (delegate* unmanaged[Cdecl]<int, int, int, int, int, float, float*, int, float, float*, int, void>)exports.Require(nameof(cblas_ssyrk));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, int, int, double, double*, int, double*, int, void>
        cblas_dtrsm = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, int, double, double*, int, double*, int, void>)exports.Require(nameof(cblas_dtrsm));

    internal readonly delegate* unmanaged[Cdecl]<int, int, int, int, int, double*, int, double*, int, void>
        cblas_dtrmv = (delegate* unmanaged[Cdecl]<int, int, int, int, int, double*, int, double*, int, void>)exports.Require(nameof(cblas_dtrmv));

    internal readonly delegate* unmanaged[Cdecl]<int, double*, int, double*, int, double>
        cblas_ddot = (delegate* unmanaged[Cdecl]<int, double*, int, double*, int, double>)exports.Require(nameof(cblas_ddot));

    internal readonly delegate* unmanaged[Cdecl]<int, float*, int, float*, int, float>
        cblas_sdot = (delegate* unmanaged[Cdecl]<int, float*, int, float*, int, float>)exports.Require(nameof(cblas_sdot));

    internal readonly delegate* unmanaged[Cdecl]<int, double*, int, double>
        cblas_dnrm2 = (delegate* unmanaged[Cdecl]<int, double*, int, double>)exports.Require(nameof(cblas_dnrm2));

    internal readonly delegate* unmanaged[Cdecl]<int, float*, int, float>
        cblas_snrm2 = (delegate* unmanaged[Cdecl]<int, float*, int, float>)exports.Require(nameof(cblas_snrm2));

    internal readonly delegate* unmanaged[Cdecl]<int, double, double*, int, double*, int, void>
        cblas_daxpy = (delegate* unmanaged[Cdecl]<int, double, double*, int, double*, int, void>)exports.Require(nameof(cblas_daxpy));

    internal readonly delegate* unmanaged[Cdecl]<int, float, float*, int, float*, int, void>
        cblas_saxpy = (delegate* unmanaged[Cdecl]<int, float, float*, int, float*, int, void>)exports.Require(nameof(cblas_saxpy));

    internal readonly delegate* unmanaged[Cdecl]<int, double, double*, int, void>
        cblas_dscal = (delegate* unmanaged[Cdecl]<int, double, double*, int, void>)exports.Require(nameof(cblas_dscal));

    internal readonly delegate* unmanaged[Cdecl]<int, float, float*, int, void>
        cblas_sscal = (delegate* unmanaged[Cdecl]<int, float, float*, int, void>)exports.Require(nameof(cblas_sscal));
}
