using System.Globalization;

namespace Numerics.Cli;

/// <summary>
/// <c>--name value</c> options and <c>--flag</c> switches after the subcommand. Every typed getter
/// throws <see cref="CliUsageException"/> with the option's name; <see cref="EnsureAllUsed"/>
/// rejects options the command did not read, so typos are not silently ignored.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    /// <summary>Parses the arguments that follow the subcommand name.</summary>
    public CliArguments(IEnumerable<string> args)
    {
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            string a = list[i];
            if (!a.StartsWith("--", StringComparison.Ordinal) || a.Length == 2)
                throw new CliUsageException($"unexpected argument '{a}' (options look like --name value)");
            string name = a[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
            if (!_options.TryAdd(name, value)) throw new CliUsageException($"--{name} given twice");
        }
    }

    /// <summary>True when the switch is present.</summary>
    public bool Flag(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out var v)) return false;
        if (v is not null) throw new CliUsageException($"--{name} takes no value (got '{v}')");
        return true;
    }

    /// <summary>The option's value, or null when absent.</summary>
    public string? Optional(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out var v)) return null;
        return v ?? throw new CliUsageException($"--{name} needs a value");
    }

    /// <summary>The option's value; absent is an error.</summary>
    public string Required(string name) => Optional(name) ?? throw new CliUsageException($"--{name} is required");

    /// <summary>An integer option, with a default and an inclusive lower bound.</summary>
    public int Int(string name, int fallback, int min = int.MinValue)
    {
        var s = Optional(name);
        if (s is null) return fallback;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v))
            throw new CliUsageException($"--{name} must be an integer, got '{s}'");
        if (v < min) throw new CliUsageException($"--{name} must be at least {min}, got {v}");
        return v;
    }

    /// <summary>A finite floating-point option, with a default; <paramref name="positive"/> requires &gt; 0.</summary>
    public double Double(string name, double fallback, bool positive = false)
    {
        var s = Optional(name);
        if (s is null) return fallback;
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new CliUsageException($"--{name} must be a finite number, got '{s}'");
        if (positive && v <= 0) throw new CliUsageException($"--{name} must be positive, got {s}");
        return v;
    }

    /// <summary>One of the words in <paramref name="table"/>, as its enum value; the table's default when absent.</summary>
    public TEnum Word<TEnum>(string name, WordTable<TEnum> table) where TEnum : struct, Enum
    {
        var s = Optional(name);
        return s is null ? table.Default : table.Parse(name, s);
    }

    /// <summary>Rejects any option the command did not ask for.</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.FirstOrDefault(k => !_used.Contains(k));
        if (unknown is not null) throw new CliUsageException($"unknown option --{unknown}");
    }
}
