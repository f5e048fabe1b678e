namespace Numerics.Cli;

/// <summary>
/// A command whose first word selects one of its subcommands (<c>numerics bilevel ridge …</c>):
/// the dispatcher picks the subcommand and runs it on the remaining options.
/// </summary>
public interface ICliCommandGroup : ICliCommand
{
    /// <summary>The subcommands, selected by their <see cref="ICliCommand.Name"/>.</summary>
    IReadOnlyList<ICliCommand> Subcommands { get; }
}
