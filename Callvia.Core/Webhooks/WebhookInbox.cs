using Callvia.Core.Tenancy;
using Npgsql;

namespace Callvia.Core.Webhooks;

/// <summary>
/// The durable inbox: a verified event's raw body is committed to <c>events</c> before the provider gets
/// its 2xx. The (provider, event key) unique constraint turns a redelivery into a no-op.
/// </summary>
public sealed class WebhookInbox(NpgsqlDataSource dataSource, TenantContext tenant, TimeProvider clock)
{
    public Guid ClientId => tenant.ClientId ?? throw new InvalidOperationException("Webhooks are received on a tenant's host.");

    /// <summary>Stores the event and returns its id; null when it was stored before (a duplicate delivery).</summary>
    public async Task<Guid?> AcceptAsync(string provider, string eventKey, string eventType, string payload, CancellationToken ct)
    {
        await using var conn = await TenantSession.OpenConnectionAsync(dataSource, tenant, ct);
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO events (id, client_id, provider, provider_event_key, event_type, payload, status, attempts, received_at)
            VALUES ($1, $2, $3, $4, $5, $6, 'received', 0, $7)
            ON CONFLICT (provider, provider_event_key) DO NOTHING
            """, conn);
        var id = Guid.CreateVersion7();
        cmd.Parameters.Add(new NpgsqlParameter { Value = id });
        // in the agency scope (an event no client could be found for) the row has no client
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)tenant.ClientId ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Uuid });
        cmd.Parameters.Add(new NpgsqlParameter { Value = provider });
        cmd.Parameters.Add(new NpgsqlParameter { Value = eventKey });
        cmd.Parameters.Add(new NpgsqlParameter { Value = eventType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = payload });
        cmd.Parameters.Add(new NpgsqlParameter { Value = clock.GetUtcNow() });
        return await cmd.ExecuteNonQueryAsync(ct) == 1 ? id : null;
    }
}
