using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Jobs.Webhooks;

/// <summary>
/// The safety net: every minute, events still 'received' a while after they came (their job was lost,
/// or the process died in the middle) are enqueued again, each with its tenant. Processing is idempotent,
/// so a second job for an event does nothing. Reads ids only, through <c>app_pending_events</c>.
/// </summary>
public sealed class WebhookEventSweep(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, WebhookEventAdmin admin, WebhookMetrics metrics)
{
    public const string RecurringId = "webhook-event-sweep";

    [DisableConcurrentExecution(60)]
    public async Task<int> RunAsync(TimeSpan olderThan, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id, client_id FROM app_pending_events($1, $2, 1000)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = olderThan });
        cmd.Parameters.Add(new NpgsqlParameter { Value = WebhookProviders.Handled });
        var pending = new List<(Guid, Guid)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                pending.Add((reader.GetGuid(0), reader.GetGuid(1)));
        ProcessWebhookEventJob.Enqueue(jobs, pending);
        var (failed, stuck) = await admin.CountUnresolvedAsync(ct);
        metrics.SetUnresolved(failed, stuck);
        return pending.Count;
    }
}
