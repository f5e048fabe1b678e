namespace Numerics.LinearAlgebra;

/// <summary>
/// A native BLAS/LAPACK that passed every check at load: its entry points, and its vendor's
/// thread-count controls.
/// </summary>
internal sealed unsafe class NativeLibraryBinding(BlasBackendKind kind, string description, NativeMethods methods,
    delegate* unmanaged[Cdecl]<int, void> setThreads, delegate* unmanaged[Cdecl]<int> getThreads, bool gemmIsThreadCountInvariant)
{
    /// <summary>Whether ?gemm gives the same bits whatever the thread count (MKL in strict CNR mode).</summary>
    public bool GemmIsThreadCountInvariant { get; } = gemmIsThreadCountInvariant;

    /// <summary>MKL or OpenBLAS.</summary>
    public BlasBackendKind Kind { get; } = kind;

    /// <summary>What was loaded and how it was configured, for reports.</summary>
    public string Description { get; } = description;

    /// <summary>The CBLAS and LAPACKE entry points.</summary>
    public NativeMethods Methods { get; } = methods;

    /// <summary>
    /// Sets the thread count: for MKL <c>MKL_Set_Num_Threads_Local</c>, which applies to the calling
    /// OS thread only; for OpenBLAS <c>openblas_set_num_threads</c>, which is process-wide. (MKL's
    /// returns the previous value; ignoring a return value is harmless in the C calling convention.)
    /// </summary>
    public delegate* unmanaged[Cdecl]<int, void> SetThreads { get; } = setThreads;

    /// <summary>The library's thread count (MKL's maximum, OpenBLAS's pool size).</summary>
    public delegate* unmanaged[Cdecl]<int> GetThreads { get; } = getThreads;

    /// <summary>Whether <see cref="SetThreads"/> applies to the calling OS thread only (MKL) rather than to the process.</summary>
    public bool ThreadsPerOsThread => Kind == BlasBackendKind.Mkl;
}
