using System.Diagnostics;
using System.Runtime.InteropServices;
using Numerics.Distributed;

namespace Numerics.Mpi;

/// <summary>
/// MPI_COMM_WORLD of an MPICH launch as an <see cref="ICommunicator"/>: MPI.NET 1.4.0's raw
/// bindings over <c>libmpich.so.12</c> (see <see cref="MpichLibrary"/>).
/// </summary>
/// <remarks>
/// <para>
/// <b>Determinism.</b> <see cref="AllreduceSum"/> is an MPI_Allgather of every rank's span followed
/// by a local sum in rank order 0, 1, …, R − 1, left to right. MPI_Allreduce would let the library
/// pick the association (MPICH changes algorithm with message size and rank count), so its bits
/// could differ between ranks and runs; after the gather every rank adds the same numbers in the
/// same order and holds the same bits, equal to any other rank-ordered sum of the same partition
/// (<c>ThreadCommunicator</c>, a serial loop over the blocks).
/// </para>
/// <para>
/// <b>Cost.</b> An AllreduceSum of n doubles moves R·n·8 bytes into each rank (n·8 sent, (R − 1)·n·8
/// received, as counted by <see cref="BytesCommunicated"/>), against about 2·n·8 for a reduce-scatter
/// Allreduce: R/2 times more, which is small for the vectors the solvers reduce (one gradient, a few
/// scalars) at the rank counts of a node. A Broadcast counts n·8 bytes on every rank; an
/// <see cref="AllAgree"/> counts 8 (one int each way).
/// </para>
/// <para>
/// <b>Lifetime.</b> MPI is initialised once per process (MPI_Init_thread, MPI_THREAD_SERIALIZED:
/// collectives come from one thread at a time, whichever it is) by <see cref="Start"/> and finalised
/// by <see cref="Dispose"/>. A second communicator on MPI_COMM_WORLD (MPI_Comm_dup) carries only
/// the exit agreement of <see cref="AgreeOnExit"/>, so that a message of that protocol can never
/// match a collective a peer is still inside.
/// </para>
/// <para>MPI.NET's typed collectives (Allgather&lt;T&gt; and the like) serialise arrays with
/// BinaryFormatter, which .NET 9 removed; only its <c>MPI.Unsafe</c> bindings are used.</para>
/// </remarks>
public sealed class MpiCommunicator : ICommunicator, IDisposable
{
    private const int ExitTag = 7301;
    private static int _started;

    private readonly MPI.Environment _environment;
    private readonly int _world = MPI.Unsafe.MPI_COMM_WORLD;
    private int _control;
    private double[] _gathered = [];
    private bool _disposed;

    private MpiCommunicator(MPI.Environment environment, int rank, int size, int control)
    {
        _environment = environment;
        Rank = rank;
        Size = size;
        _control = control;
    }

    /// <summary>Initialises MPI over MPICH and returns MPI_COMM_WORLD; call once, after <see cref="MpiLaunch.Detect()"/> found <see cref="MpiLauncher.Mpich"/>.</summary>
    /// <exception cref="InvalidOperationException">MPI was already started in this process (MPI cannot be initialised twice).</exception>
    /// <exception cref="DllNotFoundException">libmpich.so.12 is not installed.</exception>
    public static MpiCommunicator Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
            throw new InvalidOperationException("MPI was already initialised in this process; MPI allows one initialisation per process.");
        MpichLibrary.Install();
        string[] args = [];
        var environment = new MPI.Environment(ref args, MPI.Threading.Serialized);
        int world = MPI.Unsafe.MPI_COMM_WORLD;
        Check(MPI.Unsafe.MPI_Comm_rank(world, out int rank), "MPI_Comm_rank");
        Check(MPI.Unsafe.MPI_Comm_size(world, out int size), "MPI_Comm_size");
        Check(MPI.Unsafe.MPI_Comm_dup(world, out int control), "MPI_Comm_dup");
        return new MpiCommunicator(environment, rank, size, control);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public long BytesCommunicated { get; private set; }

    /// <inheritdoc />
    /// <exception cref="ArgumentException">R·n exceeds the largest array.</exception>
    public unsafe void AllreduceSum(Span<double> values)
    {
        ThrowIfDisposed();
        int n = values.Length;
        if (Size == 1 || n == 0) return;
        long total = (long)Size * n;
        if (total > Array.MaxLength) throw new ArgumentException($"values has {n} entries; {Size} ranks × {n} exceed the largest gather buffer.", nameof(values));
        if (_gathered.Length < total) _gathered = new double[total];
        fixed (double* send = values)
        fixed (double* all = _gathered)
        {
            Check(MPI.Unsafe.MPI_Allgather((IntPtr)send, n, MPI.Unsafe.MPI_DOUBLE, (IntPtr)all, n, MPI.Unsafe.MPI_DOUBLE, _world), "MPI_Allgather");
        }
        // Rank order, left to right: ((v₀ + v₁) + v₂) + …, starting from v₀ itself so that no 0 + v₀ turns −0 into +0.
        _gathered.AsSpan(0, n).CopyTo(values);
        for (int r = 1; r < Size; r++)
        {
            var block = _gathered.AsSpan(r * n, n);
            for (int i = 0; i < n; i++) values[i] += block[i];
        }
        BytesCommunicated += total * sizeof(double);
    }

