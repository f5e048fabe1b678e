namespace Numerics.Cli;

/// <summary>A subcommand of <c>numerics</c>.</summary>
public interface ICliCommand
{
    /// <summary>The word that selects it.</summary>
    string Name { get; }

    /// <summary>One line for the usage text.</summary>
    string Summary { get; }

    /// <summary>
    /// The command line with its own options, printed by <c>numerics &lt;command&gt; --help</c>; where an
    /// option takes one of a set of words, they come from its <see cref="WordTable{TEnum}"/>.
    /// </summary>
    string Usage => $"numerics {Name} [--option value ...]";

    /// <summary>Runs the command; throws <see cref="CliUsageException"/> or <see cref="ArgumentException"/> for bad input.</summary>
    int Run(CliContext context);
}
