using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Numerics.Mpi;

/// <summary>
/// Maps MPI.NET's native library, Microsoft MPI's <c>msmpi.dll</c>, to MPICH's <c>libmpich.so.12</c>.
/// </summary>
/// <remarks>
/// <para>
/// MPI.NET 1.4.0 declares every entry point as <c>[DllImport("msmpi.dll")]</c> and bakes MS-MPI's
/// handle values into its constants (MPI_COMM_WORLD = 0x44000000, MPI_DOUBLE = 0x4c00080b,
/// MPI_INT = 0x4c000405, MPI_LAND = 0x58000005). MS-MPI descends from MPICH and keeps its integer
/// handle ABI, so those values are exactly the ones in MPICH 4's <c>mpi.h</c> (checked against
/// Debian 12's mpich 4.0.2 headers), and MPI_Status has the same five ints. On Linux no
/// <c>msmpi.dll</c> exists, the runtime's probing fails, and this hook supplies MPICH instead.
/// </para>
/// <para>
/// Open MPI's <c>libmpi.so.40</c> is a different ABI (handles are pointers to global structures),
/// so it is never a substitute; <see cref="MpiLaunch"/> refuses its launches.
/// </para>
/// </remarks>
public static class MpichLibrary
{
    /// <summary>The MPICH shared library, soname of the MPICH ≥ 3.1 ABI.</summary>
    public const string SharedObject = "libmpich.so.12";

    private static readonly Lock Gate = new();
    private static IntPtr _handle;

    /// <summary>Loads <see cref="SharedObject"/> and routes MPI.NET's <c>msmpi</c> imports to it (idempotent).</summary>
    /// <exception cref="DllNotFoundException">MPICH is not installed; the message says how to install it.</exception>
    public static void Install()
    {
        lock (Gate)
        {
            if (_handle != IntPtr.Zero) return;
            if (!NativeLibrary.TryLoad(SharedObject, out var handle))
                throw new DllNotFoundException($"an MPICH launch was detected but {SharedObject} could not be loaded: install MPICH (apt-get install mpich)");
            _handle = handle;
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
        }
    }

    /// <summary>Answers MPI.NET's request for <c>msmpi</c> (with or without an extension); leaves every other library to the runtime.</summary>
    private static IntPtr Resolve(Assembly assembly, string name) =>
        name.StartsWith("msmpi", StringComparison.OrdinalIgnoreCase) ? _handle : IntPtr.Zero;
}
