using System.Reflection;

namespace Numerics.Cli;

/// <summary>Dispatches <c>numerics &lt;command&gt; [options]</c> and maps failures to exit codes.</summary>
/// <remarks>Exit codes: 0 success, 2 bad input (one line on stderr), 1 unexpected failure.</remarks>
public static class CliApp
{
    /// <summary>The engine version.</summary>
    public static string Version => typeof(Numerics.LinearAlgebra.Blas).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Every subcommand. A family adds its command here.</summary>
    public static IReadOnlyList<ICliCommand> Commands { get; } = [new InfoCommand(), new LstsqCommand(), new ClipCommand()];

    /// <summary>The options every command reads (<see cref="CliContext"/>), for the usage text.</summary>
    private static string CommonOptions => $"common options: --out PATH  --seed N  --device {CliContext.Devices.Usage}  --quiet";

    /// <summary>Runs the tool with the given arguments and writers; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            error.WriteLine("usage: numerics <command> [--option value ...]");
            foreach (var c in Commands) error.WriteLine($"  {c.Name,-10} {c.Summary}");
            error.WriteLine(CommonOptions);
            error.WriteLine("numerics <command> --help lists the command's own options.");
            return args.Length == 0 ? 2 : 0;
        }
        if (args[0] == "--version")
        {
            output.WriteLine($"numerics {Version} (BLAS: {Numerics.LinearAlgebra.LinearAlgebraBackend.Current.Kind})");
            return 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            error.WriteLine($"error: unknown command '{args[0]}' (try: {string.Join(", ", Commands.Select(c => c.Name))})");
            return 2;
        }
        if (args.Length == 2 && args[1] is "-h" or "--help")
        {
            error.WriteLine($"usage: {command.Usage}");
            error.WriteLine($"  {command.Summary}");
            error.WriteLine(CommonOptions);
            return 0;
        }
        try
        {
            var context = new CliContext(new CliArguments(args.Skip(1)), output, error);
            return command.Run(context);
        }
        catch (Exception e) when (e is CliUsageException or ArgumentException or InvalidDataException or FileNotFoundException or DirectoryNotFoundException)
        {
            error.WriteLine($"error: {e.Message.ReplaceLineEndings(" ")}");
            return 2;
        }
    }
}
