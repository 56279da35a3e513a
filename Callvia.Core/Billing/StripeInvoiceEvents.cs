using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace Callvia.Core.Billing;

/// <summary>
/// Applies Stripe's invoice.finalized / invoice.paid / invoice.payment_failed to the tenant's invoice
/// (by Stripe invoice id) and its milestone. Paid is final: a late finalized or failed event never
/// un-pays an invoice; a failure after finalization shows as failed until it is paid.
/// </summary>
public sealed class StripeInvoiceEvents(CallviaDbContext db)
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>
        { EventTypes.InvoiceFinalized, EventTypes.InvoicePaid, EventTypes.InvoicePaymentFailed };

    /// <summary>Parses with Stripe.net; an event of another API version train throws <see cref="StripeException"/>.</summary>
    public static Stripe.Event Parse(string json) => EventUtility.ParseEvent(json, throwOnApiVersionMismatch: true);

    public async Task ApplyAsync(Stripe.Event stripeEvent, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not Stripe.Invoice stripeInvoice) return;
        var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.StripeInvoiceId == stripeInvoice.Id, ct);
        if (invoice is null)
        {
            // an invoice made in Stripe itself: keep it visible to the client
            invoice = new Invoice
            {
                StripeInvoiceId = stripeInvoice.Id,
                Kind = stripeInvoice.Metadata?.GetValueOrDefault("kind") == "milestone" ? InvoiceKind.Milestone : InvoiceKind.Usage,
                Period = stripeInvoice.Metadata?.GetValueOrDefault("period"),
                AmountCents = stripeInvoice.AmountDue,
                Currency = stripeInvoice.Currency ?? "usd",
            };
            db.Invoices.Add(invoice);
        }
        invoice.HostedInvoiceUrl ??= stripeInvoice.HostedInvoiceUrl;
        var when = stripeEvent.Created == default ? DateTimeOffset.UtcNow : new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        switch (stripeEvent.Type)
        {
            case EventTypes.InvoiceFinalized:
                invoice.IssuedAt ??= when;
                if (invoice.Status == InvoiceStatus.Draft) invoice.Status = InvoiceStatus.Open;
                break;
            case EventTypes.InvoicePaymentFailed:
                invoice.IssuedAt ??= when;
                if (invoice.Status is InvoiceStatus.Draft or InvoiceStatus.Open)
                {
                    invoice.Status = InvoiceStatus.Failed;
                    invoice.FailureReason = stripeInvoice.NextPaymentAttempt is null
                        ? "The payment failed; Stripe will not retry it."
                        : $"The payment failed; Stripe retries on {stripeInvoice.NextPaymentAttempt:yyyy-MM-dd}.";
                }
                break;
            case EventTypes.InvoicePaid:
                invoice.IssuedAt ??= when;
                invoice.Status = InvoiceStatus.Paid;
                invoice.PaidAt ??= stripeInvoice.StatusTransitions?.PaidAt is { } paidAt ? new DateTimeOffset(DateTime.SpecifyKind(paidAt, DateTimeKind.Utc)) : when;
                invoice.FailureReason = null;
                break;
        }
        if (db.Entry(invoice).State != EntityState.Added
            && await db.Milestones.SingleOrDefaultAsync(m => m.InvoiceId == invoice.Id, ct) is { } milestone)
        {
            milestone.Status = invoice.Status switch
            {
                InvoiceStatus.Paid => MilestoneStatus.Paid,
                InvoiceStatus.Failed when milestone.Status != MilestoneStatus.Paid => MilestoneStatus.Failed,
                _ => milestone.Status == MilestoneStatus.Pending ? MilestoneStatus.Invoiced : milestone.Status,
            };
            if (invoice.Status == InvoiceStatus.Paid) milestone.PaidAt ??= invoice.PaidAt;
        }
    }
}
