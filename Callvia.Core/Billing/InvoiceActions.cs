using System.Globalization;
using Callvia.Core.Auditing;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Billing;

/// <summary>
/// What the agency does to an invoice (issue 16), each audited (the request, then what came of it), across clients
/// (<see cref="AgencyAccess"/>):
/// <list type="bullet">
/// <item><b>Void</b> an open (or failed) invoice: voided in Stripe under its key, then here; its milestone becomes VOID
/// (the milestone stays reached, its number is not used again) and a usage invoice's records stay on it (voiding does
/// not bill them again: that is a new decision, not a retry). A simulated invoice is voided here only. A draft still
/// being made in Stripe is refused: retry it or wait until it is open.</item>
/// <item><b>Credit</b> part or all of a paid invoice: a Stripe credit note to the customer's balance (the next invoice
/// uses it), at most what is left uncredited; recorded in <see cref="Invoice.CreditedCents"/>.</item>
/// <item><b>Retry</b> an invoice whose making in Stripe was given up: the issuing sweep takes it again, from its step,
/// under its keys.</item>
/// </list>
/// One action at a time per invoice, and never while the issuer works on it (the same advisory lock). A Stripe failure
/// changes nothing here and says what happened; trying again uses the same idempotency key, so Stripe does it once.
/// </summary>
public sealed class InvoiceActions(AgencyAccess agency, StripeGateway stripe, TimeProvider clock, IAuditCaller caller)
{
    public const int MaxReason = 500;

    public sealed record Result(Invoice? Invoice, List<FieldIssue> Issues)
    {
        public static Result Refused(string field, string message, string code = "VALIDATION") => new(null, [new FieldIssue(field, message, code)]);
    }

    public Task<Result> VoidAsync(Guid invoiceId, string? reason, CancellationToken ct)
    {
        if (Reason(reason) is { } bad) return Task.FromResult(bad);
        return OnInvoiceAsync("agency.void_invoice", invoiceId, reason!, async (db, invoice) =>
        {
            if (invoice.Status == InvoiceStatus.Void) return Result.Refused("id", "The invoice is void already.", "CONFLICT");
            if (invoice.Status == InvoiceStatus.Paid) return Result.Refused("id", "The invoice is paid: credit it instead of voiding it.", "CONFLICT");
            if (invoice.Status == InvoiceStatus.Draft && !invoice.Simulated && invoice.StripeInvoiceId is not null)
                return Result.Refused("id", "The invoice is still a draft being made in Stripe: retry it or wait until it is open, then void it.", "CONFLICT");
            if (!invoice.Simulated && invoice.StripeInvoiceId is not null
                && !await DoneInStripeAsync(db, invoice, () => stripe.VoidAsync(invoice, ct), async () => (await stripe.GetInvoiceAsync(invoice, ct)).Status == "void"))
                return StripeFailed;
            var now = clock.GetUtcNow();
            invoice.Status = InvoiceStatus.Void;
            invoice.VoidedAt = now;
            if (await db.Milestones.SingleOrDefaultAsync(m => m.InvoiceId == invoice.Id, ct) is { } milestone)
                milestone.Status = MilestoneStatus.Void;
            db.AuditLog.Add(Audit.Entry(caller, clock, "invoice.voided", invoice.ClientId,
                $"{Label(invoice)} of {Cents(invoice.AmountCents, invoice.Currency)}{(invoice.Simulated ? " (simulated: here only)" : "")}: {reason!.Trim()}"));
            await db.SaveChangesAsync(ct);
            return new Result(invoice, []);
        }, ct);
    }

    public Task<Result> CreditAsync(Guid invoiceId, decimal amount, string? reason, CancellationToken ct)
    {
        if (Reason(reason) is { } bad) return Task.FromResult(bad);
        if (amount <= 0 || decimal.Round(amount, 2) != amount)
            return Task.FromResult(Result.Refused("amount", "The amount must be above 0, in cents at most (two decimals)."));
        var cents = (long)(amount * 100m);
        return OnInvoiceAsync("agency.credit_invoice", invoiceId, $"{amount.ToString("0.00", CultureInfo.InvariantCulture)}: {reason!.Trim()}", async (db, invoice) =>
        {
            if (invoice.Status != InvoiceStatus.Paid)
                return Result.Refused("id", invoice.Status is InvoiceStatus.Open or InvoiceStatus.Failed
                    ? "The invoice is not paid: void it instead of crediting it." : "Only a paid invoice is credited.", "CONFLICT");
            if (invoice.Simulated || invoice.StripeInvoiceId is null) return Result.Refused("id", "A simulated invoice was never charged: there is nothing to credit.", "CONFLICT");
            var left = invoice.AmountCents - invoice.CreditedCents;
            if (cents > left)
                return Result.Refused("amount", $"At most {Cents(left, invoice.Currency)} is left to credit on this invoice.");
            var before = invoice.CreditedCents;
            if (!await DoneInStripeAsync(db, invoice, () => stripe.CreditAsync(invoice, cents, reason!.Trim(), ct),
                    async () => await stripe.CreditedAsync(invoice, ct) == before + cents))
                return StripeFailed;
            invoice.CreditedCents += cents;
            db.AuditLog.Add(Audit.Entry(caller, clock, "invoice.credited", invoice.ClientId,
                $"{Cents(cents, invoice.Currency)} of {Label(invoice)} ({Cents(invoice.CreditedCents, invoice.Currency)} credited of {Cents(invoice.AmountCents, invoice.Currency)}): {reason.Trim()}"));
            await db.SaveChangesAsync(ct);
            return new Result(invoice, []);
        }, ct);
    }

