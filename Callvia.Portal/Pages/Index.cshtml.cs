using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages;

public sealed class IndexModel(TenantContext tenant, CallviaDbContext db, AgencyAccess agency) : PageModel
{
    public sealed record CampaignRow(string Name, string Status, int Leads, int Booked);
    public sealed record ClientRow(string Name, string Slug, string Status, int Campaigns, int Leads);

    public bool IsAgencyConsole => tenant.IsAdminHost;
    public string ClientName => tenant.Tenant?.Name ?? "";
    public IReadOnlyList<CampaignRow> Campaigns { get; private set; } = [];
    public IReadOnlyList<ClientRow> Clients { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (IsAgencyConsole)
        {
            // Only agency admins get here (fallback policy); reading every client is audited.
            Clients = await agency.RunAsync("console.list_clients", async (all, _) =>
                await all.Clients.OrderBy(c => c.Name).Select(c => new ClientRow(
                    c.Name, c.Slug, SnakeCaseEnum<ClientStatus>.ToDb(c.Status),
                    all.Campaigns.Count(x => x.ClientId == c.Id),
                    all.Leads.Count(l => l.ClientId == c.Id))).ToListAsync(ct), ct: ct);
            return;
        }
        var counts = await db.Leads.GroupBy(l => l.CampaignId)
            .Select(g => new { CampaignId = g.Key, Leads = g.Count(), Booked = g.Count(l => l.Status == LeadStatus.Booked) })
            .ToDictionaryAsync(x => x.CampaignId, ct);
        var campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Status != CampaignStatus.Archived)
            .OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).ToListAsync(ct);
        Campaigns = campaigns.Select(c => new CampaignRow(c.Name, SnakeCaseEnum<CampaignStatus>.ToDb(c.Status),
            counts.GetValueOrDefault(c.Id)?.Leads ?? 0, counts.GetValueOrDefault(c.Id)?.Booked ?? 0)).ToList();
    }
}
