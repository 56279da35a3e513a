using System.Diagnostics;
using Callvia.Core.Leads.Import;

namespace Callvia.Bench;

/// <summary>Times the import's CPU part alone (read, parse, apply the row rules) on a generated file.</summary>
public static class ParseProbe
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = int.Parse(args[0]);
        var dir = Path.Combine(Path.GetTempPath(), "callvia-probe");
        Directory.CreateDirectory(dir);
        var files = LeadCsvGenerator.Write(dir, rows, Guid.NewGuid(), Guid.NewGuid());
        for (var round = 0; round < 3; round++)
        {
            var watch = Stopwatch.StartNew();
            await using var file = File.OpenRead(files.Csv);
            var source = await ImportSource.OpenAsync(file, long.MaxValue, default);
            var fields = new List<string>();
            var n = 1;
            var parseOnly = TimeSpan.Zero;
            var list = new List<(int, string[])>();
            while (await ImportSource.ReadAsync(source.Reader, fields, default) is { } line) { list.Add((line, fields.ToArray())); n++; }
            parseOnly = watch.Elapsed;
            var good = 0;
            Parallel.ForEach(list, item => { if (LeadRowRules.Apply(item.Item1, item.Item2, source.Columns, "US", null) is LeadRow) Interlocked.Increment(ref good); });
            Console.WriteLine($"{n} rows: parse {parseOnly.TotalMilliseconds:F0} ms, parse+rules {watch.Elapsed.TotalMilliseconds:F0} ms, good {good}");
        }
        return 0;
    }
}

public static class PhoneProbe
{
    public static int Run()
    {
        var raws = Enumerable.Range(0, 100000).Select(i => $"({200 + i % 700}) 555-{i % 10000:D4}").ToArray();
        var raws2 = Enumerable.Range(0, 100000).Select(i => $"+1212{i:D7}").ToArray();
        for (var r = 0; r < 3; r++)
        {
            var w = Stopwatch.StartNew();
            foreach (var s in raws2) Callvia.Core.Leads.PhoneNumbers.Normalize(s, "US", withTimeZone: false);
            var a = w.ElapsedMilliseconds; w.Restart();
            foreach (var s in raws2) Callvia.Core.Leads.PhoneNumbers.Normalize(s, "US", withTimeZone: true);
            var b = w.ElapsedMilliseconds; w.Restart();
            foreach (var s in raws2) Callvia.Core.Leads.Import.LeadRowRules.IsEmail("ava.stone123@example.com");
            var c = w.ElapsedMilliseconds; w.Restart();
            foreach (var s in raws2) Guid.CreateVersion7();
            Console.WriteLine($"normalize {a} ms, +tz {b} ms, email {c} ms, guid {w.ElapsedMilliseconds} ms");
        }
        return 0;
    }
}
