using Numerics.Cli;
using Numerics.Sketching;
using Numerics.Spectral;

namespace Numerics.Core.Tests.Cli;

public class WordTableTests
{
    private enum Colour { Red, Green, Blue }

    private static readonly WordTable<Colour> Colours = new(("red", Colour.Red), ("green", Colour.Green));

    [Fact]
    public void Parse_and_WordOf_are_inverse_and_the_first_entry_is_the_default()
    {
        Assert.Equal(Colour.Red, Colours.Default);
        Assert.Equal(["red", "green"], Colours.Words);
        Assert.Equal("red|green", Colours.Usage);
        foreach (var word in Colours.Words) Assert.Equal(word, Colours.WordOf(Colours.Parse("colour", word)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Colours.WordOf(Colour.Blue));
    }

    [Fact]
    public void An_unknown_word_names_the_option_and_lists_the_words()
    {
        var e = Assert.Throws<CliUsageException>(() => Colours.Parse("colour", "Red"));
        Assert.Equal("--colour must be one of red, green, got 'Red'", e.Message);
    }

    [Fact]
    public void A_table_rejects_no_entries_empty_words_and_repeats()
    {
        Assert.Throws<ArgumentException>(() => new WordTable<Colour>());
        Assert.Throws<ArgumentException>(() => new WordTable<Colour>(("", Colour.Red)));
        Assert.Throws<ArgumentException>(() => new WordTable<Colour>(("red", Colour.Red), ("red", Colour.Green)));
        Assert.Throws<ArgumentException>(() => new WordTable<Colour>(("red", Colour.Red), ("crimson", Colour.Red)));
    }

    [Fact]
    public void The_command_tables_keep_their_words_and_defaults()
    {
        // The words are part of the CLI's interface (scripts and the JSON summary use them).
        Assert.Equal(CliDevice.Cpu, CliContext.Devices.Default);
        Assert.Equal(SpectralMode.Soft, ClipCommand.Modes.Default);
        Assert.Equal(SpectralMethod.NewtonSchulz, ClipCommand.Methods.Default);
        Assert.Equal(SoftClipSchedule.Adaptive, ClipCommand.Schedules.Default);
        Assert.Equal(PolarSchedule.Converged, ClipCommand.PolarSchedules.Default);
        Assert.Equal(LeastSquaresMethod.SketchAndSolve, LstsqCommand.Methods.Default);
        Assert.Equal(SketchKind.Srht, LstsqCommand.Sketches.Default);
        Assert.Equal("polar-express", ClipCommand.PolarSchedules.WordOf(PolarSchedule.PolarExpress));
        Assert.Equal(LeastSquaresMethod.SketchAndPrecondition, LstsqCommand.Methods.Parse("method", "precondition"));
        foreach (var kind in Enum.GetValues<SketchKind>())
            Assert.Equal(kind.ToString().ToLowerInvariant(), LstsqCommand.Sketches.WordOf(kind));
    }
}
