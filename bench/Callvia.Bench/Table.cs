namespace Callvia.Bench;

/// <summary>The benchmarks' result tables: a header, a rule, the rows, columns padded to their widest cell.</summary>
public static class Table
{
    public static void Print(string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        Console.WriteLine(string.Join(" | ", header.Select((h, i) => h.PadRight(widths[i]))));
        Console.WriteLine(string.Join("-|-", widths.Select(w => new string('-', w))));
        foreach (var r in rows) Console.WriteLine(string.Join(" | ", r.Select((cell, i) => cell.PadRight(widths[i]))));
    }
}
