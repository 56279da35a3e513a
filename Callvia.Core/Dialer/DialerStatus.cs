using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Callvia.Core.Dialer;

/// <summary>
/// A campaign's dialer, as its people see it: whether it calls (and if not, why), its calls in progress, and its leads
/// due now, waiting for their calling window (with the next opening), waiting for a retry or callback, and set aside
/// (done, or not callable: each lead's note says why).
/// </summary>
public sealed record CampaignDialerStatus(string State, bool Calling, int InProgress, int DueNow, int WaitingForWindow, int WaitingForRetry,
    long SetAside, DateTimeOffset? NextWindowAt);

/// <summary>Reads <see cref="CampaignDialerStatus"/> for the scope's tenant: a few indexed queries per campaign.</summary>
public sealed class DialerStatus(CallviaDbContext db, TimeProvider clock, IOptions<RetellOptions> retell)
{
    public async Task<CampaignDialerStatus> ForCampaignAsync(Campaign campaign, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // the calls holding a slot, as the dialer counts them (a call whose end is reported is over)
        var inProgress = (await DialerClaims.SlotsHeldAsync(db, campaign.ClientId, now, ct)).GetValueOrDefault(campaign.Id);
        // waiting for the window: moved past its next attempt (or, for a lead never called, past "at once")
        var waiting = await db.Leads.Where(l => l.CampaignId == campaign.Id && l.DialAt != null)
            .GroupBy(_ => 1)
            .Select(g => new
            {
                Due = g.Count(l => l.DialAt <= now),
                Window = g.Count(l => l.DialAt > now && (l.NextAttemptAt == null || l.DialAt > l.NextAttemptAt)),
                Next = g.Where(l => l.DialAt > now && (l.NextAttemptAt == null || l.DialAt > l.NextAttemptAt)).Min(l => l.DialAt),
                Retry = g.Count(l => l.DialAt > now && l.NextAttemptAt != null && l.DialAt <= l.NextAttemptAt),
            }).SingleOrDefaultAsync(ct);
        var total = await db.CampaignLeadCounts.Where(c => c.CampaignId == campaign.Id).SumAsync(c => c.Count, ct);
        var (due, window, retry) = (waiting?.Due ?? 0, waiting?.Window ?? 0, waiting?.Retry ?? 0);
        var (calling, state) = await StateAsync(campaign, now, ct);
        return new CampaignDialerStatus(state, calling, inProgress, due, window, retry, Math.Max(0, total - due - window - retry - inProgress), waiting?.Next);
    }

    private async Task<(bool, string)> StateAsync(Campaign campaign, DateTimeOffset now, CancellationToken ct)
    {
        if (campaign.Status != CampaignStatus.Active)
            return (false, campaign.Status == CampaignStatus.Draft ? "Draft: activate the campaign to start calling." : $"{campaign.Status}: no new calls.");
        var client = await db.Clients.AsNoTracking().SingleAsync(ct);
        if (client.Status != ClientStatus.Active) return (false, "The client is suspended: no new calls.");
        if (client.DialerStoppedAt is not null) return (false, "Stopped by the agency for this client: no new calls.");
        if (await db.Database.SqlQuery<bool>($"SELECT app_dialer_platform_stopped() AS \"Value\"").SingleAsync(ct))
            return (false, "Stopped by the agency for the whole platform: no new calls.");
        if (campaign.FromNumber is null) return (false, "No from-number: set one to start calling.");
        if (!retell.Value.IsConfigured) return (false, "Retell is not configured on this platform: no calls are placed.");
        if (client.DialerBackoffUntil > now) return (true, "Calling; Retell's call limit was reached, so calls resume shortly.");
        return (true, retell.Value.Simulated ? "Calling in the sandbox: calls and bookings are simulated, no one is called." : "Calling.");
    }
}
