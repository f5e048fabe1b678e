using System.Runtime.CompilerServices;
using System.Text;
using Numerics.Distributed;

namespace Numerics.Mpi;

/// <summary>
/// Runs a program's command as one rank of the launch that started the process: alone when no MPI
/// launcher did, on MPI_COMM_WORLD under MPICH, refused under Open MPI. It owns what every rank
/// must do the same way: who writes to stdout, which failure lines are shown, and how the ranks
/// agree on one exit code without a hang.
/// </summary>
/// <remarks>
/// <para>
/// Only rank 0 writes stdout and streams stderr. Another rank's stderr is held back; if that rank
/// fails with a failure line different from rank 0's, its lines are shown prefixed by its rank, so
/// a failure every rank shares (a bad option) is printed once and a failure of one rank is never lost.
/// </para>
/// <para>
/// Exit: every rank states its code (<see cref="MpiCommunicator.AgreeOnExit"/>); the job's code is
/// the first non-zero code in rank order, returned by every rank, and rank 0 names the failing rank
/// when it succeeded itself. A rank that failed while its peers are blocked in a collective cannot
/// be answered; after <see cref="FailedRankPatience"/> it prints its line and calls MPI_Abort,
/// which makes the launcher end every rank with a non-zero code.
/// </para>
/// </remarks>
public static class MpiEntryPoint
{
    /// <summary>How long a failed rank waits for its peers' exit codes before aborting the job: enough for peers that are only finishing local work, short enough for a person waiting.</summary>
    public static readonly TimeSpan FailedRankPatience = TimeSpan.FromSeconds(10);

    /// <summary>The pause between a failed rank's last line and MPI_Abort (see <see cref="RunRank"/>).</summary>
    private static readonly TimeSpan AbortGrace = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs <paramref name="command"/> (communicator, stdout, stderr → exit code) under the launch of this process and returns the process's exit code.</summary>
    /// <param name="command">The program's work; it must report its own failures on the stderr it is given and return a non-zero code.</param>
    /// <param name="output">The process's stdout.</param>
    /// <param name="error">The process's stderr.</param>
    /// <param name="refusedCode">The code for a launch that cannot run (Open MPI, MPICH missing, malformed PMI variables).</param>
    public static int Run(Func<ICommunicator, TextWriter, TextWriter, int> command, TextWriter output, TextWriter error, int refusedCode)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        MpiLaunch launch;
        try { launch = MpiLaunch.Detect(); }
        catch (EnvironmentVariableException e) { return Refuse(error, e.Message, refusedCode); }
        switch (launch.Launcher)
        {
            case MpiLauncher.None:
                return command(SingleProcessCommunicator.Instance, output, error);
            case MpiLauncher.OpenMpi:
                return Refuse(error, MpiLaunch.OpenMpiRefusal, refusedCode);
        }
        return RunUnderMpich(command, output, error, refusedCode);
    }

    // Not inlined, so that a process alone never even compiles a method that names MPI.NET's types.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int RunUnderMpich(Func<ICommunicator, TextWriter, TextWriter, int> command, TextWriter output, TextWriter error, int refusedCode)
    {
        MpiCommunicator communicator;
        try { communicator = MpiCommunicator.Start(); }
        catch (DllNotFoundException e) { return Refuse(error, e.Message, refusedCode); }
        using (communicator)
            return RunRank(communicator, command, output, error);
    }

    private static int Refuse(TextWriter error, string message, int code)
    {
        error.WriteLine($"error: {message}");
        return code;
    }

    private static int RunRank(MpiCommunicator communicator, Func<ICommunicator, TextWriter, TextWriter, int> command, TextWriter output, TextWriter error)
    {
        int rank = communicator.Rank;
        var recording = new FailureRecordingWriter(rank == 0 ? error : null);
        int code;
        try
        {
            code = command(communicator, rank == 0 ? output : TextWriter.Null, recording);
        }
        catch (Exception e)
        {
            // The command promised to report its own failures; this keeps the exit agreement reachable if it did not.
            recording.WriteLine($"error: {e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
            code = 1;
        }
        output.Flush();
        var outcome = communicator.AgreeOnExit(code, recording.FailureDigest, FailedRankPatience);
        if (outcome is null)
        {
            // Rank 0 has shown its line already; MPICH adds its own "application called MPI_Abort" line.
            if (rank != 0) WriteFailure(error, rank, recording);
            error.Flush();
            // Hydra forwards a rank's stderr asynchronously and stops forwarding when an abort tears the
            // job down; a pause lets the line just written reach the launcher's stderr first.
            Thread.Sleep(AbortGrace);
            communicator.Abort(code);
            return code;
        }
        int failing = Array.FindIndex(outcome, o => o.Code != 0);
        if (failing < 0) return 0;
        if (rank != 0 && code != 0 && outcome[0] != outcome[rank]) WriteFailure(error, rank, recording);
        if (rank == 0 && code == 0) error.WriteLine($"error: rank {failing} of {communicator.Size} failed with exit code {outcome[failing].Code}");
        return outcome[failing].Code;
    }

    private static void WriteFailure(TextWriter error, int rank, FailureRecordingWriter recording)
    {
        foreach (var line in recording.FailureLines) error.WriteLine($"error: rank {rank}: {line["error: ".Length..]}");
    }

    /// <summary>Forwards to an inner writer (or to nothing) and keeps the lines that start with "error: ".</summary>
    private sealed class FailureRecordingWriter(TextWriter? inner) : TextWriter
    {
        private readonly StringBuilder _line = new();

        public List<string> FailureLines { get; } = [];

        public override Encoding Encoding => Encoding.UTF8;

        /// <summary>FNV-1a over the failure lines: a digest that, unlike string.GetHashCode, is the same in every process.</summary>
        public int FailureDigest
        {
            get
            {
                uint h = 2166136261;
                foreach (var line in FailureLines)
                    foreach (char c in line + "\n") h = (h ^ c) * 16777619;
                return (int)h;
            }
        }

        public override void Write(char value)
        {
            inner?.Write(value);
            Record(value);
        }

        // Whole strings go to the inner writer at once: stderr is unbuffered, and a write per character would be a system call each.
        public override void Write(string? value)
        {
            if (value is null) return;
            inner?.Write(value);
            foreach (char c in value) Record(c);
        }

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => Write((value ?? "") + NewLine);

        private void Record(char value)
        {
            if (value == '\n')
            {
                var line = _line.ToString().TrimEnd('\r');
                if (line.StartsWith("error: ", StringComparison.Ordinal)) FailureLines.Add(line);
                _line.Clear();
            }
            else _line.Append(value);
        }

        public override void Flush() => inner?.Flush();
    }
}
