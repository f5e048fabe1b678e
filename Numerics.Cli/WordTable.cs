namespace Numerics.Cli;

/// <summary>
/// The words an option accepts and the enum value each stands for, as one table: parsing, the
/// error message for an unknown word, the usage text and the word written back into the JSON
/// summary all read it, so a new value is added in one place.
/// </summary>
/// <typeparam name="TEnum">The enum the option selects.</typeparam>
/// <remarks>The first entry is the option's default. Words and values are each unique, so the mapping is one-to-one.</remarks>
public sealed class WordTable<TEnum> where TEnum : struct, Enum
{
    private readonly (string Word, TEnum Value)[] _entries;

    /// <summary>A table of <paramref name="entries"/>; the first is the default.</summary>
    /// <exception cref="ArgumentException">No entries, an empty word, or a repeated word or value.</exception>
    public WordTable(params (string Word, TEnum Value)[] entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        if (entries.Length == 0) throw new ArgumentException("a word table needs at least one entry", nameof(entries));
        if (entries.Any(e => string.IsNullOrWhiteSpace(e.Word))) throw new ArgumentException("a word table's words must be non-empty", nameof(entries));
        if (entries.Select(e => e.Word).Distinct(StringComparer.Ordinal).Count() != entries.Length)
            throw new ArgumentException("a word table's words must be distinct", nameof(entries));
        if (entries.Select(e => e.Value).Distinct().Count() != entries.Length)
            throw new ArgumentException("a word table's values must be distinct", nameof(entries));
        _entries = [.. entries];
    }

    /// <summary>The words, in table order.</summary>
    public IReadOnlyList<string> Words => Array.ConvertAll(_entries, e => e.Word);

    /// <summary>The value of the first entry, used when the option is absent.</summary>
    public TEnum Default => _entries[0].Value;

    /// <summary>The words joined by <c>|</c>, for the usage text (for example <c>soft|hard|polar</c>).</summary>
    public string Usage => string.Join("|", Words);

    /// <summary>The value <paramref name="word"/> stands for (exact, case-sensitive match).</summary>
    /// <exception cref="CliUsageException">The word is not in the table; the message names <c>--<paramref name="option"/></c> and lists the valid words.</exception>
    public TEnum Parse(string option, string word)
    {
        foreach (var (w, value) in _entries)
            if (string.Equals(w, word, StringComparison.Ordinal)) return value;
        throw new CliUsageException($"--{option} must be one of {string.Join(", ", Words)}, got '{word}'");
    }

    /// <summary>The word for <paramref name="value"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not in the table.</exception>
    public string WordOf(TEnum value)
    {
        foreach (var (word, v) in _entries)
            if (EqualityComparer<TEnum>.Default.Equals(v, value)) return word;
        throw new ArgumentOutOfRangeException(nameof(value), value, $"no word for {typeof(TEnum).Name}.{value}");
    }
}
