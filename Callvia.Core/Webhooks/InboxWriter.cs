using System.Threading.Channels;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Npgsql;
using NpgsqlTypes;

namespace Callvia.Core.Webhooks;

/// <summary>
/// Group commit for the webhook inbox. Every accepted delivery waits here until its row is committed;
/// the writers take whatever deliveries are waiting (up to <see cref="MaxBatch"/>) and store them in one
/// transaction — one round trip and one WAL flush for many requests — then release each caller with its
/// own outcome (stored, or a duplicate). Nobody is answered before their row is durable.
/// Tenant isolation holds inside the batch: rows are inserted per client, each group under that client's
/// row-level-security setting (<c>set_config(..., true)</c>, local to the transaction), so a row can only be
/// written for the client the request was verified for. If a batch fails, its rows are retried one by one
/// so one bad row cannot fail the others.
/// </summary>
public sealed class InboxWriter : IAsyncDisposable, IDisposable
{
    public const int MaxBatch = 256;

    private readonly NpgsqlDataSource _db;
    private readonly ILogger<InboxWriter> _logger;
    private readonly Channel<Pending> _queue = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = false });
    private readonly Task[] _writers;

    public InboxWriter(NpgsqlDataSource db, IConfiguration configuration, ILogger<InboxWriter> logger)
    {
        _db = db;
        _logger = logger;
        _writers = Enumerable.Range(0, Math.Max(1, configuration.GetValue("Webhooks:InboxWriters", 2)))
            .Select(_ => Task.Run(WriteLoopAsync)).ToArray();
    }

    /// <summary>The row's tenant scope: a client, or the agency (a client-less row).</summary>
    public readonly record struct Row(Guid Id, Guid? ClientId, bool Agency, string Provider, string EventKey, string EventType, string Payload, DateTimeOffset ReceivedAt,
        string? TraceParent = null);

    private sealed record Pending(Row Row)
    {
        public readonly TaskCompletionSource<bool> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>True when the row was stored; false when (provider, key) was stored before.</summary>
    public Task<bool> WriteAsync(Row row, CancellationToken ct)
    {
        var pending = new Pending(row);
        if (!_queue.Writer.TryWrite(pending))
            throw new InvalidOperationException("The webhook inbox is shutting down.");
        // a caller that gives up still has its row written: the provider's retry is then a duplicate
        return pending.Done.Task.WaitAsync(ct);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next)) batch.Add(next);
            if (batch.Count == 0) continue;
            try
            {
                var stored = await InsertAsync(batch);
                foreach (var p in batch) p.Done.TrySetResult(stored.Contains(p.Row.Id));
            }
            catch (Exception e) when (batch.Count > 1)
            {
                _logger.LogWarning(e, "A webhook inbox batch of {Count} failed; storing its rows one by one", batch.Count);
                foreach (var p in batch)
                {
                    try { p.Done.TrySetResult((await InsertAsync([p])).Contains(p.Row.Id)); }
                    catch (Exception one) { p.Done.TrySetException(one); }
                }
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
            }
        }
    }

    private async Task<HashSet<Guid>> InsertAsync(List<Pending> batch)
    {
        await using var conn = await _db.OpenConnectionAsync();
        // one round trip: a batch without an explicit transaction runs as one implicit transaction,
        // committed at its end (or rolled back whole); the set_config(..., true) settings live in it
        await using var command = new NpgsqlBatch(conn);
        foreach (var group in batch.GroupBy(p => (p.Row.ClientId, p.Row.Agency)))
        {
            var scope = new NpgsqlBatchCommand("SELECT set_config('app.client_id', $1, true), set_config('app.agency', $2, true)");
            scope.Parameters.Add(new NpgsqlParameter { Value = group.Key.ClientId?.ToString() ?? "" });
            scope.Parameters.Add(new NpgsqlParameter { Value = group.Key.Agency ? "on" : "off" });
            command.BatchCommands.Add(scope);

            var rows = group.Select(p => p.Row).ToArray();
            var insert = new NpgsqlBatchCommand("""
                INSERT INTO events (id, client_id, provider, provider_event_key, event_type, payload, status, attempts, received_at, trace_parent)
                SELECT id, client_id, provider, key, type, payload, 'received', 0, received_at, trace_parent
                FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::timestamptz[], $8::text[])
                     AS r(id, client_id, provider, key, type, payload, received_at, trace_parent)
                ON CONFLICT (provider, provider_event_key) DO NOTHING
                RETURNING id
                """);
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Id).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.ClientId).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Uuid });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Provider).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.EventKey).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.EventType).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.Payload).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.ReceivedAt).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
            insert.Parameters.Add(new NpgsqlParameter { Value = rows.Select(r => r.TraceParent).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
            command.BatchCommands.Add(insert);
        }
        var stored = new HashSet<Guid>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            do
            {
                while (await reader.ReadAsync())
                    if (reader.FieldCount == 1 && reader.GetFieldType(0) == typeof(Guid))
                        stored.Add(reader.GetGuid(0));
            } while (await reader.NextResultAsync());
        }
        return stored;
    }

    /// <summary>On shutdown: no new rows; what is queued is written before the writers stop.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await Task.WhenAll(_writers);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
