using System.Reflection;
using System.Runtime.InteropServices;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Finds a native BLAS/LAPACK: <c>libmkl_rt.so</c>, then <c>libopenblas.so.0</c> with
/// <c>liblapacke.so.3</c>, honouring <c>NUMERICS_BLAS=mkl|openblas|managed</c>.
/// </summary>
/// <remarks>
/// The logical names used by <see cref="NativeMethods"/> are mapped here so that one set of
/// <c>[LibraryImport]</c> declarations serves both vendors. .NET allows one resolver per assembly,
/// so it is registered once, from the static constructor.
/// </remarks>
internal static class NativeLibraryResolver
{
    internal const string EnvironmentVariable = "NUMERICS_BLAS";

    private static readonly nint s_blas;
    private static readonly nint s_lapack;

    /// <summary>The native vendor that was loaded, or <see cref="BlasBackendKind.Managed"/> when none.</summary>
    internal static BlasBackendKind Loaded { get; }

    /// <summary>The backend requested through <c>NUMERICS_BLAS</c>, or null when unset.</summary>
    internal static BlasBackendKind? Requested { get; }

    /// <summary>Why no native library was loaded (empty when one was).</summary>
    internal static string LoadFailure { get; } = "";

    static NativeLibraryResolver()
    {
        Requested = ParseRequest(Environment.GetEnvironmentVariable(EnvironmentVariable));
        var order = Requested switch
        {
            BlasBackendKind.OpenBlas => new[] { BlasBackendKind.OpenBlas, BlasBackendKind.Mkl },
            _ => new[] { BlasBackendKind.Mkl, BlasBackendKind.OpenBlas },
        };
        var failures = new List<string>();
        foreach (var kind in order)
        {
            if (TryLoad(kind, out s_blas, out s_lapack, out var why)) { Loaded = kind; break; }
            failures.Add(why);
        }
        if (Loaded == BlasBackendKind.Managed) LoadFailure = string.Join("; ", failures);
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);
    }

    internal static BlasBackendKind? ParseRequest(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "managed" => BlasBackendKind.Managed,
        "openblas" => BlasBackendKind.OpenBlas,
        "mkl" => BlasBackendKind.Mkl,
        _ => throw new InvalidOperationException(
            $"{EnvironmentVariable}='{value}' is not one of mkl, openblas, managed."),
    };

    /// <summary>Forces the static constructor to run.</summary>
    internal static void EnsureInitialized() { }

    internal static bool TryGetExport(string name, out nint address)
    {
        address = 0;
        return s_blas != 0 && NativeLibrary.TryGetExport(s_blas, name, out address);
    }

    private static nint Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name switch
    {
        NativeMethods.BlasLibrary => s_blas,
        NativeMethods.LapackLibrary => s_lapack,
        _ => 0,
    };

    private static bool TryLoad(BlasBackendKind kind, out nint blas, out nint lapack, out string why)
    {
        blas = lapack = 0;
        why = "";
        if (kind == BlasBackendKind.Mkl)
        {
            if (!TryLoadAny(["libmkl_rt.so", "libmkl_rt.so.2", "libmkl_rt.so.1"], out blas))
            { why = "libmkl_rt.so not found"; return false; }
            if (!NativeLibrary.TryGetExport(blas, "LAPACKE_dgeqrf", out _))
            { why = "libmkl_rt.so lacks LAPACKE"; NativeLibrary.Free(blas); blas = 0; return false; }
            lapack = blas;
            return true;
        }
        if (!TryLoadAny(["libopenblas.so.0", "libopenblas.so"], out blas))
        { why = "libopenblas.so.0 not found"; return false; }
        if (NativeLibrary.TryGetExport(blas, "LAPACKE_dgeqrf", out _)) { lapack = blas; return true; }
        if (!TryLoadAny(["liblapacke.so.3", "liblapacke.so"], out lapack))
        { why = "liblapacke.so.3 not found (OpenBLAS was)"; NativeLibrary.Free(blas); blas = 0; return false; }
        return true;
    }

    private static bool TryLoadAny(string[] names, out nint handle)
    {
        foreach (var n in names)
            if (NativeLibrary.TryLoad(n, out handle)) return true;
        handle = 0;
        return false;
    }
}
