namespace Numerics.Cli;

/// <summary>
/// A command whose first word selects one of its subcommands, each an <see cref="ICliCommand"/> of
/// its own: <c>numerics &lt;group&gt; &lt;subcommand&gt; [options]</c>. The dispatcher picks the
/// subcommand and runs it on the remaining options.
/// </summary>
/// <param name="name">The word that selects the group.</param>
/// <param name="summary">One line for the usage text.</param>
/// <param name="subcommands">The subcommands, selected by their <see cref="ICliCommand.Name"/>.</param>
public sealed class CliCommandGroup(string name, string summary, params ICliCommand[] subcommands) : ICliCommandGroup
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public string Summary => summary;

    /// <inheritdoc />
    public IReadOnlyList<ICliCommand> Subcommands => subcommands;

    /// <inheritdoc />
    public string Usage => $"numerics {name} <{string.Join("|", subcommands.Select(c => c.Name))}> [--option value ...]";

    /// <inheritdoc />
    public int Run(CliContext context) => throw new CliUsageException($"numerics {name} needs a subcommand: {string.Join(", ", subcommands.Select(c => c.Name))}");
}
