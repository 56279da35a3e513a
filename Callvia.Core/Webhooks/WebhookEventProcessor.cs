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
public sealed class WebhookEventProcessor(CallviaDbContext db, IServiceProvider services, Tenancy.TenantContext tenant, Tenancy.KpiNotifier kpis, WebhookMetrics metrics, BatchLookups lookups, TimeProvider clock, ILogger<WebhookEventProcessor> logger)
{
    /// <summary>Attempts before an event that keeps failing is marked failed (its job and the sweep stop retrying it).</summary>
    public const int MaxAttempts = 5;

    /// <summary>The most events one batch applies (its own and the client's others waiting, <see cref="ProcessBatchAsync"/>).</summary>
    public const int MaxBatch = 1000;

    /// <summary>The key space of the per-client advisory lock that serializes a client's batches (any 32-bit constant of ours).</summary>
    private const int BatchLockSpace = 0x0CA11E5;

    /// <summary>
    /// Applies several of the current tenant's events in one transaction: each event's effects are saved with its
    /// <c>processed</c> mark (all of the batch's with one statement per table), and all commit together, so a crash leaves all of them to do again or none. This is what keeps
    /// processing up with the ingest: one commit (one WAL flush) and one hold of the tenant's hot KPI rollup rows per batch
    /// instead of per event. A client's batches run one at a time, also across jobs-service instances (a transaction-scoped
    /// advisory lock): two of them would take the same rollup rows and leads in different orders and deadlock. An event
    /// another worker holds is skipped (that worker applies it). If anything in the batch fails, the batch is rolled back
    /// and its events are applied one by one (<see cref="ProcessAsync"/>), so a bad event fails alone and the others apply.
    /// </summary>
    /// <returns>The errors of events that failed and will be retried (none when all applied or failed for good).</returns>
    public async Task<List<Exception>> ProcessBatchAsync(IReadOnlyCollection<Guid> eventIds, CancellationToken ct)
    {
        var errors = new List<Exception>();
        if (eventIds.Count == 0) return errors;
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("Webhook events are processed in their tenant.");
        var reasons = new HashSet<string>();
        IReadOnlyCollection<Guid> taken = eventIds;
        try
        {
            // the whole batch is rolled back on any failure: EF's savepoint per SaveChanges would only cost round trips
            // (and subtransactions) here
            db.Database.AutoSavepointsEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock({BatchLockSpace}, hashtext({clientId.ToString()}))", ct);
            var ids = eventIds.ToArray();
            // the batch's events, and with them the client's others already dispatched to a job still queued behind this
            // lock: under load a batch grows to what piled up while the previous one ran, so the per-batch costs (the
            // commit, the rollups) are shared by more events and processing catches up; the jobs behind find theirs done
            // (app_event_batch, Data/Sql/04_webhook_events.sql)
            var handled = WebhookProviders.Handled;
            var events = await db.Events.FromSql($"SELECT * FROM app_event_batch({ids}, {clientId}, {handled}, {MaxBatch})")
                .AsNoTracking().ToListAsync(ct);
            taken = events.Select(e => e.Id).Union(ids).ToList();
            var now = clock.GetUtcNow();
            // the batch's changes are saved together at its end, one statement per table (SaveChangesInBulkAsync), so the
            // rollup triggers run once per table and batch instead of once per event (measured: 200 one-row updates of
            // call_logs 258 ms, one 200-row update 15 ms); changes are detected once, when saving
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            // the batch's lookups and its save are in the trace of its events (one trace: a child of it; several: linked)
            using var batchActivity = CallviaTelemetry.StartForMany("webhook.process batch", events.Select(e => e.TraceParent))
                ?.SetTag("callvia.client.id", clientId).SetTag("callvia.batch.events", events.Count);
            var oneTrace = batchActivity?.Links.Any() != true; // not linked to several traces
            var payloads = events.ToDictionary(e => e.Id, e => TryParse(e.Payload));
            try
            {
                // what the events will look up, loaded for all of them at once (a payload that is not JSON fails below)
                foreach (var group in events.GroupBy(e => e.Provider))
                    if (WebhookProviders.Find(group.Key) is { } provider)
                        await provider.PrefetchAsync(group.Select(e => payloads[e.Id]).OfType<JsonDocument>().Select(d => d.RootElement).ToList(), services, ct);
                foreach (var ev in events)
                {
                    // an event's own span: under the batch's when that is its trace, else continuing its own trace
                    using var activity = StartActivity(ev, underBatch: oneTrace);
                    db.Events.Attach(ev);
                    // a provider whose rules read only the database sees the batch's earlier changes saved, and its own saved
                    var saving = WebhookProviders.Find(ev.Provider) is not { AppliesWithoutSaving: true };
                    if (saving) await db.SaveChangesInBulkAsync(ct);
                    if (await ApplyAsync(ev, payloads[ev.Id], ct))
                    {
                        MarkProcessed(ev, now);
                        reasons.Add($"{ev.Provider}:{ev.EventType}");
                    }
                    if (saving) await db.SaveChangesInBulkAsync(ct);
                }
            }
            finally
            {
                foreach (var document in payloads.Values) document?.Dispose();
            }
            await db.SaveChangesInBulkAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            db.ChangeTracker.Clear();
            db.ChangeTracker.AutoDetectChangesEnabled = true;
            db.Database.AutoSavepointsEnabled = true;
            lookups.Clear();
            reasons.Clear();
            metrics.Split();
            logger.LogInformation(e, "A batch of {Count} webhook events failed; applying them one by one", taken.Count);
            foreach (var id in taken)
            {
                try { await ProcessAsync(id, ct); }
                // another job's event that failed is retried by that job
                catch (Exception one) when (!ct.IsCancellationRequested) { if (eventIds.Contains(id)) errors.Add(one); }
            }
            return errors;
        }
        finally
        {
            db.Database.AutoSavepointsEnabled = true;
            db.ChangeTracker.AutoDetectChangesEnabled = true;
            db.ChangeTracker.Clear();
            lookups.Clear();
        }
        foreach (var reason in reasons)
            await kpis.PublishAsync(clientId, reason);
        return errors;
    }

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
            using var activity = StartActivity(ev);
            if (!await ApplyAsync(ev, ct))
                return false;
            MarkProcessed(ev, clock.GetUtcNow());
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

