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
/// the API's <c>kpis</c> query uses); on the admin host, the way to the agency console.
/// </summary>
public sealed class IndexModel(TenantContext tenant, CallviaDbContext db, KpiService kpis, TimeProvider clock) : PageModel
{
    public sealed record CampaignOption(Guid Id, string Name);

    public bool IsAgencyConsole => tenant.IsAdminHost;
    public string ClientName => tenant.Tenant?.Name ?? "";
    public string TimeZone => tenant.Tenant?.TimeZone ?? "UTC";

    [BindProperty(SupportsGet = true, Name = "range")] public string? Preset { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Campaign { get; set; }

    public KpiPeriod? Period { get; private set; }
    public string? PeriodError { get; private set; }
    public KpiSnapshot? Kpis { get; private set; }
    public IReadOnlyList<CampaignOption> Campaigns { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        // the admin host's home is the agency console's clients (Admin/Clients)
        if (IsAgencyConsole) return Redirect("/clients");
        await LoadKpisAsync(ct);
        return Page();
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
