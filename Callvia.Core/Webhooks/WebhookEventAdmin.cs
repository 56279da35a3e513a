using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Callvia.Core.Webhooks;

/// <summary>An event as the agency sees it when something went wrong.</summary>
public sealed record WebhookEventView(Guid Id, Guid? ClientId, string Provider, string EventType, string ProviderEventKey,
    EventStatus Status, int Attempts, string? Error, DateTimeOffset ReceivedAt, DateTimeOffset? ProcessedAt);

/// <summary>
/// The agency's view of the webhook inbox across clients (through <see cref="AgencyAccess"/>, audited): events that
/// failed or are stuck, and their replay after a fix. A replayed event is <c>received</c> again with its attempts reset,
/// so the dispatcher picks it up and applies it like a new one (processing is idempotent).
/// </summary>
public sealed class WebhookEventAdmin(AgencyAccess agency, NpgsqlDataSource dataSource, TimeProvider clock)
{
    /// <summary>Unprocessed this long after it came, an event counts as stuck.</summary>
    public static readonly TimeSpan StuckAfter = TimeSpan.FromMinutes(5);

    /// <summary>Failed events, or (<paramref name="stuck"/>) events still received/processing after <see cref="StuckAfter"/>; newest first.</summary>
    public Task<List<WebhookEventView>> ListAsync(bool stuck, string? provider, int take, DateTimeOffset? before, CancellationToken ct) =>
        agency.RunAsync(stuck ? "webhooks.list_stuck" : "webhooks.list_failed", async (db, _) =>
        {
            var events = db.Events.AsNoTracking();
            if (stuck)
            {
                var cutoff = clock.GetUtcNow() - StuckAfter;
                events = events.Where(e => (e.Status == EventStatus.Received || e.Status == EventStatus.Processing) && e.ReceivedAt < cutoff);
            }
            else events = events.Where(e => e.Status == EventStatus.Failed);
            if (provider is not null) events = events.Where(e => e.Provider == provider);
            if (before is { } b) events = events.Where(e => e.ReceivedAt < b);
            return await events.OrderByDescending(e => e.ReceivedAt).Take(take)
                .Select(e => new WebhookEventView(e.Id, e.ClientId, e.Provider, e.EventType, e.ProviderEventKey, e.Status, e.Attempts, e.Error, e.ReceivedAt, e.ProcessedAt))
                .ToListAsync(ct);
        }, detail: provider, ct: ct);

    /// <summary>Replays failed (or stuck) events; returns the ids that were put back. Processed events are left alone.</summary>
    public Task<List<Guid>> ReplayAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct) =>
        agency.RunAsync("webhooks.replay", async (db, _) =>
        {
            var list = ids.ToList();
            var replayable = await db.Events.Where(e => list.Contains(e.Id) && e.ClientId != null
                    && (e.Status == EventStatus.Failed || e.Status == EventStatus.Processing || e.Status == EventStatus.Received))
                .Select(e => e.Id).ToListAsync(ct);
            await db.Events.Where(e => replayable.Contains(e.Id)).ExecuteUpdateAsync(s => s
                .SetProperty(e => e.Status, EventStatus.Received).SetProperty(e => e.Attempts, 0).SetProperty(e => e.ProcessedAt, (DateTimeOffset?)null), ct);
            return replayable;
        }, detail: $"{ids.Count} events", ct: ct);

    /// <summary>How many events are failed (not replayed) and how many stuck, across clients (a narrow function: no audit row per minute).</summary>
    public async Task<(long Failed, long Stuck)> CountUnresolvedAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT failed, stuck FROM app_event_health($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = StuckAfter });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
