namespace Numerics.LinearAlgebra;

/// <summary>
/// One native BLAS/LAPACK the engine may use: the file names to try for the library that exports
/// CBLAS, and for LAPACKE when that library does not export it too.
/// </summary>
/// <param name="Kind">Which vendor's conventions apply (thread control, MKL's run-time layers).</param>
/// <param name="BlasNames">File names or paths tried in order for the CBLAS library.</param>
/// <param name="LapackNames">File names or paths tried in order for LAPACKE, when the CBLAS library lacks it.</param>
internal sealed record NativeCandidate(BlasBackendKind Kind, string[] BlasNames, string[] LapackNames)
{
    /// <summary>MKL's single dynamic library, which carries CBLAS and LAPACKE.</summary>
    public static NativeCandidate Mkl { get; } = new(BlasBackendKind.Mkl, ["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1"], []);

    /// <summary>OpenBLAS, with the reference LAPACKE when OpenBLAS was built without it (as on Debian).</summary>
    public static NativeCandidate OpenBlas { get; } =
        new(BlasBackendKind.OpenBlas, ["libopenblas.so.0", "libopenblas.so"], ["liblapacke.so.3", "liblapacke.so"]);

    /// <summary>The order in which the engine looks when <c>NUMERICS_BLAS</c> does not name one.</summary>
    public static IReadOnlyList<NativeCandidate> Default { get; } = [Mkl, OpenBlas];
}
