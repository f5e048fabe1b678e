using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Numerics.IO;

/// <summary>
/// The operations that depend on a file's element type, chosen once per file by
/// <see cref="For"/>: reading and writing the flat array, and filling a column-major destination
/// of another element type from a stream, an in-memory array or mapped memory.
/// </summary>
internal abstract unsafe class NpyElements
{
    private static readonly NpyElements[] ByDType =
        [new Numeric<double>(), new Numeric<float>(), new Numeric<int>(), new Numeric<long>(), new Numeric<byte>(), new Bools()];

    /// <summary>The operations for <paramref name="dtype"/>.</summary>
    public static NpyElements For(NpyDType dtype) => ByDType[(int)dtype];

    /// <summary>Reads the header's whole array in file order.</summary>
    public abstract Array ReadFlat(Stream stream, NpyHeader header, int chunkBytes);

    /// <summary>Writes an array of this element type.</summary>
    public abstract void WriteFlat(Stream stream, Array data, int chunkBytes);

    /// <summary>Reads a rows×cols array (the stream after the header) into column-major <paramref name="destination"/>.</summary>
    public abstract void ReadColumnMajor<TDst>(Stream stream, NpyHeader header, TDst[] destination, int rows, int cols, int chunkBytes)
        where TDst : unmanaged, INumberBase<TDst>;

    /// <summary>Copies an in-memory rows×cols array in file order into column-major <paramref name="destination"/>.</summary>
    public abstract void CopyColumnMajor<TDst>(Array data, bool fortranOrder, TDst[] destination, int rows, int cols)
        where TDst : unmanaged, INumberBase<TDst>;

    /// <summary>
    /// Copies rows [firstRow, firstRow + count) of a mapped totalRows×cols array into
    /// <paramref name="destination"/> with leading dimension <paramref name="ld"/>.
    /// </summary>
    public abstract void CopyRows<TDst>(byte* data, long totalRows, int cols, bool fortranOrder, bool swap, long firstRow, int count, TDst* destination, long ld)
        where TDst : unmanaged, INumberBase<TDst>;

    /// <summary>
    /// Rejects a conversion that would round silently: float64 and 32/64-bit integer files read into
    /// float32 lose digits, so they must be read as float64 and narrowed by the caller.
    /// </summary>
    protected static void RequireExact<TFile, TDst>(NpyDType dtype)
    {
        if (typeof(TDst) == typeof(double) || typeof(TFile) == typeof(TDst) || typeof(TFile) == typeof(byte)) return;
        throw new InvalidDataException(
            $"the file holds {NpyDTypeCodes.Descriptor(dtype)[1..]}, which float32 cannot hold exactly; read it as float64 and convert explicitly.");
    }

    private sealed class Numeric<TFile> : NpyElements where TFile : unmanaged, INumberBase<TFile>
    {
        public override Array ReadFlat(Stream stream, NpyHeader header, int chunkBytes) => NpyChunks.ReadFlat<TFile>(stream, header, chunkBytes);

        public override void WriteFlat(Stream stream, Array data, int chunkBytes) => NpyChunks.Write<TFile>(stream, (TFile[])data, chunkBytes);

        public override void ReadColumnMajor<TDst>(Stream stream, NpyHeader header, TDst[] destination, int rows, int cols, int chunkBytes)
        {
            RequireExact<TFile, TDst>(header.DType);
            bool contiguous = header.FortranOrder || rows == 1 || cols == 1;
            int count = rows * cols;
            if (contiguous && typeof(TFile) == typeof(TDst))
            {
                // Same type, same order: the file's bytes go straight into the destination.
                int read = NpyChunks.ReadInto(stream, MemoryMarshal.Cast<TDst, TFile>(destination.AsSpan()), chunkBytes, header.NeedsByteSwap);
                if (read < count) throw NpyChunks.Truncated(header, read);
                return;
            }
            int per = NpyChunks.Elements<TFile>(chunkBytes);
            var block = new TFile[Math.Min(per, Math.Max(count, 1))];
            fixed (TFile* b = block)
            fixed (TDst* d = destination)
            {
                if (contiguous)
                {
                    for (int done = 0; done < count; done += per)
                    {
                        int n = Math.Min(per, count - done);
                        Fill(stream, header, block.AsSpan(0, n), done);
                        ColumnMajorCopy.Convert(b, d + done, n, swap: false);
                    }
                }
                else if (cols <= per && stream is FileStream file) ReadRowBlocksInParallel(file, header, d, rows, cols, per / cols);
                else if (cols <= per)
                {
                    // Blocks of whole rows, each transposed into its rows of every column.
                    int blockRows = per / cols;
                    for (int r0 = 0; r0 < rows; r0 += blockRows)
                    {
                        int k = Math.Min(blockRows, rows - r0);
                        Fill(stream, header, block.AsSpan(0, k * cols), (long)r0 * cols);
                        ColumnMajorCopy.Transpose(b, k, cols, d + r0, rows, swap: false, parallel: true);
                    }
                }
                else
                {
                    // A row longer than a chunk: segments of one row, each scattered down its columns.
                    for (int i = 0; i < rows; i++)
                        for (int j0 = 0; j0 < cols; j0 += per)
                        {
                            int w = Math.Min(per, cols - j0);
                            Fill(stream, header, block.AsSpan(0, w), (long)i * cols + j0);
                            ColumnMajorCopy.Transpose(b, 1, w, d + i + (long)j0 * rows, rows, swap: false, parallel: false);
                        }
                }
            }
        }

