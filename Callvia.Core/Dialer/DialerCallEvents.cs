using System.Text.Json;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using static Callvia.Core.JsonFields;

namespace Callvia.Core.Dialer;

/// <summary>
/// The dialer's side of Retell's call webhooks (applied by <see cref="RetellCallEvents"/>): the attempt named in the call's
/// metadata (<c>attempt_id</c>) is reconciled — a call whose create-phone-call answer was lost is
/// placed after all —, its lease renewed when the call starts, its slot freed when it ends, and the lead's next step set
/// by <see cref="DialerRules.AfterCall"/> from the outcome (else the disconnection reason), again when the analysis
/// brings the outcome. Any order and any repetition give the same result; an old call's late event does not move a lead
/// that has been called again since.
/// </summary>
public sealed class DialerCallEvents(CallviaDbContext db, Webhooks.BatchLookups batch, TimeProvider clock, IOptions<DialerOptions> options)
{
    /// <summary>For a batch of events: the attempts they name and their campaigns, in one query each.</summary>
    public async Task PrefetchAsync(IReadOnlyCollection<Guid> attemptIds, CancellationToken ct)
    {
        if (attemptIds.Count == 0) return;
        var ids = attemptIds.ToArray();
        var attempts = await db.DialAttempts.Where(a => ids.Contains(a.Id)).ToListAsync(ct);
        batch.Covered("attempt", ids.Select(i => i.ToString()));
        var campaignIds = attempts.Select(a => a.CampaignId).Distinct().ToArray();
        await db.Campaigns.Where(c => campaignIds.Contains(c.Id)).LoadAsync(ct);
    }

    public async Task ApplyAsync(string eventType, CallLog log, JsonElement call, Lead? lead, CancellationToken ct)
    {
        var attempt = await FindAsync(call, ct);
        if (attempt is null || (lead is not null && attempt.LeadId != lead.Id)) return;
        var now = clock.GetUtcNow();
        attempt.ProviderCallId ??= log.ProviderCallId;
        log.Simulated |= attempt.Simulated;
        if (attempt.State is DialState.Dialing or DialState.Unconfirmed)
            (attempt.State, attempt.PlacedAt, attempt.LeaseUntil) = (DialState.Placed, attempt.PlacedAt ?? log.StartedAt ?? now, now + options.Value.CallLease);
        else if (attempt.State == DialState.Placed && eventType == "call_started")
            attempt.LeaseUntil = now + options.Value.CallLease;

        if (log.EndedAt is null && log.Status is not (CallStatus.Ended or CallStatus.Error)) return;
        if (attempt.State is DialState.Placed or DialState.Lost)
            (attempt.State, attempt.EndedAt) = (DialState.Ended, log.EndedAt ?? now);
        attempt.Outcome = log.Outcome ?? log.DisconnectionReason ?? attempt.Outcome;
        lead ??= await db.Leads.FindAsync([attempt.LeadId], ct);
        if (lead is null || lead.Attempts != attempt.Number || attempt.State != DialState.Ended) return;
        var campaign = await db.Campaigns.FindAsync([attempt.CampaignId], ct);
        if (campaign is null) return;
        DialerRules.AfterCall(lead, campaign, attempt.Outcome, attempt.EndedAt ?? now, CallbackAt(call));
    }

    /// <summary>
    /// The attempt the call's metadata names (<c>attempt_id</c>): every call the dialer places carries it, and Retell echoes
    /// metadata in every webhook; a call without it (inbound, or placed elsewhere) is none of the dialer's.
    /// </summary>
    private async Task<DialAttempt?> FindAsync(JsonElement call, CancellationToken ct) =>
        AttemptId(call) is not { } id ? null
        : db.DialAttempts.Local.FirstOrDefault(a => a.Id == id)
          ?? (batch.Covers("attempt", id.ToString()) ? null : await db.DialAttempts.FindAsync([id], ct));

    public static Guid? AttemptId(JsonElement call) =>
        call.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
        && Guid.TryParse(Str(metadata, "attempt_id"), out var id) ? id : null;

    /// <summary>The time a callback was asked for: <c>call_analysis.custom_analysis_data.callback_at</c> (our agents' analysis schema, ISO 8601).</summary>
    private static DateTimeOffset? CallbackAt(JsonElement call) =>
        call.TryGetProperty("call_analysis", out var analysis) && analysis.ValueKind == JsonValueKind.Object
        && analysis.TryGetProperty("custom_analysis_data", out var custom) && custom.ValueKind == JsonValueKind.Object
        && DateTimeOffset.TryParse(Str(custom, "callback_at"), System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at.ToUniversalTime() : null;
}
