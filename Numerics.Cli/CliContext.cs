using System.Diagnostics;
using System.Text.Json;
using MathNet.Numerics.LinearAlgebra;
using Numerics.IO;
using Numerics.Distributed;
using Numerics.LinearAlgebra;

namespace Numerics.Cli;

/// <summary>
/// What every subcommand shares: the common options (<c>--out</c>, <c>--seed</c>, <c>--device</c>,
/// <c>--quiet</c>), validated <c>.npy</c> input, the JSON summary line on stdout, progress on stderr
/// and a stopwatch for the reported timings.
/// </summary>
public sealed class CliContext
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <summary>Reads the shared options from <paramref name="args"/>; the command runs alone (one rank).</summary>
    public CliContext(CliArguments args, TextWriter output, TextWriter error)
        : this(args, output, error, SingleProcessCommunicator.Instance) { }

    /// <summary>Reads the shared options from <paramref name="args"/>; the command runs as one rank of <paramref name="communicator"/>.</summary>
    public CliContext(CliArguments args, TextWriter output, TextWriter error, ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        Communicator = communicator;
        Arguments = args;
        Output = output;
        Error = error;
        Seed = (ulong)args.Int("seed", 0, min: 0);
        Device = args.Word("device", Devices);
        Quiet = args.Flag("quiet");
    }

    /// <summary>The words of <c>--device</c>.</summary>
    public static WordTable<CliDevice> Devices { get; } = new(("cpu", CliDevice.Cpu), ("gpu", CliDevice.Gpu));

    /// <summary>The ranks this command runs on (one process unless launched under MPI).</summary>
    public ICommunicator Communicator { get; }

    /// <summary>The command's own options.</summary>
    public CliArguments Arguments { get; }

    /// <summary>stdout: only the JSON summary line goes here.</summary>
    public TextWriter Output { get; }

    /// <summary>stderr: progress and diagnostics.</summary>
    public TextWriter Error { get; }

    /// <summary><c>--seed</c> (default 0).</summary>
    public ulong Seed { get; }

    /// <summary><c>--device cpu|gpu</c> (default cpu).</summary>
    public CliDevice Device { get; }

    /// <summary><c>--quiet</c>: no progress lines.</summary>
    public bool Quiet { get; }

    /// <summary>Seconds since the command started.</summary>
    public double Elapsed => _clock.Elapsed.TotalSeconds;

    /// <summary>Loads the 2-D array named by option <paramref name="option"/>, rejecting empty or non-finite data.</summary>
    public Matrix<double> LoadMatrix(string option)
    {
        var (m, path) = Load(option, Npy.ReadMatrix);
        if (m.RowCount == 0 || m.ColumnCount == 0) throw new CliUsageException($"--{option} {path}: the array is empty ({m.RowCount}×{m.ColumnCount})");
        RequireFinite(DenseStorage.ColumnMajor(m), option, path);
        return m;
    }

    /// <summary>
    /// Loads the 2-D array named by option <paramref name="option"/> as float32, rejecting empty or
    /// non-finite data: a float32 (or uint8) file is read as it is stored; a float64 or integer file
    /// is read as float64 and rounded, which is what a command's <c>--float32</c> asks for.
    /// </summary>
    public Matrix<float> LoadSingleMatrix(string option)
    {
        var (header, path) = Load(option, Npy.ReadHeader);
        if (header.DType is not (NpyDType.Float32 or NpyDType.UInt8)) return LoadMatrix(option).Map(v => (float)v);
        var (m, _) = Load(option, Npy.ReadMatrix<float>);
        if (m.RowCount == 0 || m.ColumnCount == 0) throw new CliUsageException($"--{option} {path}: the array is empty ({m.RowCount}×{m.ColumnCount})");
        var values = DenseStorage.ColumnMajor(m);
        if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(values))
        {
            int bad = Array.FindIndex(values, x => !float.IsFinite(x));
            throw new CliUsageException($"--{option} {path}: contains {values[bad]} at flat index {bad}");
        }
        return m;
    }

    /// <summary>The element type of the .npy file named by option <paramref name="option"/> (its header only is read).</summary>
    public NpyDType DTypeOf(string option) => Load(option, Npy.ReadHeader).Value.DType;

    /// <summary>Loads the 1-D array named by option <paramref name="option"/>, rejecting non-finite data.</summary>
    public Vector<double> LoadVector(string option)
    {
        var (v, path) = Load(option, Npy.ReadVector);
        RequireFinite(DenseStorage.Values(v), option, path);
        return v;
    }

    /// <summary>Reads the file named by a required option; I/O failures become usage errors naming the option.</summary>
    public (T Value, string Path) Load<T>(string option, Func<string, T> read)
    {
        string path = Arguments.Required(option);
        try { return (read(path), path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new CliUsageException($"--{option} {path}: {e.Message}"); }
    }

    private static void RequireFinite(double[] values, string option, string path)
    {
        if (System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<double>(values)) return; // one SIMD pass; the search below only names the culprit
        int bad = Array.FindIndex(values, x => !double.IsFinite(x));
        if (bad >= 0) throw new CliUsageException($"--{option} {path}: contains {values[bad]} at flat index {bad}");
    }

    /// <summary>Writes a result matrix to <c>--out</c> (required) as float64.</summary>
    public void Save(Matrix<double> result) => Store(path => Npy.Write(path, result));

    /// <summary>Writes a result vector to <c>--out</c> (required) as float64.</summary>
    public void Save(Vector<double> result) => Store(path => Npy.Write(path, result));

    /// <summary>Writes a result array of any shape to <c>--out</c> (required).</summary>
    public void Save(NpyArray result) => Store(path => Npy.Write(path, result));

    /// <summary>Writes to the <c>--out</c> path; a directory, a missing folder or a refused write is a usage error naming the option.</summary>
    public void Store(Action<string> write)
    {
        string path = Arguments.Required("out");
        if (Directory.Exists(path)) throw new CliUsageException($"--out {path}: is a directory; give a file name");
        // Under MPI every rank holds the result; rank 0 alone writes it, so ranks never race on one file.
        if (Communicator.Rank != 0) return;
        try { write(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        { throw new CliUsageException($"--out {path}: {e.Message}"); }
    }

    /// <summary>A progress line on stderr (suppressed by <c>--quiet</c>).</summary>
    public void Progress(int iteration, double objective, double residual)
    {
        if (!Quiet) Error.WriteLine(FormattableString.Invariant($"iter {iteration,5}  objective {objective,14:E6}  residual {residual,11:E3}  {Elapsed,8:F2}s"));
    }

    /// <summary>Writes the one-line JSON summary on stdout (NaN/∞ become null).</summary>
    public void Summary(IReadOnlyDictionary<string, object?> fields)
    {
        var clean = fields.ToDictionary(kv => kv.Key, kv => kv.Value is double d && !double.IsFinite(d) ? null : kv.Value);
        Output.WriteLine(JsonSerializer.Serialize(clean));
    }
}
