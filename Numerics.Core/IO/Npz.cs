using System.IO.Compression;

namespace Numerics.IO;

/// <summary>
/// Reads and writes numpy <c>.npz</c> archives: a zip file of named <c>.npy</c> arrays, as written
/// by <c>numpy.savez</c> (stored) and <c>numpy.savez_compressed</c> (deflated).
/// </summary>
/// <remarks>
/// Each member <c>name.npy</c> is the array <c>name</c>. Members are read with the same validation
/// as <see cref="Npy.Read(Stream)"/>; a compressed member's length is unknown until it is inflated,
/// so its array grows with the data actually present rather than trusting the header. Members
/// larger than 4 GiB use zip64, as numpy does.
/// </remarks>
public static class Npz
{
    /// <summary>Reads every array of an archive, in archive order, keyed by name (without <c>.npy</c>).</summary>
    /// <exception cref="InvalidDataException">The file is not a zip archive, a member is not a valid <c>.npy</c> array, or two members share a name; the message names the file and member.</exception>
    public static IReadOnlyDictionary<string, NpyArray> Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = File.OpenRead(path);
        try { return Read(stream); }
        catch (InvalidDataException e) { throw new InvalidDataException($"{path}: {e.Message}", e); }
    }

    /// <summary>Reads every array of an archive from a stream.</summary>
    public static IReadOnlyDictionary<string, NpyArray> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var zip = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var arrays = new Dictionary<string, NpyArray>();
        foreach (var entry in zip.Entries)
        {
            if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                throw new InvalidDataException($"member '{entry.FullName}' is not a .npy array.");
            string name = entry.FullName[..^4];
            if (arrays.ContainsKey(name)) throw new InvalidDataException($"two members are named '{entry.FullName}'.");
            using var member = entry.Open();
            try { arrays.Add(name, Npy.Read(member)); }
            catch (InvalidDataException e) { throw new InvalidDataException($"member '{entry.FullName}': {e.Message}", e); }
        }
        return arrays;
    }

    /// <summary>Writes arrays to an archive, each as member <c>name.npy</c>, in the order given.</summary>
    /// <param name="path">The archive to create (replaced if it exists).</param>
    /// <param name="arrays">The names and arrays; names must be non-empty and distinct.</param>
    /// <param name="compressed">Deflate the members, as <c>numpy.savez_compressed</c>; otherwise store them, as <c>numpy.savez</c>.</param>
    public static void Write(string path, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compressed = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var members = Validate(arrays);
        using var stream = File.Create(path);
        WriteMembers(stream, members, compressed);
    }

    /// <summary>Writes arrays to an archive on a stream, as <see cref="Write(string, IEnumerable{KeyValuePair{string, NpyArray}}, bool)"/>.</summary>
    public static void Write(Stream stream, IEnumerable<KeyValuePair<string, NpyArray>> arrays, bool compressed = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        WriteMembers(stream, Validate(arrays), compressed);
    }

    private static List<KeyValuePair<string, NpyArray>> Validate(IEnumerable<KeyValuePair<string, NpyArray>> arrays)
    {
        ArgumentNullException.ThrowIfNull(arrays);
        var members = arrays.ToList();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, array) in members)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("Array names must be non-empty.", nameof(arrays));
            // A member name is a path inside the archive: one that leaves it ("../x", "/x") or nests
            // ("a/b") would be written where an extracting tool puts files, not where numpy looks.
            if (name.IndexOfAny(['/', '\\', '\0']) >= 0 || name == "." || name == "..")
                throw new ArgumentException($"The name '{name}' is not a plain member name (no '/', '\\', NUL, '.' or '..').", nameof(arrays));
            if (!seen.Add(name)) throw new ArgumentException($"The name '{name}' appears twice.", nameof(arrays));
            if (array is null) throw new ArgumentException($"The array '{name}' is null.", nameof(arrays));
        }
        return members;
    }

    private static void WriteMembers(Stream stream, List<KeyValuePair<string, NpyArray>> members, bool compressed)
    {
        using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        foreach (var (name, array) in members)
        {
            var entry = zip.CreateEntry(name + ".npy", compressed ? CompressionLevel.Optimal : CompressionLevel.NoCompression);
            using var member = entry.Open();
            Npy.Write(member, array);
        }
    }
}
