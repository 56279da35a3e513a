using System.Text.Json;
using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace Callvia.Core.Webhooks;

/// <summary>
/// Applies one stored event inside its tenant's scope: the event row is locked, its effects and its
/// 'processed' mark are committed together, so a retry after a crash redoes the whole of it or nothing,
/// and an event already processed (or failed for good) is skipped.
/// <para>
/// Every event ends <c>processed</c> or <c>failed</c>, never stuck: an event that throws is rolled back and its attempt
/// recorded with the error in a transaction of its own; a <see cref="PoisonEventException"/> (it can never apply) fails
/// it at once, any other error after <see cref="MaxAttempts"/> attempts. Failed events are counted
/// (<see cref="WebhookMetrics"/>), listed for the agency and can be replayed (<see cref="WebhookEventAdmin"/>).
/// </para>
/// </summary>
public sealed class WebhookEventProcessor(CallviaDbContext db, IServiceProvider services, Tenancy.KpiNotifier kpis, WebhookMetrics metrics, TimeProvider clock, ILogger<WebhookEventProcessor> logger)
{
    /// <summary>Attempts before an event that keeps failing is marked failed (its job and the sweep stop retrying it).</summary>
    public const int MaxAttempts = 5;

    /// <summary>Returns false when there was nothing to do (unknown, processed or failed already, or failed now for good).</summary>
    public async Task<bool> ProcessAsync(Guid eventId, CancellationToken ct)
    {
        Guid? clientId;
        string provider, eventType;
        try
        {
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var ev = await db.Events.FromSql($"SELECT * FROM events WHERE id = {eventId} FOR UPDATE").SingleOrDefaultAsync(ct);
            if (ev is null || ev.Status is EventStatus.Processed or EventStatus.Ignored or EventStatus.Failed)
                return false;
            (clientId, provider, eventType) = (ev.ClientId, ev.Provider, ev.EventType);
            // the trace of the request that delivered it goes on here: request → inbox → job → effect
            using var activity = CallviaTelemetry.StartContinuing($"webhook.process {ev.Provider} {ev.EventType}", ev.TraceParent);
            activity?.SetTag("callvia.event.id", ev.Id).SetTag("callvia.event.provider", ev.Provider).SetTag("callvia.client.id", ev.ClientId);
            if (!await ApplyAsync(ev, ct))
                return false;
            ev.Status = EventStatus.Processed;
            ev.Attempts++;
            ev.ProcessedAt = clock.GetUtcNow();
            ev.Error = null;
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            // the transaction is rolled back: nothing of the event's effects stays
            db.ChangeTracker.Clear();
            var poison = e is PoisonEventException;
            var reason = poison ? e.Message : $"{e.GetType().Name}: {Innermost(e).Message}";
            if (await RecordFailureAsync(eventId, reason, poison) is { } failedProvider)
            {
                metrics.Failed(failedProvider);
                logger.LogWarning(e, "Webhook event {EventId} failed for good: {Reason}", eventId, reason);
                return false;
            }
            throw; // retried (Hangfire, then the sweep), up to MaxAttempts in all
        }
        if (clientId is { } tenant)
            await kpis.PublishAsync(tenant, $"{provider}:{eventType}");
        return true;
    }

    private async Task<bool> ApplyAsync(WebhookEvent ev, CancellationToken ct)
    {
        if (WebhookProviders.Find(ev.Provider) is not { } provider)
        {
            // no provider of ours stores such events; left as they are, not marked
            logger.LogDebug("No processor for {Provider} events", ev.Provider);
            return false;
        }
        using var payload = ParsePayload(ev.Payload);
        await provider.ApplyAsync(ev, payload.RootElement, services, ct);
        return true;
    }

    private static JsonDocument ParsePayload(string payload)
    {
        try
        {
            return JsonDocument.Parse(payload);
        }
        catch (JsonException e)
        {
            throw new PoisonEventException("The stored payload is not JSON: " + e.Message);
        }
    }

    /// <summary>Counts the attempt and keeps the error; the event's provider when it is now failed for good, else null.</summary>
    private async Task<string?> RecordFailureAsync(Guid eventId, string reason, bool poison)
    {
        var error = reason.Length > 2000 ? reason[..2000] : reason;
        var rows = await db.Database.SqlQuery<string>($"""
            UPDATE events SET attempts = attempts + 1, error = {error},
              status = CASE WHEN {poison} OR attempts + 1 >= {MaxAttempts} THEN 'failed' ELSE status END
            WHERE id = {eventId} AND status NOT IN ('processed', 'ignored', 'failed')
            RETURNING CASE WHEN status = 'failed' THEN provider END AS "Value"
            """).ToListAsync(CancellationToken.None);
        return rows is [{ } provider] ? provider : null;
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
