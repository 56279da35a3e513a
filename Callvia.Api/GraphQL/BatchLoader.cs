using GraphQL;
using GraphQL.DataLoader;

namespace Callvia.Api.GraphQL;

/// <summary>
/// Batches per-row lookups of one request (no N+1): every <see cref="Load"/> made while a level of the
/// query resolves joins the pending batch; the first result awaited fetches all of them in one query.
/// graphql-dotnet completes data-loader results only after the whole level has been resolved.
/// </summary>
public sealed class BatchLoader<TKey, TValue>(Func<IReadOnlyCollection<TKey>, CancellationToken, Task<Dictionary<TKey, TValue>>> fetch)
    where TKey : notnull
{
    private Batch _pending = new();

    public IDataLoaderResult<TValue?> Load(TKey key)
    {
        var batch = _pending;
        batch.Keys.Add(key);
        return new Result(this, batch, key);
    }

    private sealed class Batch
    {
        public readonly HashSet<TKey> Keys = [];
        public Task<Dictionary<TKey, TValue>>? Fetch;
    }

    private Task<Dictionary<TKey, TValue>> Dispatch(Batch batch, CancellationToken ct)
    {
        if (batch.Fetch is null)
        {
            if (ReferenceEquals(batch, _pending)) _pending = new Batch(); // later loads make a new batch
            batch.Fetch = fetch(batch.Keys, ct);
        }
        return batch.Fetch;
    }

    private sealed class Result(BatchLoader<TKey, TValue> loader, Batch batch, TKey key) : IDataLoaderResult<TValue?>
    {
        public async Task<TValue?> GetResultAsync(CancellationToken cancellationToken = default) =>
            (await loader.Dispatch(batch, cancellationToken)).GetValueOrDefault(key);

        async Task<object?> IDataLoaderResult.GetResultAsync(CancellationToken cancellationToken) => await GetResultAsync(cancellationToken);
    }
}

/// <summary>The request's loaders, one per kind of lookup (scoped: they live as long as the request).</summary>
public sealed class RequestLoaders
{
    private readonly Dictionary<string, object> _loaders = [];

    public BatchLoader<TKey, TValue> Get<TKey, TValue>(string name, Func<IReadOnlyCollection<TKey>, CancellationToken, Task<Dictionary<TKey, TValue>>> fetch)
        where TKey : notnull
    {
        if (!_loaders.TryGetValue(name, out var loader))
            _loaders[name] = loader = new BatchLoader<TKey, TValue>(fetch);
        return (BatchLoader<TKey, TValue>)loader;
    }
}
