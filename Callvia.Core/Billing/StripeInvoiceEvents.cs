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
            if (invoice.Kind == InvoiceKind.Usage && invoice.Period is { } period
                && await db.Invoices.Where(i => i.Kind == InvoiceKind.Usage && i.Period == period).Select(i => i.StripeInvoiceId).FirstOrDefaultAsync(ct) is { } taken)
                throw new Webhooks.PoisonEventException(
                    $"Stripe invoice {stripeInvoice.Id} names usage period {period} in its metadata, which invoice {taken ?? "(not in Stripe yet)"} already is.");
            db.Invoices.Add(invoice);
        }
        invoice.HostedInvoiceUrl ??= stripeInvoice.HostedInvoiceUrl;
        var when = stripeEvent.Created == default ? DateTimeOffset.UtcNow : new DateTimeOffset(DateTime.SpecifyKind(stripeEvent.Created, DateTimeKind.Utc));
        // issued = when Stripe finalized it, which every event after finalization carries; without it, the earliest
        // event seen (every event comes after finalization): the same in any order of arrival
        var issued = stripeInvoice.StatusTransitions?.FinalizedAt is { } finalizedAt
            ? new DateTimeOffset(DateTime.SpecifyKind(finalizedAt, DateTimeKind.Utc)) : (DateTimeOffset?)null;
        switch (stripeEvent.Type)
        {
            case EventTypes.InvoiceFinalized:
                invoice.IssuedAt = Earliest(invoice.IssuedAt, issued, when);
                if (invoice.Status == InvoiceStatus.Draft) invoice.Status = InvoiceStatus.Open;
                break;
            case EventTypes.InvoicePaymentFailed:
                invoice.IssuedAt = Earliest(invoice.IssuedAt, issued, when);
                if (invoice.Status is InvoiceStatus.Draft or InvoiceStatus.Open)
                {
                    invoice.Status = InvoiceStatus.Failed;
                    invoice.FailureReason = stripeInvoice.NextPaymentAttempt is null
                        ? "The payment failed; Stripe will not retry it."
                        : $"The payment failed; Stripe retries on {stripeInvoice.NextPaymentAttempt:yyyy-MM-dd}.";
                }
                break;
            case EventTypes.InvoicePaid:
                invoice.IssuedAt = Earliest(invoice.IssuedAt, issued, when);
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

    private static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset? finalizedAt, DateTimeOffset eventTime) =>
        finalizedAt ?? (current is { } c && c < eventTime ? c : eventTime);
}
