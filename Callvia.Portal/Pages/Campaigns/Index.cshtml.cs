using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Campaigns;

/// <summary>The client's campaigns with their leads by status (campaign_lead_counts, kept by the database).</summary>
public sealed class IndexModel(CallviaDbContext db) : PageModel
{
    public sealed record Row(Guid Id, string Name, CampaignStatus Status, long Leads, IReadOnlyDictionary<LeadStatus, long> ByStatus);

    [BindProperty(SupportsGet = true)] public bool Archived { get; set; }
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public static readonly LeadStatus[] Statuses = [LeadStatus.New, LeadStatus.Contacted, LeadStatus.Callback, LeadStatus.Booked, LeadStatus.Dnc];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => Archived || c.Status != CampaignStatus.Archived)
            .OrderBy(c => c.Status == CampaignStatus.Archived).ThenBy(c => c.Name).ToListAsync(ct);
        var ids = campaigns.Select(c => c.Id).ToList();
        var counts = (await db.CampaignLeadCounts.AsNoTracking().Where(c => ids.Contains(c.CampaignId)).ToListAsync(ct))
            .ToLookup(c => c.CampaignId);
        Rows = campaigns.Select(c =>
        {
            var byStatus = counts[c.Id].GroupBy(x => x.Status).ToDictionary(g => g.Key, g => g.Sum(x => x.Count));
            return new Row(c.Id, c.Name, c.Status, byStatus.Values.Sum(), byStatus);
        }).ToList();
    }

    public static string Label(LeadStatus s) => s switch
    {
        LeadStatus.New => "New", LeadStatus.Contacted => "Contacted", LeadStatus.Callback => "Callback",
        LeadStatus.Booked => "Booked", LeadStatus.Dnc => "Do not call", _ => s.ToString(),
    };
}
