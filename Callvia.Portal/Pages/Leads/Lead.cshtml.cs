using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Messaging;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Leads;

/// <summary>
/// One lead: contact details, custom fields, and its calls, messages and appointments as one timeline
/// (<see cref="LeadTimeline"/>). Admins edit it (<see cref="LeadEditor"/>, the API's <c>upsertLead</c> rules); anyone
/// of the client may stop all contact with its number (<see cref="SuppressionList"/>, like the API's <c>suppress</c>):
/// honouring "do not call me" is never held up by a role.
/// </summary>
public sealed class LeadModel(CallviaDbContext db, LeadTimeline timeline, LeadEditor editor, SuppressionList suppressions) : Hosting.PortalPage
{
    public sealed class EditForm
    {
        public string? FirstName { get; set; }
        public string? LastName { get; set; }
        public string? Phone { get; set; }
        public string? Email { get; set; }
        public string? TimeZone { get; set; }
    }

    [FromRoute] public Guid Id { get; set; }
    [BindProperty] public EditForm Edit { get; set; } = new();
    [BindProperty] public string? Reason { get; set; }

    public Lead Lead { get; private set; } = null!;
    public Campaign? Campaign { get; private set; }
    public Suppression? Suppression { get; private set; }
    public IReadOnlyList<TimelineEntry> Timeline { get; private set; } = [];
    public string? Notice { get; private set; }
    public bool Editing { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostEditAsync(CancellationToken ct)
    {
        if (!CanAdminister) return Forbidden();
        if (!await LoadAsync(ct)) return NotFound();
        var result = await editor.UpsertAsync(new LeadInput(Id, null, Edit.Phone ?? "", Edit.FirstName ?? "", Edit.LastName ?? "",
            Edit.Email ?? "", Edit.TimeZone ?? ""), ct);
        if (result.Issues.Count > 0)
        {
            foreach (var issue in result.Issues) ModelState.AddModelError("Edit." + char.ToUpperInvariant(issue.Field[0]) + issue.Field[1..], issue.Message);
            Editing = true;
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        return RedirectToPage(new { id = Id, saved = "lead" });
    }

    public async Task<IActionResult> OnPostSuppressAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct)) return NotFound();
        var (_, issues) = await suppressions.SuppressAsync(Lead.PhoneE164, Reason, ct);
        if (issues.Count > 0)
        {
            foreach (var issue in issues) ModelState.AddModelError(nameof(Reason), issue.Message);
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
            return Page();
        }
        return RedirectToPage(new { id = Id, saved = "suppressed" });
    }

    public async Task<IActionResult> OnPostLiftAsync(CancellationToken ct)
    {
        if (!CanAdminister) return Forbidden();
        if (!await LoadAsync(ct)) return NotFound();
        var (_, issues) = await suppressions.UnsuppressAsync(Lead.PhoneE164, ct);
        if (issues.Count > 0)
        {
            foreach (var issue in issues) ModelState.AddModelError("Lift", issue.Message);
            Response.StatusCode = issues[0].Code == "FORBIDDEN" ? StatusCodes.Status403Forbidden : StatusCodes.Status409Conflict;
            return Page();
        }
        return RedirectToPage(new { id = Id, saved = "lifted" });
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        // row-level security: another client's lead is not there at all, like one that never existed
        if (await db.Leads.AsNoTracking().SingleOrDefaultAsync(l => l.Id == Id, ct) is not { } lead) return false;
        Lead = lead;
        Campaign = await db.Campaigns.AsNoTracking().SingleOrDefaultAsync(c => c.Id == lead.CampaignId, ct);
        Suppression = await db.Suppressions.AsNoTracking().SingleOrDefaultAsync(s => s.PhoneE164 == lead.PhoneE164, ct);
        Timeline = await timeline.ForLeadAsync(lead.Id, ct);
        if (HttpMethods.IsGet(Request.Method))
        {
            Edit = new EditForm { FirstName = lead.FirstName, LastName = lead.LastName, Phone = Core.Leads.PhoneNumbers.ForPeople(lead.PhoneE164), Email = lead.Email, TimeZone = lead.TimeZone };
            Notice = Request.Query["saved"].ToString() switch
            {
                "lead" => "Saved.",
                "suppressed" => "This number will not be called or messaged again, in any campaign.",
                "lifted" => "The number may be contacted again.",
                _ => null,
            };
        }
        return true;
    }
}