    /// <summary>
    /// The trace of the request that delivered the event goes on here: request → inbox → job → effect. Under a batch
    /// that continues the event's trace already, the event's span is the batch's child instead.
    /// </summary>
    private static System.Diagnostics.Activity? StartActivity(WebhookEvent ev, bool underBatch = false)
    {
        var name = $"webhook.process {ev.Provider} {ev.EventType}";
        var activity = underBatch
            ? CallviaTelemetry.Source.StartActivity(name, System.Diagnostics.ActivityKind.Internal)
            : CallviaTelemetry.StartContinuing(name, ev.TraceParent);
        return activity?.SetTag("callvia.event.id", ev.Id).SetTag("callvia.event.provider", ev.Provider).SetTag("callvia.client.id", ev.ClientId);
    }

    private static void MarkProcessed(WebhookEvent ev, DateTimeOffset now)
    {
        ev.Status = EventStatus.Processed;
        ev.Attempts++;
        ev.ProcessedAt = now;
        ev.Error = null;
    }

    private async Task<bool> ApplyAsync(WebhookEvent ev, CancellationToken ct)
    {
        using var payload = TryParse(ev.Payload);
        return await ApplyAsync(ev, payload, ct);
    }

    private async Task<bool> ApplyAsync(WebhookEvent ev, JsonDocument? payload, CancellationToken ct)
    {
        if (WebhookProviders.Find(ev.Provider) is not { } provider)
        {
            // no provider of ours stores such events; left as they are, not marked
            logger.LogDebug("No processor for {Provider} events", ev.Provider);
            return false;
        }
        if (payload is null)
            throw new PoisonEventException("The stored payload is not JSON: " + ParseError(ev.Payload));
        await provider.ApplyAsync(ev, payload.RootElement, services, ct);
        return true;
    }

    private static JsonDocument? TryParse(string payload)
    {
        try { return JsonDocument.Parse(payload); }
        catch (JsonException) { return null; }
    }

    private static string ParseError(string payload)
    {
        try { using var _ = JsonDocument.Parse(payload); return "unreadable"; }
        catch (JsonException e) { return e.Message; }
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
