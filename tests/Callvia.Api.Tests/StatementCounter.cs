using System.Collections.Concurrent;
using System.Diagnostics;

namespace Callvia.Api.Tests;

/// <summary>
/// Counts the SQL statements Npgsql runs against one database (for the N+1 bounds). Only that database: other test
/// collections run their own databases in the same process at the same time.
/// </summary>
internal sealed class StatementCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly ConcurrentQueue<string> _texts = new();
    private int _count;

    public StatementCounter(string database)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == "Npgsql",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = a =>
            {
                if (a.GetTagItem("db.namespace") is string db && db != database) return;
                Interlocked.Increment(ref _count);
                _texts.Enqueue(a.GetTagItem("db.query.text") as string ?? a.GetTagItem("db.statement") as string ?? a.DisplayName);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The statements <paramref name="run"/> caused, and the result.</summary>
    public async Task<(T Result, int Statements)> CountAsync<T>(Func<Task<T>> run)
    {
        _texts.Clear();
        var before = Volatile.Read(ref _count);
        var result = await run();
        return (result, Volatile.Read(ref _count) - before);
    }

    /// <summary>The statements counted since the last <see cref="CountAsync{T}"/> began, each cut to <paramref name="width"/>.</summary>
    public string Listing(int width = 120) => string.Join("\n", _texts.Select(t => t[..Math.Min(t.Length, width)]));

    public void Dispose() => _listener.Dispose();
}
