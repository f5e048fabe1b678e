using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Numerics.IO;

/// <summary>
/// The operations that depend on a file's element type, chosen once per file by
/// <see cref="For"/>: reading and writing the flat array, and filling a column-major destination
/// of another element type from a stream, an in-memory array or positioned reads of a file.
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
    /// Reads rows [firstRow, firstRow + count) of the header's totalRows×cols array, whose data start
    /// at byte <paramref name="dataStart"/> of the file, into <paramref name="destination"/> with
    /// leading dimension <paramref name="ld"/>, by positioned reads into small pooled buffers.
    /// </summary>
    /// <exception cref="InvalidDataException">The file ends before the rows (it shrank after its header was checked).</exception>
    public abstract void ReadRows<TDst>(SafeFileHandle handle, NpyHeader header, long dataStart, long firstRow, int count, TDst* destination, long ld)
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
                else if (cols <= per && stream is FileStream file)
                {
                    // Positioned reads by several workers: reading one block overlaps transposing another.
                    long start = file.Position;
                    ReadRows(file.SafeFileHandle, header, start, 0, rows, d, rows);
                    file.Position = start + (long)rows * cols * sizeof(TFile);
                }
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

        public override void ReadRows<TDst>(SafeFileHandle handle, NpyHeader header, long dataStart, long firstRow, int count, TDst* destination, long ld)
        {
            RequireExact<TFile, TDst>(header.DType);
            // No elements: nothing to read, and a C-order block of no columns has no rows-per-block to split by.
            if (count == 0 || header.Shape[1] == 0) return;
            var job = new RowsJob<TDst>(handle, header, dataStart, firstRow, count, destination, ld);
            if (job.Pieces == 0) return;
            // Small requests on the calling thread, as ColumnMajorCopy does: forking costs more than it
            // saves, and a streaming solver's thousands of small reads then allocate nothing.
            if (job.Pieces == 1 || (long)count * job.Columns < ColumnMajorCopy.ParallelThreshold || Environment.ProcessorCount == 1)
            {
                var buffer = System.Buffers.ArrayPool<TFile>.Shared.Rent(job.BufferLength);
                try { for (long piece = 0; piece < job.Pieces; piece++) job.Read(piece, buffer.AsSpan(0, job.BufferLength)); }
                finally { System.Buffers.ArrayPool<TFile>.Shared.Return(buffer); }
                return;
            }
            // Workers take the next piece from a shared counter, each with its own pooled buffer, so
            // reading one piece overlaps transposing another. Every piece writes its own part of the
            // destination, so the result does not depend on the order.
            long next = -1;
            try
            {
                Parallel.For(0, (int)Math.Min(job.Pieces, Environment.ProcessorCount), _ =>
                {
                    var buffer = System.Buffers.ArrayPool<TFile>.Shared.Rent(job.BufferLength);
                    try
                    {
                        for (long piece = Interlocked.Increment(ref next); piece < job.Pieces; piece = Interlocked.Increment(ref next))
                            job.Read(piece, buffer.AsSpan(0, job.BufferLength));
                    }
                    finally { System.Buffers.ArrayPool<TFile>.Shared.Return(buffer); }
                });
            }
            catch (AggregateException e) when (e.InnerException is InvalidDataException inner)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(inner);
            }
        }

        /// <summary>
        /// Rows [firstRow, firstRow + count) of the file cut into pieces of about one chunk
        /// (<see cref="NpyChunks.DefaultBytes"/>), small enough to be still in L2 when converted: a
        /// Fortran-order column run, a block of whole C-order rows, or a segment of a C-order row longer
        /// than a chunk.
        /// </summary>
        private readonly struct RowsJob<TDst> where TDst : unmanaged, INumberBase<TDst>
        {
            private readonly SafeFileHandle _handle;
            private readonly NpyHeader _header;
            private readonly long _dataStart, _firstRow, _totalRows, _ld;
            private readonly int _count, _per, _runs;
            private readonly nint _destination;
            private readonly bool _swap, _columns;

            public RowsJob(SafeFileHandle handle, NpyHeader header, long dataStart, long firstRow, int count, TDst* destination, long ld)
            {
                _handle = handle;
                _header = header;
                _dataStart = dataStart;
                _firstRow = firstRow;
                _count = count;
                _destination = (nint)destination;
                _ld = ld;
                _totalRows = header.Shape[0];
                _swap = header.NeedsByteSwap;
                Columns = (int)header.Shape[1];
                _per = NpyChunks.Elements<TFile>(NpyChunks.DefaultBytes);
                _columns = header.FortranOrder || Columns == 1;
                if (_columns)
                {
                    // Each column's rows are one contiguous run of the file.
                    _runs = (count + _per - 1) / _per;
                    Pieces = (long)Columns * _runs;
                    BufferLength = Math.Min(_per, count);
                }
                else if (Columns <= _per)
                {
                    _runs = _per / Columns;                          // rows per block
                    Pieces = (count + _runs - 1) / _runs;
                    BufferLength = Math.Min(_runs, count) * Columns;
                }
                else
                {
                    _runs = (Columns + _per - 1) / _per;             // segments per row
                    Pieces = (long)count * _runs;
                    BufferLength = _per;
                }
            }

            public int Columns { get; }

            public long Pieces { get; }

            public int BufferLength { get; }

            public void Read(long piece, Span<TFile> buffer)
            {
                var d = (TDst*)_destination;
                if (_columns)
                {
                    long j = piece / _runs;
                    int i0 = (int)(piece % _runs) * _per, k = Math.Min(_per, _count - i0);
                    var values = buffer[..k];
                    Fill(values, _dataStart + (j * _totalRows + _firstRow + i0) * sizeof(TFile));
                    fixed (TFile* s = values) ColumnMajorCopy.Convert(s, d + j * _ld + i0, k, _swap);
                }
                else if (Columns <= _per)
                {
                    int r0 = (int)piece * _runs, k = Math.Min(_runs, _count - r0);
                    var values = buffer[..(k * Columns)];
                    Fill(values, _dataStart + (_firstRow + r0) * Columns * sizeof(TFile));
                    fixed (TFile* s = values) ColumnMajorCopy.Transpose(s, k, Columns, d + r0, _ld, _swap, parallel: false);
                }
                else
                {
                    int i = (int)(piece / _runs), j0 = (int)(piece % _runs) * _per, w = Math.Min(_per, Columns - j0);
                    var values = buffer[..w];
                    Fill(values, _dataStart + ((_firstRow + i) * Columns + j0) * sizeof(TFile));
                    fixed (TFile* s = values) ColumnMajorCopy.Transpose(s, 1, w, d + i + j0 * _ld, _ld, _swap, parallel: false);
                }
            }

            private void Fill(Span<TFile> values, long offset) => ReadAt(_handle, _header, values, offset);
        }

        /// <summary>Fills <paramref name="values"/> from the file at byte <paramref name="offset"/>; the byte order is left as in the file.</summary>
        private static void ReadAt(SafeFileHandle handle, NpyHeader header, Span<TFile> values, long offset)
        {
            var bytes = MemoryMarshal.AsBytes(values);
            for (int got = 0; got < bytes.Length;)
            {
                int n = RandomAccess.Read(handle, bytes[got..], offset + got);
                if (n == 0) throw NpyChunks.Truncated(header, (offset - header.DataOffset + got) / sizeof(TFile));
                got += n;
            }
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

        public override void ReadRows<TDst>(SafeFileHandle handle, NpyHeader header, long dataStart, long firstRow, int count, TDst* destination, long ld) => throw NotNumeric();

        private static InvalidDataException NotNumeric() => new("the file holds bool (b1), which is not a numeric matrix; read it with Npy.Read.");
    }
}
