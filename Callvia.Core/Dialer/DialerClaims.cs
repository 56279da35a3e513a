using Callvia.Core.Appointments;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Callvia.Core.Dialer;

/// <summary>A call the dialer has claimed a slot for: its attempt, and what Retell is sent.</summary>
public sealed record PlannedCall(Guid AttemptId, Guid LeadId, PhoneCallRequest Request);

/// <summary>
/// Claims call slots for one client (the scope's tenant) and the due leads to fill them, in one short transaction under
/// the client's advisory lock, so that across any number of jobs-service instances the campaign's and the client's
/// concurrent-call limits hold: the slots in use are the attempts holding a lease (<see cref="DialAttempt.Active"/>), and
/// a new attempt is written in the same transaction that counted them. Each due lead gets <see cref="DialerRules"/>'s
/// decision: called now (an attempt, the lead's attempts counted), looked at again later (its window's opening, its
/// next attempt), or left with the reason. Only active campaigns of an active client, its switch off and no backoff.
/// </summary>
public sealed class DialerClaims(CallviaDbContext db, TimeProvider clock, IOptions<DialerOptions> options, IOptions<RetellOptions> retell)
{
    /// <summary>
    /// The statement that picks a campaign's next due leads ({0} campaign, {1} now, {2} batch size; index
    /// <c>ix_leads_dial_due</c>), locking them so that another instance's claim skips them. bench/dialer.sh times this text.
    /// </summary>
    public const string NextDueSql = "SELECT * FROM leads WHERE campaign_id = {0} AND dial_at <= {1} ORDER BY dial_at LIMIT {2} FOR UPDATE SKIP LOCKED";

    /// <summary>
    /// The call slots a client's campaigns hold ({0} client, {1} now): attempts holding a lease (<see cref="DialAttempt.Active"/>)
    /// whose end Retell has not reported. A slot is free as soon as the call's <c>call_ended</c> (or <c>call_analyzed</c>) is
    /// stored (the events' keys, <c>RetellWebhook</c>), before it is applied: Retell's concurrency counts the
    /// call as over then, and the event's processing (batched per client) never holds up the next call. bench/dialer.sh
    /// samples the slots with this text.
    /// </summary>
    public static readonly string SlotsHeldSql = $$"""
        SELECT a.campaign_id, count(*)::int AS count FROM dial_attempts a
        WHERE a.client_id = {0} AND a.{{DialAttempt.ActiveFilter}} AND a.lease_until > {1}
          AND NOT (a.provider_call_id IS NOT NULL AND EXISTS (
              SELECT 1 FROM events e WHERE e.provider = 'retell' AND e.client_id = a.client_id
                AND e.provider_event_key IN (a.provider_call_id || ':call_ended', a.provider_call_id || ':call_analyzed')))
        GROUP BY a.campaign_id
        """;

    /// <summary>The slots each campaign of the client holds now (<see cref="SlotsHeldSql"/>); a campaign holding none is absent.</summary>
    public static Task<Dictionary<Guid, int>> SlotsHeldAsync(CallviaDbContext db, Guid clientId, DateTimeOffset now, CancellationToken ct) =>
#pragma warning disable EF1002 // SlotsHeldSql is our constant; the values are parameters
        db.Database.SqlQueryRaw<CampaignSlots>(SlotsHeldSql, clientId, now).ToDictionaryAsync(g => g.CampaignId, g => g.Count, ct);
#pragma warning restore EF1002

    private sealed class CampaignSlots
    {
        public Guid CampaignId { get; init; }
        public int Count { get; init; }
    }

    /// <summary>Batches read per campaign in one claim, so that a claim stays short while a fresh import is sorted out.</summary>
    private const int MaxBatches = 10;

    public async Task<IReadOnlyList<PlannedCall>> ClaimAsync(CancellationToken ct)
    {
        var clientId = db.Tenant.ClientId ?? throw new InvalidOperationException("A claim runs inside a tenant.");
        var o = options.Value;
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended('dialer:' || {clientId.ToString()}, 0))", ct);

