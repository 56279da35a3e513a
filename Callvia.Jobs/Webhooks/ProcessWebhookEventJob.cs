using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Callvia.Jobs.Webhooks;

/// <summary>
/// Processes a batch of one tenant's stored events (the job carries the tenant) in one transaction
/// (<see cref="WebhookEventProcessor.ProcessBatchAsync"/>); one event's failure leaves the others applied. If any
/// failed, the job fails and Hangfire retries it; the retry skips what was processed already.
/// </summary>
public sealed class ProcessWebhookEventJob(IServiceScopeFactory scopes, TenantContext jobTenant, ILogger<ProcessWebhookEventJob> logger)
{
    /// <summary>The most events one job carries.</summary>
    public const int BatchSize = 500;

    [AutomaticRetry(Attempts = WebhookEventProcessor.MaxAttempts)]
    public async Task RunAsync(Guid[] eventIds, CancellationToken ct)
    {
        var tenant = jobTenant.Tenant ?? throw new InvalidOperationException("Webhook events are processed in their tenant.");
        await using var scope = scopes.CreateTenantScope(tenant);
        var failures = await scope.ServiceProvider.GetRequiredService<WebhookEventProcessor>().ProcessBatchAsync(eventIds, ct);
        foreach (var e in failures)
            logger.LogWarning(e, "Processing a webhook event failed; the job will be retried");
        if (failures.Count > 0)
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
