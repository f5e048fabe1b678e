namespace Numerics.Cli;

/// <summary><c>numerics bilevel ridge|tv-denoise|foe …</c>: bilevel hyperparameter learning by MAID or the fixed-schedule baseline.</summary>
public static class BilevelCommand
{
    /// <summary>The <c>bilevel</c> group and its subcommands.</summary>
    public static CliCommandGroup Group { get; } = new("bilevel",
        "learn hyperparameters by bilevel optimisation (MAID or a fixed accuracy schedule): ridge, tv-denoise, foe",
        new BilevelRidgeCommand(), new BilevelTvCommand(), new BilevelFoeCommand());
}
