using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages;

/// <summary>
/// A client's dashboard (the six KPI cards for a period and campaign, read by <see cref="KpiService"/>, the rules
/// the API's <c>kpis</c> query uses), or on the admin host the agency's list of clients.
/// </summary>
public sealed class IndexModel(TenantContext tenant, CallviaDbContext db, AgencyAccess agency, KpiService kpis, TimeProvider clock) : PageModel
{
    public sealed record ClientRow(string Name, string Slug, string Status, int Campaigns, int Leads);
    public sealed record CampaignOption(Guid Id, string Name);

    public bool IsAgencyConsole => tenant.IsAdminHost;
    public string ClientName => tenant.Tenant?.Name ?? "";
    public string TimeZone => tenant.Tenant?.TimeZone ?? "UTC";
    public IReadOnlyList<ClientRow> Clients { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "range")] public string? Preset { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Campaign { get; set; }

    public KpiPeriod? Period { get; private set; }
    public string? PeriodError { get; private set; }
    public KpiSnapshot? Kpis { get; private set; }
    public IReadOnlyList<CampaignOption> Campaigns { get; private set; } = [];

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

        await LoadKpisAsync(ct);
    }

    /// <summary>The cards and charts alone, for the page's live update (its <c>EventSource</c> on <c>/live/kpis</c>).</summary>
    public async Task<IActionResult> OnGetKpisAsync(CancellationToken ct)
    {
        if (IsAgencyConsole) return NotFound();
        await LoadKpisAsync(ct);
        return Partial("_Kpis", this);
    }

    private async Task LoadKpisAsync(CancellationToken ct)
    {
        Campaigns = await db.Campaigns.AsNoTracking().Where(c => c.Status != CampaignStatus.Archived)
            .OrderBy(c => c.Name).Select(c => new CampaignOption(c.Id, c.Name)).ToListAsync(ct);
        // a campaign that is not this client's (or no longer listed) is no filter at all, never another client's numbers
        if (Campaign is { } chosen && Campaigns.All(c => c.Id != chosen)) Campaign = null;

        var today = KpiPeriod.TodayIn(TimeZone, clock.GetUtcNow());
        (Period, PeriodError) = KpiPeriod.Resolve(Preset, From, To, today);
        if (Period is null)
        {
            // the custom days are shown again with why they were refused; the cards show the default period meanwhile
            ModelState.AddModelError(nameof(To), PeriodError!);
            Period = KpiPeriod.Resolve(null, null, null, today).Period!;
        }
        Preset = Period.Preset == KpiPeriod.Custom || PeriodError is not null ? KpiPeriod.Custom : Period.Preset;
        if (PeriodError is null) (From, To) = (Period.FirstDay, Period.LastDay);
        Kpis = await kpis.GetAsync(Period.ToRange(TimeZone, Campaign), ct);
    }
}