        /// <summary>
        /// C-order rows from a file: each worker reads its own row block at its own offset and
        /// transposes it, so reading one block overlaps transposing another and no buffer is shared.
        /// </summary>
        private static void ReadRowBlocksInParallel<TDst>(FileStream file, NpyHeader header, TDst* destination, int rows, int cols, int blockRows)
            where TDst : unmanaged, INumberBase<TDst>
        {
            long start = file.Position;
            var handle = file.SafeFileHandle;
            int blocks = (rows + blockRows - 1) / blockRows;
            nint d = (nint)destination;
            bool swap = header.NeedsByteSwap;
            try
            {
                // One buffer per worker; workers take the next block from a shared counter.
                int next = -1;
                Parallel.For(0, Math.Min(blocks, Environment.ProcessorCount), _ =>
                {
                    var block = GC.AllocateUninitializedArray<TFile>(Math.Min(blockRows, rows) * cols);
                    for (int b = Interlocked.Increment(ref next); b < blocks; b = Interlocked.Increment(ref next))
                    {
                        int r0 = b * blockRows, k = Math.Min(blockRows, rows - r0);
                        var values = block.AsSpan(0, k * cols);
                        var bytes = MemoryMarshal.AsBytes(values);
                        long offset = start + (long)r0 * cols * sizeof(TFile);
                        for (int got = 0; got < bytes.Length;)
                        {
                            int n = RandomAccess.Read(handle, bytes[got..], offset + got);
                            if (n == 0) throw NpyChunks.Truncated(header, (long)r0 * cols + got / sizeof(TFile));
                            got += n;
                        }
                        if (swap) NpyChunks.SwapInPlace(values);
                        fixed (TFile* s = block) ColumnMajorCopy.Transpose(s, k, cols, (TDst*)d + r0, rows, swap: false, parallel: false);
                    }
                });
            }
            catch (AggregateException e) when (e.InnerException is InvalidDataException inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            }
            file.Position = start + (long)rows * cols * sizeof(TFile);
        }

        private static void Fill(Stream stream, NpyHeader header, Span<TFile> block, long offset)
        {
            int read = NpyChunks.ReadInto(stream, block, block.Length * Unsafe.SizeOf<TFile>(), header.NeedsByteSwap);
            if (read < block.Length) throw NpyChunks.Truncated(header, offset + read);
        }

        public override void CopyColumnMajor<TDst>(Array data, bool fortranOrder, TDst[] destination, int rows, int cols)
        {
            RequireExact<TFile, TDst>(NpyDTypeCodes.FromElementType(typeof(TFile))!.Value);
            fixed (TFile* s = (TFile[])data)
            fixed (TDst* d = destination)
            {
                if (fortranOrder || rows == 1 || cols == 1) ColumnMajorCopy.Convert(s, d, (long)rows * cols, swap: false);
                else ColumnMajorCopy.Transpose(s, rows, cols, d, rows, swap: false, parallel: true);
            }
        }

        public override void CopyRows<TDst>(byte* data, long totalRows, int cols, bool fortranOrder, bool swap, long firstRow, int count, TDst* destination, long ld)
        {
            RequireExact<TFile, TDst>(NpyDTypeCodes.FromElementType(typeof(TFile))!.Value);
            var source = (TFile*)data;
            if (fortranOrder || cols == 1)
            {
                // Each column's rows are contiguous in the file.
                nint s = (nint)source, d = (nint)destination;
                Parallel.For(0, cols, new ParallelOptions { MaxDegreeOfParallelism = (long)count * cols < 1 << 16 ? 1 : -1 }, j =>
                    ColumnMajorCopy.Convert((TFile*)s + j * totalRows + firstRow, (TDst*)d + j * ld, count, swap));
            }
            else ColumnMajorCopy.Transpose(source + firstRow * cols, count, cols, destination, ld, swap, parallel: true);
        }
    }

    /// <summary>numpy's bool: read and written as bytes; any non-zero byte reads as true.</summary>
    private sealed class Bools : NpyElements
    {
        public override Array ReadFlat(Stream stream, NpyHeader header, int chunkBytes)
        {
            var values = NpyChunks.ReadFlat<bool>(stream, header, chunkBytes);
            // A .NET bool must be 0 or 1; numpy writes only those, but a foreign writer might not.
            foreach (ref byte b in MemoryMarshal.AsBytes(values.AsSpan())) b = b == 0 ? (byte)0 : (byte)1;
            return values;
        }

        public override void WriteFlat(Stream stream, Array data, int chunkBytes) => NpyChunks.Write<bool>(stream, (bool[])data, chunkBytes);

        public override void ReadColumnMajor<TDst>(Stream stream, NpyHeader header, TDst[] destination, int rows, int cols, int chunkBytes) => throw NotNumeric();

        public override void CopyColumnMajor<TDst>(Array data, bool fortranOrder, TDst[] destination, int rows, int cols) => throw NotNumeric();

        public override void CopyRows<TDst>(byte* data, long totalRows, int cols, bool fortranOrder, bool swap, long firstRow, int count, TDst* destination, long ld) => throw NotNumeric();

        private static InvalidDataException NotNumeric() => new("the file holds bool (b1), which is not a numeric matrix; read it with Npy.Read.");
    }
}
