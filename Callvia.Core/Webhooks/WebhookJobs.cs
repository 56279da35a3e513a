using Callvia.Core.Tenancy;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Core.Webhooks;

/// <summary>
/// Processes a batch of one tenant's stored events (the job carries the tenant), each in its own DI scope
/// and transaction, so one event's failure leaves the others applied. If any failed, the job fails and
/// Hangfire retries it; the retry skips what was processed already.
/// </summary>
public sealed class ProcessWebhookEventJob(IServiceScopeFactory scopes, TenantContext jobTenant, ILogger<ProcessWebhookEventJob> logger)
{
    /// <summary>The most events one job carries.</summary>
    public const int BatchSize = 100;

    [AutomaticRetry(Attempts = WebhookEventProcessor.MaxAttempts)]
    public async Task RunAsync(Guid[] eventIds, CancellationToken ct)
    {
        var tenant = jobTenant.Tenant ?? throw new InvalidOperationException("Webhook events are processed in their tenant.");
        List<Exception>? failures = null;
        foreach (var eventId in eventIds)
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().SetTenant(tenant);
            try
            {
                await scope.ServiceProvider.GetRequiredService<WebhookEventProcessor>().ProcessAsync(eventId, ct);
            }
            catch (Exception e) when (!ct.IsCancellationRequested)
            {
                logger.LogWarning(e, "Processing webhook event {EventId} failed; the job will be retried", eventId);
                (failures ??= []).Add(e);
            }
        }
        if (failures is not null)
            throw new AggregateException($"{failures.Count} of {eventIds.Length} webhook events failed.", failures);
    }

    /// <summary>Enqueues the processing of events of <paramref name="clientId"/>, in batches.</summary>
    public static void Enqueue(IBackgroundJobClient jobs, IEnumerable<Guid> eventIds, Guid clientId)
    {
        using (AmbientTenant.Use(clientId))
            foreach (var chunk in eventIds.Chunk(BatchSize))
                jobs.Enqueue<ProcessWebhookEventJob>(j => j.RunAsync(chunk, CancellationToken.None));
    }

    /// <summary>Enqueues claimed (event, client) pairs grouped by client.</summary>
    public static void Enqueue(IBackgroundJobClient jobs, IEnumerable<(Guid EventId, Guid ClientId)> events)
    {
        foreach (var group in events.GroupBy(e => e.ClientId))
            Enqueue(jobs, group.Select(e => e.EventId), group.Key);
    }
}

/// <summary>
/// The safety net: every minute, events still 'received' a while after they came (their job was lost,
/// or the process died in the middle) are enqueued again, each with its tenant. Processing is idempotent,
/// so a second job for an event does nothing. Reads ids only, through <c>app_pending_events</c>.
/// </summary>
public sealed class WebhookEventSweep(NpgsqlDataSource dataSource, IBackgroundJobClient jobs, WebhookEventAdmin admin, WebhookMetrics metrics)
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
        ProcessWebhookEventJob.Enqueue(jobs, pending);
        var (failed, stuck) = await admin.CountUnresolvedAsync(ct);
        metrics.SetUnresolved(failed, stuck);
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
                ProcessWebhookEventJob.Enqueue(jobs, batch);
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