    public Task<Result> RetryAsync(Guid invoiceId, CancellationToken ct) =>
        OnInvoiceAsync("agency.retry_invoice", invoiceId, "", async (db, invoice) =>
        {
            if (invoice.IssueFailedAt is null || invoice.VoidedAt is not null || invoice.Simulated)
                return Result.Refused("id", "Only an invoice whose making in Stripe was given up is retried.", "CONFLICT");
            invoice.IssueFailedAt = null;
            invoice.IssueAttempts = 0;
            await db.SaveChangesAsync(ct);
            return new Result(invoice, []);
        }, ct);

    private async Task<Result> OnInvoiceAsync(string action, Guid invoiceId, string detail, Func<CallviaDbContext, Invoice, Task<Result>> work, CancellationToken ct)
    {
        return await agency.RunAsync(action, async (db, _) =>
        {
            await db.Database.OpenConnectionAsync(ct);
            try
            {
                if (!await InvoiceIssuer.TryLockAsync(db, invoiceId, ct))
                    return Result.Refused("id", "The invoice is being worked on right now (made in Stripe, or another action): try again in a minute.", "CONFLICT");
                try
                {
                    if (await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId, ct) is not { } invoice)
                        return Result.Refused("id", "No such invoice.", "NOT_FOUND");
                    if (!invoice.Simulated && invoice.StripeInvoiceId is not null && !stripe.IsConfigured)
                        return Result.Refused("id", "The invoice is in Stripe, and Stripe's keys are not configured here: nothing was done.", "STRIPE");
                    try { return await work(db, invoice); }
                    catch (Exception e) when (e is global::Stripe.StripeException or HttpRequestException or TaskCanceledException or TimeoutException && !ct.IsCancellationRequested)
                    {
                        // nothing changed here; the same key makes a retry do it once in Stripe
                        return Result.Refused("id", $"Stripe did not do it: {StripeGateway.Describe(e)}. Nothing changed here; trying again is safe.", "STRIPE");
                    }
                }
                finally { await InvoiceIssuer.UnlockAsync(db, invoiceId); }
            }
            finally { await db.Database.CloseConnectionAsync(); }
        }, detail: $"invoice {invoiceId}{(detail.Length > 0 ? ": " + detail : "")}", ct: ct);
    }

    private static readonly Result StripeFailed = Result.Refused("id", "Stripe had a problem and did not do it. Nothing changed here; trying again is safe.", "STRIPE");

    /// <summary>
    /// Does a Stripe request; true when it is done. After a 5xx whether it was done is unknown, and Stripe replays the
    /// kept 5xx for the key: look in Stripe. Done: true. Not done: the next try uses a new round of keys (saved now),
    /// and false. Anything else that fails goes to the caller (nothing changed; the same key makes a retry safe).
    /// </summary>
    private static async Task<bool> DoneInStripeAsync(CallviaDbContext db, Invoice invoice, Func<Task> request, Func<Task<bool>> done)
    {
        try
        {
            await request();
            return true;
        }
        catch (global::Stripe.StripeException e) when (e.HttpStatusCode >= System.Net.HttpStatusCode.InternalServerError)
        {
            if (await done()) return true;
            invoice.StripeKeyRound++;
            await db.SaveChangesAsync(CancellationToken.None);
            return false;
        }
    }

    private static Result? Reason(string? reason) =>
        reason?.Trim() is not { Length: > 0 } r ? Result.Refused("reason", "Say why (the client and the audit log read it).")
        : r.Length > MaxReason ? Result.Refused("reason", $"The reason is over {MaxReason} characters.")
        : Validation.TextInput.Problem("The reason", r) is { } problem ? Result.Refused("reason", problem)
        : null;

    private static string Label(Invoice i) => i.Kind == InvoiceKind.Milestone ? $"milestone {i.MilestoneNumber} invoice" : $"usage invoice {i.Period}";

    private static string Cents(long cents, string currency) =>
        $"{(cents / 100m).ToString("#,0.00", CultureInfo.InvariantCulture)} {currency.ToUpperInvariant()}";
}
