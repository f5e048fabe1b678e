using System.Buffers.Binary;
using System.Text;

namespace Numerics.Spectral;

public abstract partial class SpectralOptimizer
{
    /// <summary>The first eight bytes of a saved state: ASCII "SPECTOPT".</summary>
    private static ReadOnlySpan<byte> Magic => "SPECTOPT"u8;

    /// <summary>The version of the state format that <see cref="Save"/> writes and <see cref="Load"/> reads.</summary>
    public const int StateFormatVersion = 1;

    /// <summary>The longest parameter name a state may hold, in UTF-8 bytes (a guard against corrupt lengths).</summary>
    private const int MaxNameBytes = 1 << 16;

    /// <summary>
    /// A 64-bit FNV-1a hash of the optimizer kind and its numeric options (learning rate, decay,
    /// warmup, global clip, SPECTRA levels and transform, groups' labels and settings, and the
    /// optimizer's own β, ε, α, …). Newton–Schulz options and group predicates are not included.
    /// </summary>
    public ulong OptionsFingerprint { get; }

    private static ulong Fingerprint(OptimizerKind kind, OptimizerOptions options)
    {
        // FNV-1a 64: offset basis 14695981039346656037, prime 1099511628211.
        ulong hash = 14695981039346656037;
        foreach (byte b in Encoding.UTF8.GetBytes($"{kind};{options.FingerprintText()}"))
            hash = (hash ^ b) * 1099511628211;
        return hash;
    }