    /// <inheritdoc />
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="root"/> is not a rank.</exception>
    public unsafe void Broadcast(Span<double> values, int root)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        if (Size == 1 || values.IsEmpty) return;
        fixed (double* p = values)
        {
            Check(MPI.Unsafe.MPI_Bcast((IntPtr)p, values.Length, MPI.Unsafe.MPI_DOUBLE, root, _world), "MPI_Bcast");
        }
        BytesCommunicated += (long)values.Length * sizeof(double);
    }

    /// <inheritdoc />
    public unsafe bool AllAgree(bool ok)
    {
        ThrowIfDisposed();
        if (Size == 1) return ok;
        int mine = ok ? 1 : 0, all = 0;
        Check(MPI.Unsafe.MPI_Allreduce((IntPtr)(&mine), (IntPtr)(&all), 1, MPI.Unsafe.MPI_INT, MPI.Unsafe.MPI_LAND, _world), "MPI_Allreduce");
        BytesCommunicated += 2 * sizeof(int);
        return all != 0;
    }

    /// <summary>
    /// The exit agreement: every rank states its exit code and a digest of its failure text, and
    /// learns every other rank's (element r of the result is rank r's pair). A rank that succeeded
    /// waits as long as it takes; a rank that failed waits at most <paramref name="failedRankPatience"/>,
    /// because its peers may be blocked in a collective it will never join, and then returns null:
    /// the caller must abort the job.
    /// </summary>
    /// <remarks>Point-to-point messages on the private duplicate of MPI_COMM_WORLD, polled with MPI_Test:
    /// MPI.NET 1.4.0 binds no non-blocking collective, and a blocking one could not be given up on.</remarks>
    public unsafe (int Code, int Digest)[]? AgreeOnExit(int code, int digest, TimeSpan failedRankPatience)
    {
        ThrowIfDisposed();
        var outcome = new (int, int)[Size];
        outcome[Rank] = (code, digest);
        if (Size == 1) return outcome;
        // Native buffers: MPI reads and writes them until the requests complete, which may be never if we abort.
        int* buffer = (int*)NativeMemory.Alloc((nuint)(2 * (Size + 1)), sizeof(int));
        int* requests = (int*)NativeMemory.Alloc((nuint)(2 * Size), sizeof(int));
        int count = 0;
        buffer[0] = code;
        buffer[1] = digest;
        for (int r = 0; r < Size; r++)
        {
            if (r == Rank) continue;
            Check(MPI.Unsafe.MPI_Isend((IntPtr)buffer, 2, MPI.Unsafe.MPI_INT, r, ExitTag, _control, out requests[count++]), "MPI_Isend");
            Check(MPI.Unsafe.MPI_Irecv((IntPtr)(buffer + 2 * (r + 1)), 2, MPI.Unsafe.MPI_INT, r, ExitTag, _control, out requests[count++]), "MPI_Irecv");
        }
        var clock = Stopwatch.StartNew();
        for (int pending = 0; pending < count;)
        {
            Check(MPI.Unsafe.MPI_Test(ref requests[pending], out int done, out _), "MPI_Test");
            if (done != 0) { pending++; continue; }
            if (code != 0 && clock.Elapsed > failedRankPatience) return null; // leaked on purpose: the job is about to be aborted
            Thread.Sleep(1);
        }
        for (int r = 0; r < Size; r++)
            if (r != Rank) outcome[r] = (buffer[2 * (r + 1)], buffer[2 * (r + 1) + 1]);
        NativeMemory.Free(buffer);
        NativeMemory.Free(requests);
        BytesCommunicated += 2L * (Size - 1) * 2 * sizeof(int);
        return outcome;
    }

    /// <summary>Ends every rank of the job with <paramref name="code"/> (MPI_Abort): the last resort when peers may be blocked for good.</summary>
    public void Abort(int code)
    {
        MPI.Unsafe.MPI_Abort(_world, code);
    }

    /// <summary>Frees the exit communicator and finalises MPI (MPI_Finalize); idempotent.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        MPI.Unsafe.MPI_Comm_free(ref _control);
        _environment.Dispose();
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);

    private static void Check(int code, string function)
    {
        // MPI_ERRORS_ARE_FATAL is the default handler, so a failing call normally never returns; this covers a handler that does.
        if (code != 0) throw new InvalidOperationException($"{function} failed with MPI error code {code}.");
    }
}
