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

    public async Task OnGetAsync(CancellationToken ct)
    {
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => Archived || c.Status != CampaignStatus.Archived)
            .OrderBy(c => c.Status == CampaignStatus.Archived).ThenBy(c => c.Name).ToListAsync(ct);
        var ids = campaigns.Select(c => c.Id).ToList();
        var counts = await CampaignLeadCounts.ByStatusAsync(db, ids, ct);
        Rows = campaigns.Select(c => new Row(c.Id, c.Name, c.Status, counts[c.Id].Values.Sum(), counts[c.Id])).ToList();
    }
}
