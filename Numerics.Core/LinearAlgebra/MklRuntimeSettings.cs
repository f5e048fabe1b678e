using System.Runtime.InteropServices;

namespace Numerics.LinearAlgebra;

/// <summary>
/// What <c>libmkl_rt</c> must be told right after it is loaded and before any BLAS call: the LP64
/// interface layer, a threading layer whose OpenMP runtime exists, and strict conditional numerical
/// reproducibility (CNR).
/// </summary>
/// <remarks>
/// <para>The single dynamic library picks its layers at the first call from the environment, so
/// <c>MKL_INTERFACE_LAYER=ILP64</c> would make it read the engine's 32-bit integers as 64-bit ones
/// (dgemm then reads garbage dimensions and crashes). Setting the layer explicitly overrides the
/// environment.</para>
/// <para>Strict CNR (<c>MKL_CBWR_STRICT</c> on the AVX2 or AVX-512 branch) makes ?gemm, ?symm and
/// ?trsm bitwise reproducible whatever the thread count, as the engine promises for a seed; other
/// routines (syrk, LAPACK) are reproducible only at a fixed thread count. Processors without those
/// branches (MKL refuses them on AMD) get plain CNR, reproducible only at a fixed thread count,
/// which <see cref="LinearAlgebraBackend.GemmIsThreadCountInvariant"/> reports.</para>
/// <para>Names are the C entry points (<c>MKL_Set_Interface_Layer</c>, …): the lower-case
/// exports of the same names are the Fortran ones, which take their argument by reference.</para>
/// </remarks>
internal static unsafe class MklRuntimeSettings
{
    /// <summary>The environment variable MKL reads for its threading layer; honoured when set.</summary>
    internal const string ThreadingVariable = "MKL_THREADING_LAYER";

    private const int InterfaceLp64 = 0;
    private const int InterfaceIlp64Bit = 1;
    private const int CbwrStrict = 0x10000;
    private const int CbwrSuccess = 0;

    /// <summary>MKL_CBWR_AVX512 and MKL_CBWR_AVX2, fastest first.</summary>
    private static readonly (string Name, int Code)[] s_strictBranches = [("AVX-512", 12), ("AVX2", 10)];

    /// <summary>MKL_CBWR_AUTO: the processor's own branch, reproducible run to run at a fixed thread count.</summary>
    private const int CbwrAuto = 2;

    /// <summary>An MKL threading layer, the code MKL_Set_Threading_Layer takes, and the runtime it needs.</summary>
    private sealed record ThreadingLayer(string Name, int Code, string[] Runtime);

    // The last is sequential. GNU first: libgomp ships with the GCC runtime, while Debian's libmkl-rt does not pull in
    // Intel's libiomp5; two OpenMP runtimes in one process can oversubscribe the cores.
    private static readonly ThreadingLayer[] s_layers =
    [
        new("gnu", 3, ["libgomp.so.1"]),
        new("intel", 0, ["libiomp5.so"]),
        new("tbb", 4, ["libtbb.so.12", "libtbb.so.2"]),
        new("sequential", 1, []),
    ];

    /// <summary>
    /// The threading layer to use (the one <c>MKL_THREADING_LAYER</c> names, else the first whose
    /// runtime loads), with that runtime loaded; or null and the reason.
    /// </summary>
    private static ThreadingLayer? ChooseThreadingLayer(out string? why)
    {
        why = null;
        string? asked = Environment.GetEnvironmentVariable(ThreadingVariable)?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(asked)) return s_layers.First(LoadRuntime);
        var layer = s_layers.FirstOrDefault(l => l.Name == asked);
        if (layer is null)
            why = $"{ThreadingVariable}='{asked}' is not one of {string.Join(", ", s_layers.Select(l => l.Name))}";
        else if (!LoadRuntime(layer))
            why = $"{ThreadingVariable}={asked} needs {string.Join(" or ", layer.Runtime)}, which is not installed";
        return why is null ? layer : null;
    }

    /// <summary>
    /// Applies the settings to the loaded <c>libmkl_rt</c>; returns null, a summary of what was set and
    /// whether strict CNR is on, or the reason MKL cannot be used.
    /// </summary>
    public static string? Apply(nint mkl, out string settings, out bool strict)
    {
        settings = "";
        strict = false;
        var exports = new NativeExports(mkl);
        var setInterface = (delegate* unmanaged[Cdecl]<int, int>)exports.Require("MKL_Set_Interface_Layer");
        var setThreading = (delegate* unmanaged[Cdecl]<int, int>)exports.Require("MKL_Set_Threading_Layer");
        var setCbwr = (delegate* unmanaged[Cdecl]<int, int>)exports.Require("MKL_CBWR_Set");
        if (exports.Missing.Count > 0) return $"missing {string.Join(", ", exports.Missing)}";

        int layer = setInterface(InterfaceLp64);
        if (layer < 0 || (layer & InterfaceIlp64Bit) != 0)
            return $"MKL_Set_Interface_Layer(LP64) left interface layer {layer}, not LP64";
        var threading = ChooseThreadingLayer(out string? noLayer);
        if (threading is null)
        {
            // MKL stays loaded after a rejection and resolves its layer again at exit, aborting the
            // process when that layer's runtime is missing; the sequential layer needs none.
            setThreading(s_layers[^1].Code);
            return noLayer;
        }
        int set = setThreading(threading.Code);
        if (set != threading.Code) return $"MKL_Set_Threading_Layer({threading.Name}) returned {set}";

        // Strict CNR exists only on these code branches, and MKL refuses a branch the processor
        // lacks (on AMD processors it refuses both). Plain CNR on the automatic branch is the
        // fallback: reproducible run to run, but only at a fixed thread count.
        foreach (var (name, branch) in s_strictBranches)
        {
            if (setCbwr(branch | CbwrStrict) != CbwrSuccess) continue;
            strict = true;
            settings = $"LP64, {threading.Name} threading, strict CNR on the {name} branch";
            return null;
        }
        if (setCbwr(CbwrAuto) is var status and not CbwrSuccess) return $"MKL_CBWR_Set(MKL_CBWR_AUTO) returned {status}";
        settings = $"LP64, {threading.Name} threading, CNR on the automatic branch (strict CNR needs an Intel AVX2/AVX-512 branch, "
            + "so results depend on the thread count)";
        return null;
    }

    /// <summary>
    /// Loads the layer's runtime with RTLD_GLOBAL: MKL's threading libraries do not link their
    /// runtime but expect its symbols (omp_get_num_procs, …) to be visible process-wide, which
    /// <see cref="NativeLibrary.TryLoad(string, out nint)"/> (RTLD_LOCAL) does not provide.
    /// </summary>
    private static bool LoadRuntime(ThreadingLayer layer)
    {
        if (layer.Runtime.Length == 0) return true;
        if (!NativeLibrary.TryLoad("libc.so.6", out var libc) || !NativeLibrary.TryGetExport(libc, "dlopen", out var dlopenAddress))
            return false;
        var dlopen = (delegate* unmanaged[Cdecl]<byte*, int, nint>)dlopenAddress;
        const int RtldNowGlobal = 0x2 | 0x100;
        foreach (var name in layer.Runtime)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(name + "\0");
            fixed (byte* p = bytes)
                if (dlopen(p, RtldNowGlobal) != 0) return true;
        }
        return false;
    }
}
