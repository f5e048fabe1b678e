namespace Numerics.Cli;

/// <summary>
/// A command whose first argument names an action, each an <see cref="ICliCommand"/> of its own:
/// <c>numerics &lt;group&gt; &lt;action&gt; [options]</c>.
/// </summary>
/// <param name="name">The word that selects the group.</param>
/// <param name="summary">One line for the usage text.</param>
/// <param name="actions">The actions, selected by their <see cref="ICliCommand.Name"/>.</param>
public sealed class CliCommandGroup(string name, string summary, params ICliCommand[] actions) : ICliCommand
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public string Summary => summary;

    /// <summary>The actions.</summary>
    public IReadOnlyList<ICliCommand> Actions => actions;

    /// <inheritdoc />
    public string Usage => string.Join(Environment.NewLine + "       ", actions.Select(a => a.Usage));

    /// <summary>The action named <paramref name="word"/>.</summary>
    /// <exception cref="CliUsageException">No action has that name.</exception>
    public ICliCommand Action(string? word) =>
        actions.FirstOrDefault(a => a.Name == word)
        ?? throw new CliUsageException(word is null
            ? $"{name} needs an action: {string.Join(", ", actions.Select(a => a.Name))}"
            : $"unknown {name} action '{word}' (try: {string.Join(", ", actions.Select(a => a.Name))})");

    /// <inheritdoc />
    public int Run(CliContext context) => throw new CliUsageException($"{name} needs an action: {string.Join(", ", actions.Select(a => a.Name))}");
}
