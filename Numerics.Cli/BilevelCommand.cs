namespace Numerics.Cli;

/// <summary><c>numerics bilevel ridge|tv-denoise|foe …</c>: bilevel hyperparameter learning by MAID or the fixed-schedule baseline.</summary>
public sealed class BilevelCommand : ICliCommandGroup
{
    /// <inheritdoc />
    public string Name => "bilevel";

    /// <inheritdoc />
    public string Summary => "learn hyperparameters by bilevel optimisation (MAID or a fixed accuracy schedule): ridge, tv-denoise, foe";

    /// <inheritdoc />
    public IReadOnlyList<ICliCommand> Subcommands { get; } = [new BilevelRidgeCommand(), new BilevelTvCommand(), new BilevelFoeCommand()];

    /// <inheritdoc />
    public int Run(CliContext context) => throw new CliUsageException($"numerics bilevel needs a subcommand: {string.Join(", ", Subcommands.Select(c => c.Name))}");
}
