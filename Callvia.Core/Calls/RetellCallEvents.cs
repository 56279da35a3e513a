using System.Text.Json;
using static Callvia.Core.JsonFields;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Calls;

/// <summary>
/// Applies Retell's call_started / call_ended / call_analyzed to the tenant's data, so that any order and
/// any repetition give the same result: the call log is merged by call id (a field once known is kept,
/// the status only moves forward), the lead's status only moves up (new → contacted → callback → booked;
/// dnc above all), and the usage record is made once, when the duration is known.
/// The outcome is read from <c>call_analysis.custom_analysis_data.outcome</c> (our agents' analysis schema):
/// <c>appointment_set</c>, <c>callback_requested</c>, <c>not_interested</c>.
/// </summary>
public sealed class RetellCallEvents(CallviaDbContext db, Webhooks.BatchLookups batch, Dialer.DialerCallEvents dialer)
{
    /// <summary>
    /// For a batch of events: their calls (by call id), those calls' usage records, their leads and the client, in one
    /// query each, so that applying them reads no more (<see cref="Webhooks.BatchLookups"/>).
    /// </summary>
    public async Task PrefetchAsync(IReadOnlyList<JsonElement> bodies, CancellationToken ct)
    {
        var callIds = new HashSet<string>(StringComparer.Ordinal);
        var leadIds = new HashSet<Guid>();
        var attemptIds = new HashSet<Guid>();
        foreach (var body in bodies)
        {
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("call", out var call) || call.ValueKind != JsonValueKind.Object)
                continue;
            if (Str(call, "call_id") is { } callId) callIds.Add(callId);
            if (call.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                && Guid.TryParse(Str(metadata, "lead_id"), out var leadId))
                leadIds.Add(leadId);
            if (Dialer.DialerCallEvents.AttemptId(call) is { } attemptId) attemptIds.Add(attemptId);
        }
        var ids = callIds.ToArray();
        var logs = await db.CallLogs.Where(c => ids.Contains(c.ProviderCallId)).ToListAsync(ct);
        batch.Covered("call", ids);
        var logIds = logs.Select(l => l.Id).ToArray();
        await db.UsageRecords.Where(u => logIds.Contains(u.CallLogId)).LoadAsync(ct);
        batch.Covered("usage", logIds.Select(i => i.ToString()));
        leadIds.UnionWith(logs.Where(l => l.LeadId is not null).Select(l => l.LeadId!.Value));
        var leads = leadIds.ToArray();
        await db.Leads.Where(l => leads.Contains(l.Id)).LoadAsync(ct);
        await dialer.PrefetchAsync(attemptIds, ct);
        await db.TrackClientAsync(ct);
    }

    public async Task ApplyAsync(string eventType, JsonElement body, CancellationToken ct)
    {
        var call = body.GetProperty("call");
        var callId = call.GetProperty("call_id").GetString()!;
        // the batch's own first (an earlier event of this call, not saved yet), then the database
        var log = db.CallLogs.Local.FirstOrDefault(c => c.ProviderCallId == callId)
                  ?? (batch.Covers("call", callId) ? null : await db.CallLogs.SingleOrDefaultAsync(c => c.ProviderCallId == callId, ct));
        if (log is null)
        {
            log = new CallLog { ProviderCallId = callId };
            db.CallLogs.Add(log);
        }

        log.Direction = Str(call, "direction") ?? log.Direction;
        log.FromNumber ??= Str(call, "from_number");
        log.ToNumber ??= Str(call, "to_number");
        log.StartedAt ??= Ms(call, "start_timestamp");
        log.EndedAt ??= Ms(call, "end_timestamp");
        if (call.TryGetProperty("duration_ms", out var duration) && duration.TryGetInt64(out var ms))
            log.DurationSeconds ??= (int)((ms + 999) / 1000);
        log.DisconnectionReason ??= Str(call, "disconnection_reason");
        log.Transcript ??= Str(call, "transcript");
        log.RecordingUrl ??= Str(call, "recording_url");
        var status = Str(call, "call_status") switch
        {
            "ongoing" => CallStatus.Ongoing,
            "ended" or "not_connected" => CallStatus.Ended,
            "error" => CallStatus.Error,
            _ => eventType == "call_started" ? CallStatus.Ongoing : CallStatus.Registered,
        };
        if (Rank(status) > Rank(log.Status)) log.Status = status;

        if (call.TryGetProperty("call_analysis", out var analysis) && analysis.ValueKind == JsonValueKind.Object)
        {
            log.Summary ??= Str(analysis, "call_summary");
            log.Sentiment ??= Str(analysis, "user_sentiment");
            if (analysis.TryGetProperty("custom_analysis_data", out var custom) && custom.ValueKind == JsonValueKind.Object)
                log.Outcome ??= Str(custom, "outcome");
        }

        var lead = await LinkLeadAsync(log, call, ct);
        if (lead is not null)
        {
            var connected = CallLog.IsConnected(log.StartedAt, log.DurationSeconds);
            var target = log.Outcome switch
            {
                "appointment_set" => LeadStatus.Booked,
                "callback_requested" => LeadStatus.Callback,
                "not_interested" => LeadStatus.Dnc,
                _ => connected ? LeadStatus.Contacted : LeadStatus.New,
            };
            if (LeadRank(target) > LeadRank(lead.Status)) lead.Status = target;
            if (lead.Status == LeadStatus.Dnc
                && !await db.Suppressions.AnyAsync(s => s.PhoneE164 == lead.PhoneE164, ct)
                && !db.Suppressions.Local.Any(s => s.PhoneE164 == lead.PhoneE164))
                db.Suppressions.Add(new Suppression { PhoneE164 = lead.PhoneE164, Source = "call", Reason = "not interested (call " + callId + ")" });
        }
        await dialer.ApplyAsync(eventType, log, call, lead, ct);

        if (log.EndedAt is not null && log.DurationSeconds is { } seconds
            && !db.UsageRecords.Local.Any(u => u.CallLogId == log.Id)
            && (db.Entry(log).State == EntityState.Added || batch.Covers("usage", log.Id.ToString())
                || !await db.UsageRecords.AnyAsync(u => u.CallLogId == log.Id, ct)))
        {
            var rate = db.TrackedClient()?.RatePerMinute ?? await db.Clients.Select(c => c.RatePerMinute).SingleAsync(ct);
            db.UsageRecords.Add(new UsageRecord
            {
                CallLogId = log.Id, Seconds = seconds, RatePerMinute = rate,
                Cost = Billing.UsageCost.Of(seconds, rate), OccurredAt = log.EndedAt.Value, Simulated = log.Simulated,
            });
        }
    }

    /// <summary>The lead named in the call's metadata, if it is this tenant's.</summary>
    private async Task<Lead?> LinkLeadAsync(CallLog log, JsonElement call, CancellationToken ct)
    {
        if (log.LeadId is null && call.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && Guid.TryParse(Str(metadata, "lead_id"), out var leadId))
        {
            var found = await db.Leads.FindAsync([leadId], ct);
            if (found is not null)
            {
                log.LeadId = found.Id;
                log.CampaignId = found.CampaignId;
                return found;
            }
        }
        return log.LeadId is { } id ? await db.Leads.FindAsync([id], ct) : null;
    }

    private static int Rank(CallStatus s) => s switch { CallStatus.Registered => 0, CallStatus.Ongoing => 1, _ => 2 };

    private static int LeadRank(LeadStatus s) => s switch
    {
        LeadStatus.New => 0, LeadStatus.Contacted => 1, LeadStatus.Callback => 2, LeadStatus.Booked => 3, _ => 4,
    };


    private static DateTimeOffset? Ms(JsonElement e, string name) =>
        e.TryGetProperty(name, out var v) && v.TryGetInt64(out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
