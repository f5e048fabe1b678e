namespace Numerics.Core.Tests.LinearAlgebra;

/// <summary>
/// A fact that runs only where a given native library file is installed, and is reported as
/// skipped (with the reason) elsewhere, never as passed.
/// </summary>
/// <remarks>
/// The file is looked for, not loaded: loading MKL into the test process without configuring it
/// can abort the process at exit.
/// </remarks>
public sealed class NativeLibraryFactAttribute : FactAttribute
{
    /// <summary>Runs the test only when one of <paramref name="fileNames"/> exists in a library folder.</summary>
    public NativeLibraryFactAttribute(params string[] fileNames)
    {
        if (NativeLibraryFiles.Find(fileNames) is null)
            Skip = $"{string.Join(" or ", fileNames)} is not installed";
    }
}

/// <summary>A fact that runs only when this process has a native backend (reported as skipped otherwise).</summary>
public sealed class NativeBackendFactAttribute : FactAttribute
{
    /// <summary>Skips the test when <see cref="Numerics.LinearAlgebra.LinearAlgebraBackend.Native"/> is null.</summary>
    public NativeBackendFactAttribute()
    {
        if (Numerics.LinearAlgebra.LinearAlgebraBackend.Native is null)
            Skip = $"no native backend in this process ({Numerics.LinearAlgebra.LinearAlgebraBackend.NativeUnavailableReason})";
    }
}

/// <summary>Finds installed native library files without loading them.</summary>
public static class NativeLibraryFiles
{
    private static readonly string[] s_folders =
    [
        "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib",
        "/usr/lib/x86_64-linux-gnu/openblas64-pthread", "/usr/lib/x86_64-linux-gnu/openblas64-openmp", "/usr/lib/x86_64-linux-gnu/openblas64-serial",
    ];

    /// <summary>The full path of the first of <paramref name="fileNames"/> found in LD_LIBRARY_PATH or the usual folders, or null.</summary>
    public static string? Find(params string[] fileNames)
    {
        var folders = (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "")
            .Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(s_folders);
        foreach (var folder in folders)
            foreach (var name in fileNames)
            {
                string path = Path.Combine(folder, name);
                if (File.Exists(path)) return path;
            }
        return null;
    }
}
