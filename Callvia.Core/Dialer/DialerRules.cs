using Callvia.Core.Campaigns;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Dialer;

public enum LeadDialVerdict { Dial, Wait, Done }

/// <summary>What the dialer does with a lead it finds due: call now, look again at <see cref="At"/>, or leave it (<see cref="Note"/> says why).</summary>
public sealed record LeadDialDecision(LeadDialVerdict Verdict, DateTimeOffset? At, string Note);

/// <summary>
/// Who is called, and when, in one place: only callable leads (not booked, not do-not-call, not opted out, not on the
/// do-not-contact list, attempts left, consent recorded when the campaign requires it), when their next attempt is due,
/// inside their calling window (<see cref="CallingWindow"/>, in the lead's zone, else its number's). The campaign's and
/// client's activity, switches and call slots are the claim's (<see cref="DialerClaims"/>); what follows a call is
/// <see cref="RetryLadder"/>'s.
/// </summary>
public static class DialerRules
{
    public const string NoConsent = "No recorded consent: this campaign calls only leads with consent.";
    public const string Calling = "Calling.";
    public const string Unreachable = "The number cannot be reached: not called again.";

    public static LeadDialDecision Decide(Lead lead, Campaign campaign, bool suppressed, IReadOnlyList<DateTimeOffset> recentCalls, DateTimeOffset now)
    {
        if (lead.Status == LeadStatus.Booked) return Done("Booked: not called again.");
        if (lead.Status == LeadStatus.Dnc) return Done("Do not call.");
        if (lead.OptedOutAt is not null || suppressed) return Done("On the do-not-contact list.");
        if (lead.UnreachableAt is not null) return Done(Unreachable);
        if (lead.Attempts >= campaign.MaxAttempts) return Done($"All {campaign.MaxAttempts} attempts used.");
        if (campaign.RequiresConsent && lead.ConsentAt is null) return Done(NoConsent);
        if (lead.NextAttemptAt is { } next && next > now) return new(LeadDialVerdict.Wait, next, "Waiting for the next attempt.");
        var zone = Leads.LeadTimeZone.Known(lead);
        if (zone is null) return Done("No time zone is known for the lead or its number: its calling window cannot be told.");
        var verdict = CallingWindow.Evaluate(now, zone, campaign.CallWindowStart, campaign.CallWindowEnd, campaign.AllowedDays,
            StateCallingRules.ForNumber(lead.PhoneE164), recentCalls);
        if (verdict.Open) return new(LeadDialVerdict.Dial, null, Calling);
        return verdict.NextOpening is { } opening ? new(LeadDialVerdict.Wait, opening, verdict.Reason) : Done(verdict.Reason);
    }

    /// <summary>Whether the lead's state limits calls per person, so its recent calls must be read.</summary>
    public static bool NeedsRecentCalls(Lead lead) => StateCallingRules.ForNumber(lead.PhoneE164)?.MaxCallsPer24Hours is not null;

    /// <summary>A lead set aside for the lack of consent is due again once consent is recorded.</summary>
    public static void WakeForConsent(Lead lead, DateTimeOffset now)
    {
        if (lead.ConsentAt is not null && lead.DialAt is null && lead.DialerNote == NoConsent) (lead.DialAt, lead.DialerNote) = (now, null);
    }

    /// <summary>The campaign settings a lead's place in the dialer depends on: a change of one wakes its leads (<see cref="WakeAsync"/>).</summary>
    public static readonly IReadOnlySet<string> Settings = new HashSet<string>
    {
        nameof(Campaign.CallWindowStart), nameof(Campaign.CallWindowEnd), nameof(Campaign.CallDays), nameof(Campaign.MaxAttempts),
        nameof(Campaign.RequiresConsent), nameof(Campaign.RetellAgentId), nameof(Campaign.FromNumber),
    };

    /// <summary>
    /// After a campaign's dialer settings changed (a wider window, more attempts, consent no longer required, a new agent):
    /// its leads waiting for their window or set aside are looked at again at once — or at their next attempt, never
    /// sooner —, so the claim decides them by the new settings (and sets them aside again if they still cannot be called).
    /// Not the leads in a call, booked, do-not-call, opted out or unreachable. One statement; returns how many.
    /// </summary>
    public static Task<int> WakeAsync(Data.CallviaDbContext db, Guid campaignId, DateTimeOffset now, CancellationToken ct) =>
        db.Leads.Where(l => l.CampaignId == campaignId && l.Status != LeadStatus.Booked && l.Status != LeadStatus.Dnc && l.OptedOutAt == null
                && l.UnreachableAt == null && (l.DialAt == null || l.DialAt > now)
                && !db.DialAttempts.Any(a => a.LeadId == l.Id && DialAttempt.Active.Contains(a.State)))
            .ExecuteUpdateAsync(u => u
                .SetProperty(l => l.DialAt, l => l.NextAttemptAt > now ? l.NextAttemptAt : (DateTimeOffset?)now)
                .SetProperty(l => l.DialerNote, (string?)null), ct);

    /// <summary>The lead's next step after a call ended (or was lost): its due time and note, by <see cref="RetryLadder"/>.</summary>
    public static void AfterCall(Lead lead, Campaign campaign, string? outcome, DateTimeOffset endedAt, DateTimeOffset? callbackAt)
    {
        var decision = RetryLadder.Decide(outcome, lead.Attempts, campaign.MaxAttempts,
            campaign.RetryLadderMinutes.Select(m => TimeSpan.FromMinutes(m)).ToList(), endedAt, callbackAt);
        (lead.NextAttemptAt, lead.DialAt, lead.DialerNote) = decision.Next is AttemptNext.RetryAt or AttemptNext.CallbackAt
            ? (decision.At, decision.At, decision.Reason)
            : (null, null, decision.Reason);
        // an unreachable number stays marked: no change of the campaign's settings calls it again
        lead.UnreachableAt = decision.Next == AttemptNext.BadNumber ? endedAt : null;
    }

    private static LeadDialDecision Done(string note) => new(LeadDialVerdict.Done, null, note);
}
