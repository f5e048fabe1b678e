using System.Globalization;

namespace Numerics.Bench.Report;

/// <summary>A plain-text table with right-aligned numeric columns.</summary>
internal sealed class ReportTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    public void Add(params object[] cells) =>
        _rows.Add(cells.Select(c => c switch
        {
            double d => Format(d),
            float f => Format(f),
            _ => c?.ToString() ?? "",
        }).ToArray());

    private static string Format(double d) =>
        double.IsNaN(d) ? "—" : Math.Abs(d) is >= 1e-3 and < 1e5 || d == 0
            ? d.ToString("0.000", CultureInfo.InvariantCulture)
            : d.ToString("0.00e+0", CultureInfo.InvariantCulture);

    public void Write(TextWriter w)
    {
        var widths = headers.Select((h, i) => Math.Max(h.Length, _rows.Count == 0 ? 0 : _rows.Max(r => r[i].Length))).ToArray();
        w.WriteLine(string.Join("  ", headers.Select((h, i) => h.PadLeft(widths[i]))));
        w.WriteLine(string.Join("  ", widths.Select(x => new string('-', x))));
        foreach (var r in _rows) w.WriteLine(string.Join("  ", r.Select((c, i) => c.PadLeft(widths[i]))));
        w.WriteLine();
    }
}
