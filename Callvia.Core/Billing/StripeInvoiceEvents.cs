using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;
using Stripe;

namespace Callvia.Core.Billing;

/// <summary>
/// Applies Stripe's invoice.finalized / invoice.paid / invoice.payment_failed to the tenant's invoice
/// (by Stripe invoice id) and its milestone. Paid is final: a late finalized or failed event never
/// un-pays an invoice; a failure after finalization shows as failed until it is paid.
/// </summary>
public sealed class StripeInvoiceEvents(CallviaDbContext db, TimeProvider clock)
{
    public static readonly IReadOnlySet<string> Types = new HashSet<string>
        { EventTypes.InvoiceFinalized, EventTypes.InvoicePaid, EventTypes.InvoicePaymentFailed };

    /// <summary>Parses with Stripe.net; an event of another API version train throws <see cref="StripeException"/>.</summary>
    public static Stripe.Event Parse(string json) => EventUtility.ParseEvent(json, throwOnApiVersionMismatch: true);

    public async Task ApplyAsync(Stripe.Event stripeEvent, CancellationToken ct)
    {
        if (stripeEvent.Data.Object is not Stripe.Invoice stripeInvoice) return;
        var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.StripeInvoiceId == stripeInvoice.Id, ct);
        // ours, made before its Stripe id was recorded (a crash between the two): the metadata names it
        if (invoice is null && Guid.TryParse(stripeInvoice.Metadata?.GetValueOrDefault("invoice_id"), out var ownId)
            && await db.Invoices.SingleOrDefaultAsync(i => i.Id == ownId && i.StripeInvoiceId == null, ct) is { } own)
        {
            invoice = own;
            invoice.StripeInvoiceId = stripeInvoice.Id;
            if (invoice.StripeStep == InvoiceStep.Recorded) invoice.StripeStep = InvoiceStep.Created;
        }
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
                // made in Stripe already: nothing for the issuer to do
                StripeStep = InvoiceStep.Sent,
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
                    await WarnAsync(invoice, stripeInvoice, ct);
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

    /// <summary>
    /// The client's warning of a failed payment: an email to its billing address, sent by the message dispatcher (at most
    /// once: one per invoice and attempt, by idempotency key). Without a billing address there is no email; the failed
    /// invoice shows on the client's billing page and the agency console either way.
    /// </summary>
    private async Task WarnAsync(Invoice invoice, Stripe.Invoice stripeInvoice, CancellationToken ct)
    {
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == invoice.ClientId, ct);
        if (string.IsNullOrWhiteSpace(client.BillingEmail)) return;
        var key = $"payment_failed:{invoice.Id}:{stripeInvoice.AttemptCount}";
        if (await db.Messages.AnyAsync(m => m.IdempotencyKey == key, ct)) return;
        var amount = (invoice.AmountCents / 100m).ToString("N2", System.Globalization.CultureInfo.InvariantCulture) + " " + invoice.Currency.ToUpperInvariant();
        var what = invoice.Kind == InvoiceKind.Usage ? $"call minutes of {invoice.Period}" : $"milestone {invoice.MilestoneNumber}";
        db.Messages.Add(new Messaging.Message
        {
            ClientId = invoice.ClientId, Kind = Messaging.MessageKinds.PaymentFailed, Channel = Messaging.MessageChannel.Email,
            ToAddress = client.BillingEmail.Trim(), IdempotencyKey = key, ScheduledFor = clock.GetUtcNow(),
            Subject = $"Payment failed: Callvia invoice {invoice.Number ?? invoice.StripeInvoiceId} ({amount})",
            Body = $"Hello {client.Name},\n\nthe payment of your Callvia invoice {invoice.Number ?? invoice.StripeInvoiceId} for {what} ({amount}) failed. "
                   + (stripeInvoice.NextPaymentAttempt is { } next ? $"Stripe will try again on {next:yyyy-MM-dd}. " : "Stripe will not try again. ")
                   + (invoice.HostedInvoiceUrl is { } url ? $"You can pay it here: {url}\n" : "\n")
                   + "\nYour billing page in the Callvia portal shows every invoice.\n",
        });
    }

    private static DateTimeOffset Earliest(DateTimeOffset? current, DateTimeOffset? finalizedAt, DateTimeOffset eventTime) =>
        finalizedAt ?? (current is { } c && c < eventTime ? c : eventTime);
}
