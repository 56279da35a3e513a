using Callvia.Core.Data;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Callvia.Core.Dialer;

/// <summary>
/// What the dialer records after Retell answered a create-phone-call (or did not), and the reclaiming of slots whose
/// lease passed; for one client (the scope's tenant). An attempt only moves forward: a webhook that already linked it
/// (the call started before the answer was recorded) is never undone.
/// </summary>
public sealed class DialerResults(CallviaDbContext db, TimeProvider clock, IOptions<DialerOptions> options)
{
    public async Task RecordAsync(PlannedCall call, PlaceCallResult result, CancellationToken ct)
    {
        var o = options.Value;
        var now = clock.GetUtcNow();
        // the common answers touch the attempt alone, in one statement; one a webhook already moved on is left as it is
        if (result.Outcome == PlaceCallOutcome.Placed)
        {
            await db.DialAttempts.Where(a => a.Id == call.AttemptId && (a.State == DialState.Dialing || a.State == DialState.Unconfirmed))
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.State, DialState.Placed).SetProperty(a => a.ProviderCallId, result.CallId)
                    .SetProperty(a => a.PlacedAt, now).SetProperty(a => a.LeaseUntil, now + o.CallLease).SetProperty(a => a.UpdatedAt, now), ct);
            return;
        }
        if (result.Outcome == PlaceCallOutcome.AnswerLost)
        {
            await db.DialAttempts.Where(a => a.Id == call.AttemptId && a.State == DialState.Dialing)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.State, DialState.Unconfirmed).SetProperty(a => a.Error, Clip(result.Error))
                    .SetProperty(a => a.UpdatedAt, now), ct);
            return;
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var attempt = await db.DialAttempts.FromSql($"SELECT * FROM dial_attempts WHERE id = {call.AttemptId} FOR UPDATE").SingleAsync(ct);
        var lead = await db.Leads.FromSql($"SELECT * FROM leads WHERE id = {call.LeadId} FOR UPDATE").SingleAsync(ct);
        // a webhook names only a placed call, so a not-placed answer finds its attempt still dialing
        if (attempt.State != DialState.Dialing) return;
        (attempt.State, attempt.Error, attempt.Outcome) = (DialState.NotPlaced, Clip(result.Error), NotPlacedOutcome(result.Outcome));
        // no call was placed: it does not count, and the lead waits for its backoff (a refusal sets it aside)
        if (lead.Attempts == attempt.Number) lead.Attempts--;
        if (result.Outcome == PlaceCallOutcome.Rejected)
        {
            (lead.DialAt, lead.DialerNote) = (null, Clip($"Retell refused the call: {result.Error}", 300));
        }
        else
        {
            var limited = result.Outcome == PlaceCallOutcome.RateLimited;
            var wait = limited ? result.RetryAfter ?? RetellClient.DefaultBackoff : await BackoffAsync(lead.Id, o, now, ct);
            (lead.NextAttemptAt, lead.DialAt) = (now + wait, now + wait);
            lead.DialerNote = limited ? "Retell's call limit was reached: tried again shortly." : "Retell could not take the call: tried again shortly.";
            if (limited)
            {
                var client = await db.Clients.SingleAsync(ct);
                if (!(client.DialerBackoffUntil > now + wait)) client.DialerBackoffUntil = now + wait;
            }
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>
    /// Slots whose lease passed: an attempt never answered or never confirmed by a webhook, or a call whose end was
    /// never reported. Whether a call happened is unknown, so the attempt counts, is marked lost, and the lead goes on by
    /// the ladder (never at once: it may just have been called). Returns how many were reclaimed.
    /// </summary>
    public async Task<int> ReclaimAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
#pragma warning disable EF1003 // ActiveFilter is built from the enum's names, not from input
        var expired = await db.DialAttempts.FromSqlRaw(
            "SELECT * FROM dial_attempts WHERE " + DialAttempt.ActiveFilter + " AND lease_until <= {0} ORDER BY lease_until LIMIT 500 FOR UPDATE SKIP LOCKED",
            now).ToListAsync(ct);
#pragma warning restore EF1003
        if (expired.Count == 0) return 0;
        var leadIds = expired.Select(a => a.LeadId).ToArray();
        var leads = await db.Leads.Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var campaignIds = expired.Select(a => a.CampaignId).Distinct().ToArray();
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => campaignIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        foreach (var attempt in expired)
        {
            attempt.Error = attempt.State == DialState.Placed
                ? "The call's end was never reported: its slot was reclaimed."
                : "Neither Retell's answer nor a webhook of the call came: whether it was placed is unknown, and it counts as an attempt.";
            attempt.State = DialState.Lost;
            if (leads.GetValueOrDefault(attempt.LeadId) is { } lead && lead.Attempts == attempt.Number && lead.DialAt is null
                && lead.Status is not (LeadStatus.Booked or LeadStatus.Dnc))
                DialerRules.AfterCall(lead, campaigns[attempt.CampaignId], null, now, null);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return expired.Count;
    }

    /// <summary>The wait after Retell failed or was not reached: doubled for each such failure of the lead in the last hour.</summary>
    private async Task<TimeSpan> BackoffAsync(Guid leadId, DialerOptions o, DateTimeOffset now, CancellationToken ct)
    {
        var since = now.AddHours(-1);
        var failures = await db.DialAttempts.CountAsync(a => a.LeadId == leadId && a.State == DialState.NotPlaced && a.CreatedAt > since
            && (a.Outcome == RetellFailed || a.Outcome == RetellNotReached), ct);
        var wait = o.Backoff * Math.Pow(2, Math.Min(failures, 16));
        return wait > o.MaxBackoff ? o.MaxBackoff : wait;
    }

    public const string RetellFailed = "retell_failed", RetellNotReached = "retell_not_reached";

    /// <summary>Why an attempt was not placed, kept as its outcome: Retell's limit, its failure, not reached, refused.</summary>
    private static string NotPlacedOutcome(PlaceCallOutcome outcome) => outcome switch
    {
        PlaceCallOutcome.RateLimited => "retell_rate_limited",
        PlaceCallOutcome.Transient => RetellFailed,
        PlaceCallOutcome.NotSent => RetellNotReached,
        _ => "retell_refused",
    };

    private static string? Clip(string? text, int max = 1000) => text is null || text.Length <= max ? text : text[..max];
}
