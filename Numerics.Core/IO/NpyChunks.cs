using Numerics.Memory;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Numerics.IO;

/// <summary>
/// Moves elements between a stream and memory in bounded chunks, so no single read, write or
/// byte span exceeds <c>int.MaxValue</c> bytes whatever the array's size.
/// </summary>
internal static class NpyChunks
{
    /// <summary>
    /// The default chunk: 256 KiB fits a core's L2 cache, so a C-order row block is still cached when
    /// it is transposed right after being read (measured faster than 64 KiB and 1–4 MiB blocks on a
    /// 268 MB matrix), and per-call costs are already small next to the copy.
    /// </summary>
    public const int DefaultBytes = 1 << 18;

    /// <summary>Whole elements per chunk of <paramref name="chunkBytes"/> (at least one, so an element never straddles chunks).</summary>
    public static int Elements<T>(int chunkBytes) where T : unmanaged => Math.Max(1, chunkBytes / Unsafe.SizeOf<T>());

    /// <summary>Fills <paramref name="destination"/> from the stream, chunk by chunk, swapping byte order when asked.</summary>
    /// <returns>The number of whole elements read: less than the length only when the stream ended.</returns>
    public static int ReadInto<T>(Stream stream, Span<T> destination, int chunkBytes, bool swap) where T : unmanaged
    {
        int per = Elements<T>(chunkBytes), done = 0;
        while (done < destination.Length)
        {
            var part = destination.Slice(done, Math.Min(per, destination.Length - done));
            var bytes = MemoryMarshal.AsBytes(part);
            int got = stream.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false);
            int whole = got / Unsafe.SizeOf<T>();
            if (swap) SwapInPlace(part[..whole]);
            done += whole;
            if (got < bytes.Length) break;
        }
        return done;
    }

    /// <summary>Writes <paramref name="source"/> chunk by chunk in native (little-endian) byte order.</summary>
    public static void Write<T>(Stream stream, ReadOnlySpan<T> source, int chunkBytes) where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Writing .npy needs a little-endian machine.");
        int per = Elements<T>(chunkBytes);
        for (int done = 0; done < source.Length; done += per)
            stream.Write(MemoryMarshal.AsBytes(source.Slice(done, Math.Min(per, source.Length - done))));
    }

    /// <summary>
    /// Reads a whole array of the header's element count. A seekable stream was checked to hold the
    /// data by <see cref="NpyHeader.Read"/>, so the array is allocated at once; any other stream's
    /// length is unknown, so the array grows as data arrives and a header that lies costs at most
    /// twice the bytes actually present.
    /// </summary>
    public static T[] ReadFlat<T>(Stream stream, NpyHeader header, int chunkBytes) where T : unmanaged
    {
        int count = InMemoryCount(header);
        bool swap = header.NeedsByteSwap;
        if (stream.CanSeek)
        {
            var all = GC.AllocateUninitializedArray<T>(count);
            HugePageAdvice.Advise(all);
            int got = ReadInto(stream, all.AsSpan(), chunkBytes, swap);
            if (got < count) throw Truncated(header, got);
            return all;
        }
        var data = new T[Math.Min(count, Elements<T>(chunkBytes))];
        int filled = 0;
        while (true)
        {
            int got = ReadInto(stream, data.AsSpan(filled), chunkBytes, swap);
            filled += got;
            if (filled == count) return data;
            if (filled < data.Length) throw Truncated(header, filled);
            Array.Resize(ref data, (int)Math.Min(count, 2L * data.Length));
        }
    }

    /// <summary>The element count as an array length, or a clear error when no .NET array can hold it.</summary>
    public static int InMemoryCount(NpyHeader header)
    {
        if (header.Shape.Any(d => d > int.MaxValue))
            throw new InvalidDataException($"shape {header.ShapeText} has a dimension beyond {int.MaxValue}, which no .NET array or matrix can index.");
        if (header.ElementCount > Array.MaxLength)
            throw new InvalidDataException(
                $"shape {header.ShapeText} has {header.ElementCount} elements, more than a .NET array holds ({Array.MaxLength}); "
                + "read a 2-D file of that size in row blocks with NpyMappedMatrix.");
        return (int)header.ElementCount;
    }

    /// <summary>The error for data that ends after <paramref name="elementsRead"/> of the declared elements.</summary>
    public static InvalidDataException Truncated(NpyHeader header, long elementsRead) =>
        new($"data is truncated: shape {header.ShapeText} declares {header.ElementCount} elements but the data ends after {elementsRead}.");

    /// <summary>Reverses the bytes of every element (big-endian files).</summary>
    public static void SwapInPlace<T>(Span<T> values) where T : unmanaged
    {
        switch (Unsafe.SizeOf<T>())
        {
            case 8: { var u = MemoryMarshal.Cast<T, ulong>(values); BinaryPrimitives.ReverseEndianness(u, u); break; }
            case 4: { var u = MemoryMarshal.Cast<T, uint>(values); BinaryPrimitives.ReverseEndianness(u, u); break; }
            case 2: { var u = MemoryMarshal.Cast<T, ushort>(values); BinaryPrimitives.ReverseEndianness(u, u); break; }
        }
    }

    /// <summary>One element with its bytes reversed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T Swapped<T>(T value) where T : unmanaged
    {
        if (Unsafe.SizeOf<T>() == 8) { ulong u = BinaryPrimitives.ReverseEndianness(Unsafe.As<T, ulong>(ref value)); return Unsafe.As<ulong, T>(ref u); }
        if (Unsafe.SizeOf<T>() == 4) { uint u = BinaryPrimitives.ReverseEndianness(Unsafe.As<T, uint>(ref value)); return Unsafe.As<uint, T>(ref u); }
        if (Unsafe.SizeOf<T>() == 2) { ushort u = BinaryPrimitives.ReverseEndianness(Unsafe.As<T, ushort>(ref value)); return Unsafe.As<ushort, T>(ref u); }
        return value;
    }
}
