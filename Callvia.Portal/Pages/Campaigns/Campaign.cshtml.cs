using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Kpis;
using Callvia.Core.Leads;
using Callvia.Core.Leads.Import;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Campaigns;

/// <summary>
/// One campaign: its numbers (all time, <see cref="KpiService"/> with the campaign filter, and its leads by status), its
/// latest leads (<see cref="LeadList"/>), its latest imports, and for admins its settings, its status moves
/// (<see cref="CampaignEditor"/>'s rules: draft → active ⇄ paused, anything → archived, archived is final) and the CSV upload.
/// </summary>
public sealed class CampaignModel(CallviaDbContext db, CampaignEditor editor, KpiService kpis, LeadList leads, Core.Dialer.DialerStatus dialer) : Hosting.PortalPage
{
    public const int LatestLeads = 10;

    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public CampaignForm Form { get; set; } = new();

    public Campaign Campaign { get; private set; } = null!;
    public KpiSnapshot Numbers { get; private set; } = null!;
    public IReadOnlyDictionary<LeadStatus, long> ByStatus { get; private set; } = new Dictionary<LeadStatus, long>();
    public IReadOnlyList<Lead> Leads { get; private set; } = [];
    public Core.Dialer.CampaignDialerStatus Dialer { get; private set; } = null!;
    public IReadOnlyList<LeadImport> Imports { get; private set; } = [];
    public string? Notice { get; private set; }
    public bool SettingsOpen { get; private set; }

    /// <summary>The moves open from the campaign's status, as (status, button label).</summary>
    public IEnumerable<(CampaignStatus Status, string Label)> Moves =>
        new[] { (CampaignStatus.Active, Campaign.Status == CampaignStatus.Paused ? "Resume" : "Activate"), (CampaignStatus.Paused, "Pause"), (CampaignStatus.Archived, "Archive") }
            .Where(m => m.Item1 != Campaign.Status && CampaignEditor.CanMove(Campaign.Status, m.Item1));

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        Form = CampaignForm.Of(Campaign);
        Notice = Request.Query["saved"].ToString() switch
        {
            "created" => "Campaign created as a draft. Upload its leads, then activate it to start calling.",
            "settings" => "Settings saved.",
            "active" => "The campaign is active: its leads are called inside their calling windows.",
            "paused" => "The campaign is paused: no new calls start; calls in progress finish.",
            "archived" => "The campaign is archived. It keeps its history and takes no new leads or calls.",
            _ => null,
        };
        return Page();
    }

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        if (!CanAdminister) return Forbidden();
        ModelState.Clear();
        if (!await LoadAsync(ct)) return NotFound();
        if (Form.Read(ModelState) is { } input)
        {
            var (saved, issues) = await editor.UpdateAsync(Id, input, ct);
            if (saved is not null) return Redirect($"/campaigns/{Id}?saved=settings");
            CampaignForm.Report(issues, ModelState);
        }
        SettingsOpen = true;
        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }

    public async Task<IActionResult> OnPostStatusAsync(string? status, CancellationToken ct)
    {
        if (!CanAdminister) return Forbidden();
        ModelState.Clear();
        if (!await LoadAsync(ct)) return NotFound();
        Form = CampaignForm.Of(Campaign);
        if (!Enum.TryParse<CampaignStatus>(status, ignoreCase: true, out var to) || !Enum.IsDefined(to))
        {
            ModelState.AddModelError("Status", "Choose activate, pause or archive.");
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var (moved, issues) = await editor.SetStatusAsync(Id, to, ct);
        if (moved is not null) return Redirect($"/campaigns/{Id}?saved={SnakeCaseEnum<CampaignStatus>.ToDb(to)}");
        foreach (var issue in issues) ModelState.AddModelError("Status", issue.Message);
        Response.StatusCode = StatusCodes.Status409Conflict;
        return Page();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        // row-level security: another client's campaign is not there, like one that never existed
        if (await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == Id, ct) is not { } campaign) return false;
        Campaign = campaign;
        Numbers = await kpis.GetAsync(new KpiRange(null, null, Id), ct);
        ByStatus = (await CampaignLeadCounts.ByStatusAsync(db, [Id], ct))[Id];
        Leads = await leads.PageAsync(new LeadListFilter(CampaignId: Id), LeadOrderField.CreatedAt, SortDirection.Desc, null, LatestLeads, ct);
        Imports = await db.LeadImports.AsNoTracking().Where(i => i.CampaignId == Id).OrderByDescending(i => i.CreatedAt).Take(5).ToListAsync(ct);
        Dialer = await dialer.ForCampaignAsync(campaign, ct);
        return true;
    }
}
