using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Numerics.Memory;

/// <summary>
/// Asks Linux to back a large, freshly allocated array with transparent huge pages
/// (<c>madvise(MADV_HUGEPAGE)</c>), as numpy does for its arrays: filling 268 MB then takes about
/// 130 page faults instead of 65 536, which on a virtual machine was most of a first load's time.
/// </summary>
/// <remarks>Advice only: where the system or its settings do not allow it, nothing changes.</remarks>
internal static partial class HugePageAdvice
{
    private const int MadvHugePage = 14;
    private const long HugePage = 2 << 20;

    /// <summary>Arrays from this size on are advised (numpy's threshold is 4 MiB too).</summary>
    private const long Threshold = 4 << 20;

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <summary>Advises the whole huge pages inside <paramref name="array"/>'s elements, before they are first written.</summary>
    public static unsafe void Advise<T>(T[] array) where T : unmanaged
    {
        long bytes = (long)array.Length * sizeof(T);
        if (_unavailable || bytes < Threshold) return;
        // A large array lives on the large object heap, which is not compacted by default, so the range stays its own.
        long start = (long)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(array));
        long first = (start + HugePage - 1) & -HugePage, end = (start + bytes) & -HugePage;
        if (end <= first) return;
        try { _ = Madvise((nint)first, (nuint)(end - first), MadvHugePage); }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException) { _unavailable = true; }
    }

    [LibraryImport("libc", EntryPoint = "madvise")]
    private static partial int Madvise(nint address, nuint length, int advice);
}
