namespace Numerics.Cli;

/// <summary>A subcommand of <c>numerics</c>.</summary>
public interface ICliCommand
{
    /// <summary>The word that selects it.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Summary { get; }

    /// <summary>Runs the command; throws <see cref="CliUsageException"/> or <see cref="ArgumentException"/> for bad input.</summary>
    int Run(CliContext context);
}
