using Callvia.Core.Billing;
using Callvia.Core.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Billing;

/// <summary>
/// The client's billing: this month's usage and the projected usage invoice, milestone progress (Core's
/// <see cref="BillingSummary"/>), the invoices newest first with their Stripe page, failed payments first and loud.
/// </summary>
public sealed class IndexModel(BillingSummary billing, CallviaDbContext db) : Hosting.PortalPage
{
    public const int Shown = 100;

    public UsagePeriod Usage { get; private set; } = null!;
    public MilestoneProgress Milestones { get; private set; } = null!;
    public IReadOnlyList<Invoice> Invoices { get; private set; } = [];
    public IReadOnlyList<Invoice> Failed { get; private set; } = [];
    public IReadOnlyDictionary<Guid, int> MilestoneOf { get; private set; } = new Dictionary<Guid, int>();
    /// <summary>Every milestone reached, newest first (one per 25 shown appointments: a short list), each with its evidence page.</summary>
    public IReadOnlyList<Milestone> Reached { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (Tenant.ClientId is null) return NotFound();
        (Usage, Milestones) = await billing.GetAsync(ct);
        Invoices = await db.Invoices.AsNoTracking().OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Take(Shown).ToListAsync(ct);
        // every failed payment, however old: it is what the client must act on
        Failed = await db.Invoices.AsNoTracking().Where(i => i.Status == InvoiceStatus.Failed).OrderByDescending(i => i.CreatedAt).ToListAsync(ct);
        var ids = Invoices.Select(i => i.Id).ToList();
        MilestoneOf = await db.Milestones.AsNoTracking().Where(m => m.InvoiceId != null && ids.Contains(m.InvoiceId.Value))
            .ToDictionaryAsync(m => m.InvoiceId!.Value, m => m.Number, ct);
        Reached = await db.Milestones.AsNoTracking().OrderByDescending(m => m.Number).ToListAsync(ct);
        return Page();
    }

    /// <summary>Only a Stripe-hosted https page is linked (the webhook stores what Stripe sends).</summary>
    public static bool Linkable(string? url) => Uri.TryCreate(url, UriKind.Absolute, out var u) && u.Scheme == Uri.UriSchemeHttps;

    public static decimal Amount(Invoice i) => i.AmountCents / 100m;
}
