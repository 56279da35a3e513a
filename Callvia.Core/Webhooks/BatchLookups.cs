namespace Callvia.Core.Webhooks;

/// <summary>
/// What a batch loaded ahead (<see cref="IWebhookProvider.PrefetchAsync"/>, one query per kind for all its events): a
/// lookup it covers is answered from the tracked entities alone, found or not, instead of one query per event. Scoped;
/// emptied when the batch ends or falls back to applying event by event (then every lookup reads the database again).
/// </summary>
public sealed class BatchLookups
{
    private readonly HashSet<(string Kind, string Key)> _covered = [];

    /// <summary>Every row of <paramref name="kind"/> with one of <paramref name="keys"/> is tracked now.</summary>
    public void Covered(string kind, IEnumerable<string> keys)
    {
        foreach (var key in keys) _covered.Add((kind, key));
    }

    public bool Covers(string kind, string key) => _covered.Contains((kind, key));

    public void Clear() => _covered.Clear();
}
