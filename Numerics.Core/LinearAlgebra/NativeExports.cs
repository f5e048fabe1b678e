using System.Runtime.InteropServices;

namespace Numerics.LinearAlgebra;

/// <summary>
/// Looks entry points up in loaded native libraries (the first that exports a name wins) and
/// remembers every name that none of them exports, so that a library can be judged complete or
/// rejected before anything is called.
/// </summary>
internal sealed class NativeExports(params nint[] handles)
{
    private readonly List<string> _missing = [];

    /// <summary>The names asked for that no library exports, in the order asked.</summary>
    public IReadOnlyList<string> Missing => _missing;

    /// <summary>The address of <paramref name="name"/>, or 0 (and the name recorded as missing).</summary>
    public nint Require(string name)
    {
        foreach (var handle in handles)
            if (handle != 0 && NativeLibrary.TryGetExport(handle, name, out var address)) return address;
        _missing.Add(name);
        return 0;
    }
}
