using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;
using Callvia.Core.Tenancy;

namespace Callvia.Core.Campaigns;

/// <summary>
/// How many leads of a campaign are in each status. Maintained by statement-level triggers on
/// <c>leads</c> (insert, status change, delete), so every writer (imports, webhooks, the API) keeps it
/// right, and reading a campaign's statistics stays a handful of rows at any campaign size.
/// </summary>
public class CampaignLeadCount : ITenantOwned
{
    public Guid CampaignId { get; set; }
    public LeadStatus Status { get; set; }
    public Guid ClientId { get; set; }
    public long Count { get; set; }
}

public static class CampaignLeadCounts
{
    /// <summary>The leads of each campaign by status, in one query for all (a campaign without leads: none).</summary>
    public static async Task<Dictionary<Guid, Dictionary<LeadStatus, long>>> ByStatusAsync(
        Data.CallviaDbContext db, IReadOnlyCollection<Guid> campaignIds, CancellationToken ct)
    {
        var counts = await db.CampaignLeadCounts.AsNoTracking().Where(c => campaignIds.Contains(c.CampaignId)).ToListAsync(ct);
        return campaignIds.Distinct().ToDictionary(id => id, id => counts.Where(c => c.CampaignId == id)
            .GroupBy(c => c.Status).ToDictionary(g => g.Key, g => g.Sum(c => c.Count)));
    }

    /// <summary>
    /// Each campaign's appointments booked and shown, all time: the KPI rollup the dashboard's cards read
    /// (<see cref="Kpis.KpiDailyAppointments"/>), summed over days, so it is a handful of rows per campaign.
    /// </summary>
    public static async Task<Dictionary<Guid, (long Booked, long Shown)>> AppointmentsAsync(
        Data.CallviaDbContext db, IReadOnlyCollection<Guid> campaignIds, CancellationToken ct)
    {
        var sums = await db.KpiDailyAppointments.AsNoTracking().Where(a => campaignIds.Contains(a.CampaignId))
            .GroupBy(a => a.CampaignId).Select(g => new { g.Key, Booked = g.Sum(a => a.Booked), Shown = g.Sum(a => a.Shown) }).ToListAsync(ct);
        return campaignIds.Distinct().ToDictionary(id => id, id => sums.FirstOrDefault(s => s.Key == id) is { } s ? (s.Booked, s.Shown) : (0L, 0L));
    }
}
