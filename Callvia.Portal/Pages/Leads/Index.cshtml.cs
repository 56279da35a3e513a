using System.Globalization;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Kpis;
using Callvia.Core.Leads;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Leads;

/// <summary>
/// The client's leads: the filter bar (status, campaign, created in a period of the client's local days), the search,
/// and keyset pages, newest first — Core's <see cref="LeadList"/>, the rules of the API's <c>leads</c> connection.
/// </summary>
public sealed class IndexModel(LeadList list, CallviaDbContext db, TenantContext tenant, TimeProvider clock) : Hosting.PortalPage
{
    public const int PageSize = 50;

    public sealed record CampaignOption(Guid Id, string Name);

    [BindProperty(SupportsGet = true)] public LeadStatus? Status { get; set; }
    [BindProperty(SupportsGet = true)] public Guid? Campaign { get; set; }
    [BindProperty(SupportsGet = true, Name = "range")] public string? Preset { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? From { get; set; }
    [BindProperty(SupportsGet = true)] public DateOnly? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true)] public string? After { get; set; }
    /// <summary>The page's number, for people (the cursor is what pages).</summary>
    [BindProperty(SupportsGet = true, Name = "p")] public int PageNumber { get; set; } = 1;

    public IReadOnlyList<CampaignOption> Campaigns { get; private set; } = [];
    public IReadOnlyDictionary<Guid, string> CampaignNames { get; private set; } = new Dictionary<Guid, string>();
    public IReadOnlyList<Lead> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public string? NextCursor { get; private set; }
    public KpiPeriod? Period { get; private set; }
    public bool Filtered => Status is not null || Campaign is not null || Period is not null || !string.IsNullOrWhiteSpace(Search);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (tenant.ClientId is null) return NotFound();
        // a value the binder could not read (an unknown status, a campaign that is no id) is said next to its field
        // by the binder's own error, and that part of the filter is left out
        if (Status is { } given && !Enum.IsDefined(given))
        {
            ModelState.AddModelError(nameof(Status), "That is not a lead status.");
            Status = null;
        }

        Campaigns = await db.Campaigns.AsNoTracking().OrderBy(c => c.Status == CampaignStatus.Archived).ThenBy(c => c.Name)
            .Select(c => new CampaignOption(c.Id, c.Name)).ToListAsync(ct);
        CampaignNames = Campaigns.ToDictionary(c => c.Id, c => c.Name);
        // a campaign that is not this client's is no filter at all (row-level security would show nothing anyway)
        if (Campaign is { } chosen && !CampaignNames.ContainsKey(chosen))
        {
            ModelState.AddModelError(nameof(Campaign), "That campaign is not one of yours.");
            Campaign = null;
        }

        if (!string.IsNullOrEmpty(Preset))
        {
            var (period, error) = KpiPeriod.Resolve(Preset, From, To, KpiPeriod.TodayIn(TimeZone, clock.GetUtcNow()));
            if (period is null) ModelState.AddModelError(nameof(To), error!);
            else if (Preset != KpiPeriod.Custom && KpiPeriod.Presets.All(p => p.Preset != Preset)) Preset = null; // an unknown preset: any time
            else (Period, From, To) = (period, period.FirstDay, period.LastDay);
        }

        var range = Period?.ToRange(TimeZone, null);
        var filter = new LeadListFilter(Status is { } s ? [s] : null, Campaign, range?.From, range?.To, Search?.Trim());
        if (filter.Problem() is { } problem)
        {
            ModelState.AddModelError("q", $"The search {problem.Message}.");
            filter = filter with { Search = null };
        }

        (DateTimeOffset, Guid)? after = null;
        if (After is not null)
        {
            if (Display.PageCursor.Parse(After) is { } cursor) after = cursor;
            else { ModelState.AddModelError(nameof(After), "That page link is not valid any more: here is the first page."); PageNumber = 1; }
        }
        if (after is null) PageNumber = 1;
        PageNumber = Math.Clamp(PageNumber, 1, 1_000_000);

        var rows = await list.PageAsync(filter, LeadOrderField.CreatedAt, SortDirection.Desc, after, PageSize + 1, ct);
        Rows = rows.Take(PageSize).ToList();
        NextCursor = rows.Count > PageSize ? Cursor(Rows[^1]) : null;
        Total = await list.CountAsync(filter, ct);
        return Page();
    }

    /// <summary>This page's filters with the cursor of the next page (or none: the first page).</summary>
    public string Link(string? after, int page)
    {
        var query = new List<KeyValuePair<string, string?>>();
        if (Status is { } s) query.Add(new("status", SnakeCaseEnum<LeadStatus>.ToDb(s)));
        if (Campaign is { } c) query.Add(new("campaign", c.ToString()));
        if (Period is not null)
        {
            query.Add(new("range", Preset));
            if (Preset == KpiPeriod.Custom) { query.Add(new("from", From?.ToString("yyyy-MM-dd"))); query.Add(new("to", To?.ToString("yyyy-MM-dd"))); }
        }
        if (!string.IsNullOrWhiteSpace(Search)) query.Add(new("q", Search.Trim()));
        if (after is not null) { query.Add(new("after", after)); query.Add(new("p", page.ToString(CultureInfo.InvariantCulture))); }
        return "/leads" + Microsoft.AspNetCore.Http.QueryString.Create(query);
    }

    private static string Cursor(Lead lead) => Display.PageCursor.Of(lead.CreatedAt, lead.Id);
}