    /// <summary>
    /// Writes the full state (step count, every parameter's shape and moments, the options
    /// fingerprint) to <paramref name="stream"/>, little-endian:
    /// <code>
    /// bytes  field
    /// 8      magic "SPECTOPT" (ASCII)
    /// 4      int32 format version (1)
    /// 4      int32 kind: 1 AdamW, 2 Signum, 3 AdEMAMix
    /// 8      uint64 options fingerprint (<see cref="OptionsFingerprint"/>)
    /// 4      int32 step count
    /// 4      int32 K, moments per parameter (AdamW 2: m, v; Signum 1: m; AdEMAMix 3: m₁, m₂, v)
    /// 4      int32 P, parameters
    /// P ×    int32 name length in UTF-8 bytes, the name, int32 rows, int32 cols,
    ///        then K arrays of rows·cols float64, column-major
    /// </code>
    /// Parameters are written in ordinal name order, so equal states give equal bytes.
    /// </summary>
    /// <param name="stream">A writable stream (left open).</param>
    /// <exception cref="ArgumentException">The stream is not writable.</exception>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanWrite) throw new ArgumentException("The stream is not writable.", nameof(stream));
        using var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);   // BinaryWriter is little-endian on every platform
        writer.Write(Magic);
        writer.Write(StateFormatVersion);
        writer.Write((int)_kind);
        writer.Write(OptionsFingerprint);
        writer.Write(StepCount);
        writer.Write(_momentCount);
        writer.Write(_state.Count);
        foreach (var name in _state.Keys.Order(StringComparer.Ordinal))
        {
            var s = _state[name];
            var bytes = Encoding.UTF8.GetBytes(name);
            writer.Write(bytes.Length);
            writer.Write(bytes);
            writer.Write(s.Rows);
            writer.Write(s.Cols);
            foreach (var m in s.Moments)
                foreach (double x in m) writer.Write(x);
        }
        writer.Flush();
    }

    /// <summary>
    /// Replaces the whole state (step count and every parameter's moments) by the one
    /// <see cref="Save"/> wrote. The stream is read and checked completely before anything changes.
    /// Shapes are then checked against the parameters by the next <see cref="Step(IReadOnlyDictionary{string, MathNet.Numerics.LinearAlgebra.Matrix{double}}, IReadOnlyDictionary{string, MathNet.Numerics.LinearAlgebra.Matrix{double}})"/>.
    /// </summary>
    /// <param name="stream">A readable stream positioned at the state (left open, positioned after it).</param>
    /// <param name="requireSameOptions">
    /// True (default): refuse a state saved under other options (a different <see cref="OptionsFingerprint"/>).
    /// False: accept it, e.g. to resume with a new learning rate.
    /// </param>
    /// <exception cref="ArgumentException">The stream is not readable.</exception>
    /// <exception cref="InvalidDataException">
    /// The stream is truncated or corrupt (wrong magic, unknown version, negative or inconsistent
    /// sizes, duplicate names, non-finite moments), holds another optimizer's state, or (with
    /// <paramref name="requireSameOptions"/>) was saved under other options. The optimizer is unchanged.
    /// </exception>
    public void Load(Stream stream, bool requireSameOptions = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (!stream.CanRead) throw new ArgumentException("The stream is not readable.", nameof(stream));
        int steps;
        Dictionary<string, ParameterState> state;
        using var reader = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            (steps, state) = ReadState(reader, stream, requireSameOptions);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The optimizer state is truncated.", e);
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException("The optimizer state holds a parameter name that is not valid UTF-8.", e);
        }
        _state = state;
        StepCount = steps;
        LastStep = null;
    }

    private (int Steps, Dictionary<string, ParameterState> State) ReadState(BinaryReader reader, Stream stream, bool requireSameOptions)
    {
        if (!reader.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException("This is not a saved optimizer state (the magic \"SPECTOPT\" is missing).");
        int version = reader.ReadInt32();
        if (version != StateFormatVersion)
            throw new InvalidDataException($"Optimizer state format version {version} is not supported (this build reads {StateFormatVersion}).");
        int kind = reader.ReadInt32();
        if (kind != (int)_kind)
            throw new InvalidDataException($"The state was saved by {(Enum.IsDefined((OptimizerKind)kind) ? ((OptimizerKind)kind).ToString() : $"an unknown optimizer ({kind})")}; this optimizer is {_kind}.");
        ulong fingerprint = reader.ReadUInt64();
        if (requireSameOptions && fingerprint != OptionsFingerprint)
            throw new InvalidDataException($"The state was saved under other options (fingerprint {fingerprint:X16}, these options {OptionsFingerprint:X16}); pass requireSameOptions: false to load it anyway.");
        int steps = reader.ReadInt32();
        if (steps < 0) throw new InvalidDataException($"The state's step count is negative ({steps}).");
        int moments = reader.ReadInt32();
        if (moments != _momentCount)
            throw new InvalidDataException($"The state holds {moments} moments per parameter; {_kind} keeps {_momentCount}.");
        int count = reader.ReadInt32();
        if (count < 0) throw new InvalidDataException($"The state's parameter count is negative ({count}).");
        var state = new Dictionary<string, ParameterState>(StringComparer.Ordinal);
        for (int p = 0; p < count; p++)
        {
            int nameBytes = reader.ReadInt32();
            if (nameBytes is < 0 or > MaxNameBytes) throw new InvalidDataException($"Parameter {p}: name length {nameBytes} is out of range.");
            var bytes = reader.ReadBytes(nameBytes);
            if (bytes.Length != nameBytes) throw new EndOfStreamException();
            string name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            int rows = reader.ReadInt32(), cols = reader.ReadInt32();
            long length = (long)rows * cols;
            if (rows < 0 || cols < 0 || length > Array.MaxLength)
                throw new InvalidDataException($"Parameter '{name}': shape {rows}×{cols} is out of range.");
            bool lengthChecked = stream.CanSeek;
            if (lengthChecked && stream.Length - stream.Position < length * 8 * moments) throw new EndOfStreamException();
            var arrays = new double[moments][];
            for (int k = 0; k < moments; k++) arrays[k] = ReadMoment(stream, (int)length, lengthChecked, name, k);
            if (!state.TryAdd(name, new ParameterState(rows, cols, arrays)))
                throw new InvalidDataException($"Parameter '{name}' appears twice in the state.");
        }
        return (steps, state);
    }

    /// <summary>Doubles read per chunk of a moment array (512 KiB).</summary>
    private const int ReadChunk = 1 << 16;

    /// <summary>
    /// Reads one moment array of <paramref name="length"/> little-endian doubles in chunks of
    /// <see cref="ReadChunk"/>. When the stream's length could not be checked beforehand
    /// (<paramref name="lengthChecked"/> false: a non-seekable stream) the array starts at one chunk
    /// and doubles as data arrives, so a header that declares a huge shape over a short stream costs
    /// at most about twice the bytes actually present, plus one chunk, before the
    /// <see cref="EndOfStreamException"/>.
    /// </summary>
    private static double[] ReadMoment(Stream stream, int length, bool lengthChecked, string name, int k)
    {
        var values = new double[lengthChecked ? length : Math.Min(length, ReadChunk)];
        var bytes = new byte[8 * Math.Min(length, ReadChunk)];
        for (int done = 0; done < length;)
        {
            int n = Math.Min(ReadChunk, length - done);
            if (done + n > values.Length) Array.Resize(ref values, (int)Math.Min(length, 2L * values.Length));
            stream.ReadExactly(bytes, 0, 8 * n);   // EndOfStreamException when truncated
            for (int i = 0; i < n; i++)
            {
                double x = values[done + i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes.AsSpan(8 * i));
                if (!double.IsFinite(x)) throw new InvalidDataException($"Parameter '{name}': moment {k} holds {x} at flat index {done + i}.");
            }
            done += n;
        }
        return values;
    }
}
