using System.Runtime.InteropServices;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Loads the first usable native BLAS/LAPACK among the candidates and says why each one before it
/// was rejected.
/// </summary>
/// <remarks>
/// A library is used only if it passes every check, in this order: it loads (with LAPACKE, from
/// itself or from the candidate's LAPACKE library); for MKL, its run-time layers can be set
/// (<see cref="MklRuntimeSettings"/>); every entry point in <see cref="NativeMethods"/> and the
/// vendor's thread controls are exported; and it reads 32-bit integers (LP64). Rejected libraries
/// are left loaded: unloading one whose thread pool has started is not safe.
/// </remarks>
internal static unsafe class NativeLibraryResolver
{
    /// <summary>The first usable library among <paramref name="candidates"/>, and the reason for each rejected one.</summary>
    public static (NativeLibraryBinding? Library, IReadOnlyList<string> Rejected) Resolve(IEnumerable<NativeCandidate> candidates)
    {
        var rejected = new List<string>();
        foreach (var candidate in candidates)
        {
            var library = TryLoad(candidate, out string why);
            if (library is not null) return (library, rejected);
            rejected.Add(why);
        }
        return (null, rejected);
    }

    private static NativeLibraryBinding? TryLoad(NativeCandidate candidate, out string why)
    {
        string blasName = TryLoadAny(candidate.BlasNames, out nint blas) ?? "";
        if (blas == 0) { why = $"{candidate.BlasNames[0]}: not found"; return null; }
        string name = blasName;
        nint lapack = 0;
        if (!NativeLibrary.TryGetExport(blas, "LAPACKE_dgeqrf", out _) && candidate.LapackNames.Length > 0)
        {
            string? lapackName = TryLoadAny(candidate.LapackNames, out lapack);
            if (lapackName is null) { why = $"{blasName}: {candidate.LapackNames[0]} (LAPACKE) not found"; return null; }
            name += " + " + lapackName;
        }

        string settings = "";
        bool strictReproducibility = false;
        if (candidate.Kind == BlasBackendKind.Mkl && MklRuntimeSettings.Apply(blas, out settings, out strictReproducibility) is { } mklProblem)
        {
            why = $"{blasName}: {mklProblem}";
            return null;
        }

        var methods = new NativeMethods(new NativeExports(blas, lapack));
        var vendor = new NativeExports(blas);
        bool mkl = candidate.Kind == BlasBackendKind.Mkl;
        var setThreads = (delegate* unmanaged[Cdecl]<int, void>)vendor.Require(mkl ? "MKL_Set_Num_Threads_Local" : "openblas_set_num_threads");
        var getThreads = (delegate* unmanaged[Cdecl]<int>)vendor.Require(mkl ? "MKL_Get_Max_Threads" : "openblas_get_num_threads");
        var getConfig = mkl ? null : (delegate* unmanaged[Cdecl]<nint>)vendor.Require("openblas_get_config");
        var missing = methods.Missing.Concat(vendor.Missing).ToList();
        if (missing.Count > 0)
        {
            why = $"{name}: missing {string.Join(", ", missing.Take(5))}{(missing.Count > 5 ? $" and {missing.Count - 5} more" : "")}";
            return null;
        }

        string description = mkl ? $"MKL ({name}; {settings})" : $"{Marshal.PtrToStringAnsi(getConfig())} ({name})";
        if (!ReadsLp64Integers(methods))
        {
            why = $"{name}: an ILP64 build (it reads BLAS integers as 64-bit; the engine passes 32-bit ones): {description}";
            return null;
        }
        if (!DisableNanCheck(new NativeExports(lapack, blas))) description += "; LAPACKE NaN checks on (no LAPACKE_set_nancheck)";
        why = "";
        return new NativeLibraryBinding(candidate.Kind, description, methods, setThreads, getThreads, strictReproducibility);
    }

    /// <summary>
    /// Turns LAPACKE's NaN scan of every input matrix off (LAPACKE_set_nancheck(0), in LAPACKE since
    /// 3.6): the span-level routines then behave like reference LAPACK and the managed backend (NaN
    /// propagates, no error), and no call pays an extra pass over its matrix. The matrix-level
    /// facades reject non-finite input themselves. False when the library lacks the switch.
    /// </summary>
    private static bool DisableNanCheck(NativeExports exports)
    {
        var setNanCheck = (delegate* unmanaged[Cdecl]<int, void>)exports.Require("LAPACKE_set_nancheck");
        if (setNanCheck == null) return false;
        setNanCheck(0);
        return true;
    }

    /// <summary>
    /// Calls cblas_ddot on x = (1, 2) with n = 2 in the low 32 bits of its register and ones in the
    /// high 32: an LP64 library reads n = 2 and returns 5; an ILP64 one reads a negative n and returns
    /// 0. Neither reads past x, so the probe is safe on either.
    /// </summary>
    private static bool ReadsLp64Integers(NativeMethods methods)
    {
        var ddot = (delegate* unmanaged[Cdecl]<long, double*, long, double*, long, double>)methods.cblas_ddot;
        double* x = stackalloc double[] { 1, 2 };
        return ddot(unchecked((long)0xFFFF_FFFF_0000_0002UL), x, 1, x, 1) == 5;
    }

    private static string? TryLoadAny(string[] names, out nint handle)
    {
        foreach (var n in names)
            if (NativeLibrary.TryLoad(n, out handle)) return n;
        handle = 0;
        return null;
    }
}
