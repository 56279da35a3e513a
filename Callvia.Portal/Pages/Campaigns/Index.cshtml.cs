using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Campaigns;

/// <summary>
/// The client's campaigns with their leads by status (campaign_lead_counts, kept by the database) and their appointments
/// booked and shown (the KPI rollup); admins create one in the "New campaign" dialog (<see cref="CampaignEditor"/>).
/// </summary>
public sealed class IndexModel(CallviaDbContext db, CampaignEditor editor) : Hosting.PortalPage
{
    public sealed record Row(Guid Id, string Name, CampaignStatus Status, long Leads, IReadOnlyDictionary<LeadStatus, long> ByStatus, long Booked, long Shown);

    [BindProperty(SupportsGet = true)] public bool Archived { get; set; }
    [BindProperty] public CampaignForm Form { get; set; } = CampaignForm.Defaults();
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    /// <summary>The dialog opens by itself when its form came back with problems.</summary>
    public bool DialogOpen { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!CanAdminister) return Forbidden();
        ModelState.Clear(); // the form's strings are read by CampaignForm, which says what is wrong with each
        if (Form.Read(ModelState) is { } input)
        {
            var (campaign, issues) = await editor.CreateAsync(input, ct);
            if (campaign is not null) return Redirect($"/campaigns/{campaign.Id}?saved=created");
            CampaignForm.Report(issues, ModelState);
        }
        DialogOpen = true;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var campaigns = await db.Campaigns.AsNoTracking()
            .Where(c => Archived || c.Status != CampaignStatus.Archived)
            .OrderBy(c => c.Status == CampaignStatus.Archived).ThenBy(c => c.Name).ToListAsync(ct);
        var ids = campaigns.Select(c => c.Id).ToList();
        var counts = await CampaignLeadCounts.ByStatusAsync(db, ids, ct);
        var appointments = await CampaignLeadCounts.AppointmentsAsync(db, ids, ct);
        Rows = campaigns.Select(c => new Row(c.Id, c.Name, c.Status, counts[c.Id].Values.Sum(), counts[c.Id],
            appointments[c.Id].Booked, appointments[c.Id].Shown)).ToList();
    }
}
