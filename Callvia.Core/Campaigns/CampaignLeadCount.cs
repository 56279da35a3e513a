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
}
