using System.Reflection;
using Numerics.Distributed;

namespace Numerics.Cli;

/// <summary>Dispatches <c>numerics &lt;command&gt; [options]</c> and maps failures to exit codes.</summary>
/// <remarks>
/// Exit codes: 0 success; 2 bad input (usage, arguments the library rejects, missing or invalid
/// files, an invalid <c>NUMERICS_BLAS</c>/<c>NUMERICS_GPU</c>); 1 an unexpected failure. Either
/// failure is one line on stderr; <c>--verbose</c>, anywhere on the line, adds the exception's detail.
/// </remarks>
public static class CliApp
{
    /// <summary>The flag that adds the exception detail to a failure line.</summary>
    public const string VerboseFlag = "--verbose";

    /// <summary>Exit code of a success.</summary>
    public const int Success = 0;

    /// <summary>Exit code of an unexpected failure.</summary>
    public const int Failure = 1;

    /// <summary>Exit code of bad input.</summary>
    public const int UsageError = 2;

    /// <summary>The engine version.</summary>
    public static string Version => typeof(Numerics.LinearAlgebra.Blas).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Every subcommand. A family adds its command here.</summary>
    public static IReadOnlyList<ICliCommand> Commands { get; } = [new InfoCommand(), new LstsqCommand(), new ClipCommand(), new OtCommand(), BilevelCommand.Group, ProxCommands.Group];

    /// <summary>The options every command reads (<see cref="CliContext"/>), for the usage text.</summary>
    private static string CommonOptions => $"common options: --out PATH  --seed N  --device {CliContext.Devices.Usage}  --quiet  {VerboseFlag}";

    /// <summary>Runs the tool with the given arguments and writers; returns the exit code. Never throws.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error) => Run(args, output, error, SingleProcessCommunicator.Instance);

    /// <summary>
    /// Runs one command as one rank of <paramref name="communicator"/> (the process launcher under
    /// MPI passes its communicator; every other caller runs alone).
    /// </summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        bool verbose = args.Contains(VerboseFlag);
        try
        {
            return Dispatch(args.Where(a => a != VerboseFlag).ToArray(), output, error, communicator);
        }
        catch (Exception e)
        {
            return Report(e, error, verbose);
        }
    }

    /// <summary>Writes the one-line report of <paramref name="e"/> (and its detail when verbose); returns the exit code.</summary>
    internal static int Report(Exception e, TextWriter error, bool verbose)
    {
        var cause = Unwrap(e);
        bool usage = IsUsageError(cause);
        string line = usage ? cause.Message : $"{cause.GetType().Name}: {cause.Message} ({VerboseFlag} shows the details)";
        error.WriteLine($"error: {line.ReplaceLineEndings(" ")}");
        if (verbose) error.WriteLine(e.ToString());
        return usage ? UsageError : Failure;
    }

    private static bool IsUsageError(Exception e) =>
        e is CliUsageException or ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException
            or EnvironmentVariableException;

    /// <summary>The exception that says what went wrong, beneath the wrappers of type initialisers, reflection and single-task aggregates.</summary>
    private static Exception Unwrap(Exception e)
    {
        while (true)
        {
            var inner = e switch
            {
                TypeInitializationException t => t.InnerException,
                TargetInvocationException t => t.InnerException,
                AggregateException { InnerExceptions.Count: 1 } a => a.InnerException,
                _ => null,
            };
            if (inner is null) return e;
            e = inner;
        }
    }

    private static ICliCommand Find(IReadOnlyList<ICliCommand> commands, string word, string what) =>
        commands.FirstOrDefault(c => c.Name == word)
            ?? throw new CliUsageException($"unknown {what} '{word}' (try: {string.Join(", ", commands.Select(c => c.Name))})");

    private static int Dispatch(string[] args, TextWriter output, TextWriter error, ICommunicator communicator)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            error.WriteLine("usage: numerics <command> [--option value ...]");
            foreach (var c in Commands) error.WriteLine($"  {c.Name,-10} {c.Summary}");
            error.WriteLine(CommonOptions);
            error.WriteLine("numerics <command> --help lists the command's own options.");
            return args.Length == 0 ? UsageError : Success;
        }
        if (args[0] == "--version")
        {
            output.WriteLine($"numerics {Version} (BLAS: {Numerics.LinearAlgebra.LinearAlgebraBackend.Current.Kind})");
            return Success;
        }
        var command = Find(Commands, args[0], "command");
        if (command is ICliCommandGroup group)
        {
            // Without a subcommand the group's own Run reports the usage error in one line.
            if (args.Length < 2) return group.Run(new CliContext(new CliArguments([]), output, error, communicator));
            if (args[1] is "-h" or "--help")
            {
                error.WriteLine($"usage: {group.Usage}");
                foreach (var c in group.Subcommands) error.WriteLine($"  {c.Name,-10} {c.Summary}");
                return Success;
            }
            command = Find(group.Subcommands, args[1], $"{group.Name} subcommand");
            args = args[1..];
        }
        if (args.Length == 2 && args[1] is "-h" or "--help")
        {
            error.WriteLine($"usage: {command.Usage}");
            error.WriteLine($"  {command.Summary}");
            error.WriteLine(CommonOptions);
            return Success;
        }
        return command.Run(new CliContext(new CliArguments(args.Skip(1)), output, error, communicator));
    }
}
