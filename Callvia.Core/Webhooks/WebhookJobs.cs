using Callvia.Core.Tenancy;
using Hangfire;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Core.Webhooks;

/// <summary>Processes one stored event; runs in the event's tenant (the job carries it). Hangfire retries failures.</summary>
public sealed class ProcessWebhookEventJob(WebhookEventProcessor processor)
{
    [AutomaticRetry(Attempts = 10)]
    public Task RunAsync(Guid eventId, CancellationToken ct) => processor.ProcessAsync(eventId, ct);

    /// <summary>Enqueues the processing of an event of <paramref name="clientId"/>.</summary>
    public static string Enqueue(IBackgroundJobClient jobs, Guid eventId, Guid clientId)
    {
        using (AmbientTenant.Use(clientId))
            return jobs.Enqueue<ProcessWebhookEventJob>(j => j.RunAsync(eventId, CancellationToken.None));
    }
}

/// <summary>
/// The safety net: every minute, events still 'received' a while after they came (their job was lost,
/// or the process died in the middle) are enqueued again, each with its tenant. Processing is idempotent,
/// so a second job for an event does nothing. Reads ids only, through <c>app_pending_events</c>.
/// </summary>
public sealed class WebhookEventSweep(NpgsqlDataSource dataSource, IBackgroundJobClient jobs)
{
    public const string RecurringId = "webhook-event-sweep";
    public static readonly string[] HandledProviders = ["retell", "calcom", "stripe", "messagebird"];

    [DisableConcurrentExecution(60)]
    public async Task<int> RunAsync(TimeSpan olderThan, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT id, client_id FROM app_pending_events($1, $2, 1000)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = olderThan });
        cmd.Parameters.Add(new NpgsqlParameter { Value = HandledProviders });
        var pending = new List<(Guid, Guid)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
            while (await reader.ReadAsync(ct))
                pending.Add((reader.GetGuid(0), reader.GetGuid(1)));
        foreach (var (eventId, clientId) in pending)
            ProcessWebhookEventJob.Enqueue(jobs, eventId, clientId);
        return pending.Count;
    }
}

/// <summary>
/// Claims new webhook events as they arrive (polling every 250 ms) and enqueues their processing, each with
/// its tenant. The API only stores events, so a burst of webhooks costs it one insert each.
/// </summary>
public sealed class WebhookEventDispatcher(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, TimeProvider clock,
    Microsoft.Extensions.Logging.ILogger<WebhookEventDispatcher> logger) : Microsoft.Extensions.Hosting.BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var claimed = 0;
            try
            {
                await using var cmd = dataSource.CreateCommand("SELECT id, client_id FROM app_claim_events($1, 500)");
                cmd.Parameters.Add(new NpgsqlParameter { Value = WebhookEventSweep.HandledProviders });
                var batch = new List<(Guid, Guid)>();
                await using (var reader = await cmd.ExecuteReaderAsync(stoppingToken))
                    while (await reader.ReadAsync(stoppingToken))
                        batch.Add((reader.GetGuid(0), reader.GetGuid(1)));
                foreach (var (eventId, clientId) in batch)
                    ProcessWebhookEventJob.Enqueue(jobs, eventId, clientId);
                claimed = batch.Count;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                // claimed but not enqueued events are found again by the sweep
                logger.LogWarning(e, "Dispatching webhook events failed; retrying");
            }
            if (claimed == 0)
            {
                try { await Task.Delay(TimeSpan.FromMilliseconds(250), clock, stoppingToken); }
                catch (OperationCanceledException) { }
            }
        }
    }
}
