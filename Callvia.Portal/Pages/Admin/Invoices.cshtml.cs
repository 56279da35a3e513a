using System.Globalization;
using Callvia.Core.Billing;
using Callvia.Core.Tenancy;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Portal.Pages.Admin;

/// <summary>
/// The agency console's invoices (admin host, agency admins only): first what needs the agency (failed payments, and
/// invoices whose making in Stripe was given up, each with Stripe's last answer), then the latest invoices of every
/// client. Void an open or failed invoice, credit a paid one, retry one given up (Core's <see cref="InvoiceActions"/>,
/// the API's rules, audited; a reason is asked for each void and credit).
/// </summary>
public sealed class InvoicesModel(AgencyAccess agency, InvoiceActions actions) : Hosting.PortalPage
{
    public const int Latest = 50;

    public sealed record Row(Invoice Invoice, string ClientName, string ClientSlug);

    public IReadOnlyList<Row> Attention { get; private set; } = [];
    public IReadOnlyList<Row> Recent { get; private set; } = [];
    public string? Notice { get; private set; }
    public string? Error { get; private set; }
    /// <summary>The invoice the error is about, to show it next to its row's form.</summary>
    public Guid? ErrorFor { get; private set; }

    public override async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context,
        Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
    {
        if (!Tenant.IsAdminHost) { context.Result = NotFound(); return; } // the console is the admin host's only
        await next();
    }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Notice = Request.Query["saved"].ToString() switch
        {
            "voided" => "Invoice voided.", "credited" => "Credit note issued: the client's next invoice uses it.",
            "retried" => "Invoice queued again: the billing job makes it in Stripe within a minute.", _ => null,
        };
        await LoadAsync(ct);
    }

    public Task<IActionResult> OnPostVoidAsync(Guid invoiceId, string? reason, CancellationToken ct) =>
        ActAsync(invoiceId, "voided", actions.VoidAsync(invoiceId, reason, ct), ct);

    public Task<IActionResult> OnPostCreditAsync(Guid invoiceId, string? amount, string? reason, CancellationToken ct)
    {
        if (!decimal.TryParse(amount?.Trim().TrimStart('$'), NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
            return ActAsync(invoiceId, "credited", Task.FromResult(InvoiceActions.Result.Refused("amount", "Give an amount such as 25.00.")), ct);
        return ActAsync(invoiceId, "credited", actions.CreditAsync(invoiceId, value, reason, ct), ct);
    }

    public Task<IActionResult> OnPostRetryAsync(Guid invoiceId, CancellationToken ct) =>
        ActAsync(invoiceId, "retried", actions.RetryAsync(invoiceId, ct), ct);

    private async Task<IActionResult> ActAsync(Guid invoiceId, string saved, Task<InvoiceActions.Result> action, CancellationToken ct)
    {
        var result = await action;
        if (result.Issues.Count == 0) return Redirect($"/invoices?saved={saved}");
        Error = string.Join(" ", result.Issues.Select(i => i.Message));
        ErrorFor = invoiceId;
        await LoadAsync(ct);
        Response.StatusCode = result.Issues.Any(i => i.Code == "NOT_FOUND") ? StatusCodes.Status404NotFound
            : result.Issues.Any(i => i.Code is "CONFLICT" or "STRIPE") ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        (Attention, Recent) = await agency.RunAsync("console.list_invoices", async (db, _) =>
        {
            var rows = from i in db.Invoices.AsNoTracking()
                       join c in db.Clients.AsNoTracking() on i.ClientId equals c.Id
                       select new { Invoice = i, c.Name, c.Slug };
            var attention = await rows.Where(r => r.Invoice.Status == InvoiceStatus.Failed || (r.Invoice.IssueFailedAt != null && r.Invoice.VoidedAt == null))
                .OrderByDescending(r => r.Invoice.UpdatedAt).ToListAsync(ct);
            var recent = await rows.OrderByDescending(r => r.Invoice.CreatedAt).ThenByDescending(r => r.Invoice.Id).Take(Latest).ToListAsync(ct);
            return ((IReadOnlyList<Row>)attention.Select(r => new Row(r.Invoice, r.Name, r.Slug)).ToList(),
                (IReadOnlyList<Row>)recent.Select(r => new Row(r.Invoice, r.Name, r.Slug)).ToList());
        }, ct: ct);

    public static decimal Amount(long cents) => cents / 100m;

    public static string What(Invoice i) => i.Kind == InvoiceKind.Milestone ? $"Milestone {i.MilestoneNumber}" : $"Usage {i.Period}";
}
