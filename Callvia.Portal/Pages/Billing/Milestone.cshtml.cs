using System.Text;
using Callvia.Core.Billing;
using Microsoft.AspNetCore.Mvc;

namespace Callvia.Portal.Pages.Billing;

/// <summary>
/// A milestone's evidence (Core's <see cref="MilestoneEvidence"/>): its appointments, how each was verified (the rule of
/// the hierarchy, when, by whom), the ones corrected out and the places left to fill; with its invoice. The Stripe
/// invoice links here. Three views of the same sheet: the page, <c>/evidence.csv</c> (a download) and <c>/print</c> (a
/// page of its own without the portal's navigation, to print or save as PDF). Every member of the client may read it.
/// </summary>
public sealed class MilestoneModel(MilestoneEvidence evidence) : Hosting.PortalPage
{
    [FromRoute] public int Number { get; set; }
    [FromRoute] public string? View { get; set; }

    public MilestoneEvidenceSheet Sheet { get; private set; } = null!;
    public bool Printable => View == "print";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Tenant.ClientId is null || View is not (null or "print" or "evidence.csv")) return NotFound();
        if (await evidence.GetAsync(Number, ct) is not { } sheet) return NotFound();
        Sheet = sheet;
        if (View == "evidence.csv")
            return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(MilestoneEvidence.Csv(sheet))).ToArray(),
                "text/csv; charset=utf-8", $"{Tenant.Tenant!.Slug}-milestone-{Number}-evidence.csv");
        return Page();
    }

    public static decimal Amount(Invoice i) => i.AmountCents / 100m;
}