        var client = await db.Clients.SingleAsync(ct);
        if (client.Status != ClientStatus.Active || client.DialerStoppedAt is not null || client.DialerBackoffUntil > now) return [];
        // the platform-wide switch, decided here too: a claim for a woken client does not go through the tick's look-up
        if (await db.Database.SqlQuery<bool>($"SELECT app_dialer_platform_stopped() AS \"Value\"").SingleAsync(ct)) return [];
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Status == CampaignStatus.Active && c.FromNumber != null).ToListAsync(ct);
        var inUse = await SlotsHeldAsync(db, clientId, now, ct);
        var clientFree = client.MaxConcurrentCalls - inUse.Values.Sum();

        var planned = new List<PlannedCall>();
        foreach (var campaign in campaigns.OrderBy(c => inUse.GetValueOrDefault(c.Id)))
        {
            var free = Math.Min(campaign.MaxConcurrentCalls - inUse.GetValueOrDefault(campaign.Id), clientFree);
            for (var batch = 0; free > 0 && batch < MaxBatches; batch++)
            {
                var leads = await db.Leads.FromSqlRaw(NextDueSql, campaign.Id, now, o.BatchSize).ToListAsync(ct);
                if (leads.Count == 0) break;
                var phones = leads.Select(l => l.PhoneE164).Distinct().ToArray();
                var suppressed = (await db.Suppressions.Where(s => phones.Contains(s.PhoneE164)).Select(s => s.PhoneE164).ToListAsync(ct)).ToHashSet();
                var limited = leads.Where(DialerRules.NeedsRecentCalls).Select(l => l.PhoneE164).Distinct().ToArray();
                var since = now.AddHours(-24);
                var recent = limited.Length == 0 ? [] : await db.DialAttempts
                    .Where(a => limited.Contains(a.PhoneE164) && a.CreatedAt > since && a.State != DialState.NotPlaced)
                    .Select(a => new { a.PhoneE164, a.CreatedAt }).ToListAsync(ct);
                var calls = recent.GroupBy(r => r.PhoneE164).ToDictionary(g => g.Key, g => g.Select(r => r.CreatedAt).ToList());

                foreach (var lead in leads)
                {
                    if (free == 0) break; // the rest stay due for the next claim
                    var decision = DialerRules.Decide(lead, campaign, suppressed.Contains(lead.PhoneE164), calls.GetValueOrDefault(lead.PhoneE164) ?? [], now);
                    switch (decision.Verdict)
                    {
                        case LeadDialVerdict.Dial:
                            var attempt = new DialAttempt
                            {
                                CampaignId = campaign.Id, LeadId = lead.Id, Number = lead.Attempts + 1, PhoneE164 = lead.PhoneE164,
                                LeaseUntil = now + o.ReconcileWindow, CreatedAt = now, Simulated = retell.Value.Simulated,
                            };
                            db.DialAttempts.Add(attempt);
                            lead.Attempts++;
                            (lead.LastAttemptAt, lead.NextAttemptAt, lead.DialAt, lead.DialerNote) = (now, null, null, decision.Note);
                            if (calls.TryGetValue(lead.PhoneE164, out var list)) list.Add(now); else calls[lead.PhoneE164] = [now];
                            planned.Add(new PlannedCall(attempt.Id, lead.Id, Request(client, campaign, lead, attempt)));
                            free--;
                            clientFree--;
                            break;
                        case LeadDialVerdict.Wait:
                            (lead.DialAt, lead.DialerNote) = (decision.At, decision.Note);
                            break;
                        default:
                            (lead.DialAt, lead.DialerNote) = (null, decision.Note);
                            break;
                    }
                }
                await db.SaveChangesAsync(ct);
                if (leads.Count < o.BatchSize) break;
            }
            if (clientFree <= 0) break;
        }
        await tx.CommitAsync(ct);
        return planned;
    }

    /// <summary>
    /// What Retell is sent (contracts/retell.md): the campaign's from-number and agent, our ids (and the client's slug, its webhooks' host) as metadata, and the agent's
    /// variables as strings — the lead's custom fields, then its first and last name, the client's name and the booking
    /// link naming the lead (these last win over a custom field of the same name).
    /// </summary>
    public static PhoneCallRequest Request(Client client, Campaign campaign, Lead lead, DialAttempt attempt)
    {
        var metadata = new Dictionary<string, string>
        {
            ["client_id"] = client.Id.ToString(), ["client_slug"] = client.Slug, ["campaign_id"] = campaign.Id.ToString(), ["lead_id"] = lead.Id.ToString(),
            ["attempt_id"] = attempt.Id.ToString(), ["attempt"] = attempt.Number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var variables = new Dictionary<string, string>(lead.CustomFields, StringComparer.Ordinal)
        {
            ["first_name"] = lead.FirstName ?? "",
            ["last_name"] = lead.LastName ?? "",
            ["client_name"] = client.Name,
        };
        if (BookingLinks.For(client.BookingUrl, client.Id, lead) is { } link) variables["booking_link"] = link;
        return new PhoneCallRequest(campaign.FromNumber!, lead.PhoneE164, campaign.RetellAgentId, metadata, variables);
    }
}
