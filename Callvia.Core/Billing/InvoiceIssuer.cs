using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Callvia.Core.Billing;

/// <summary>
/// Makes a recorded invoice in Stripe, step by step (<see cref="InvoiceStep"/>): the customer when first needed (the
/// client's billing email, kept and reused), the draft invoice, its lines in one request, finalize, send (Stripe emails
/// it; collection "send_invoice"). Each step carries its deterministic idempotency key (<see cref="StripeGateway.Keys"/>)
/// and is recorded before the next starts, so a retry after a crash, a timeout or a 5xx resumes where it stopped and
/// Stripe ends with exactly one invoice. One instance works on an invoice at a time (a session advisory lock; the
/// other skips it). A transient failure is retried by the issuing sweep, up to <see cref="MaxAttempts"/>; a refusal
/// (a 4xx) or too many failures stops it visibly (<see cref="Invoice.IssueFailedAt"/>, the agency console). A simulated
/// invoice (no Stripe keys) is never sent. Works in the invoice's tenant.
/// </summary>
public sealed class InvoiceIssuer(CallviaDbContext db, StripeGateway stripe, TimeProvider clock, BillingLinks links, ILogger<InvoiceIssuer> logger)
{
    public const int MaxAttempts = 8;

    public enum Outcome { Issued, Retrying, Failed, Busy, Nothing }

    /// <summary>How a new invoice starts: a simulated one (no Stripe keys) is open at once, and shown as simulated.</summary>
    public static void Record(Invoice invoice, bool simulated, DateTimeOffset now)
    {
        invoice.Simulated = simulated;
        invoice.Status = simulated ? InvoiceStatus.Open : InvoiceStatus.Draft;
        if (simulated) invoice.IssuedAt = now;
    }

    public async Task<Outcome> IssueAsync(Guid invoiceId, CancellationToken ct)
    {
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (!await TryLockAsync(db, invoiceId, ct)) return Outcome.Busy;
            try { return await IssueLockedAsync(invoiceId, ct); }
            finally { await UnlockAsync(db, invoiceId); }
        }
        finally { await db.Database.CloseConnectionAsync(); }
    }

    /// <summary>
    /// The invoice's lock (a session advisory lock, on the open connection): held while it is made in Stripe and while
    /// the agency acts on it (<see cref="InvoiceActions"/>); false when someone else holds it.
    /// </summary>
    public static async Task<bool> TryLockAsync(CallviaDbContext db, Guid invoiceId, CancellationToken ct)
    {
        var key = $"invoice:{invoiceId}";
        return await db.Database.SqlQuery<bool>($"SELECT pg_try_advisory_lock(hashtextextended({key}, 0)) AS \"Value\"").SingleAsync(ct);
    }

    public static async Task UnlockAsync(CallviaDbContext db, Guid invoiceId)
    {
        var key = $"invoice:{invoiceId}";
        await db.Database.SqlQuery<bool>($"SELECT pg_advisory_unlock(hashtextextended({key}, 0)) AS \"Value\"").SingleAsync(CancellationToken.None);
    }

    private async Task<Outcome> IssueLockedAsync(Guid invoiceId, CancellationToken ct)
    {
        // keys removed after the invoice was recorded: it waits (the sweep comes back), it is not made up as simulated
        if (!stripe.IsConfigured) return Outcome.Nothing;
        var invoice = await db.Invoices.SingleOrDefaultAsync(i => i.Id == invoiceId, ct);
        if (invoice is null || invoice.Simulated || invoice.StripeStep == InvoiceStep.Sent || invoice.IssueFailedAt is not null || invoice.VoidedAt is not null)
            return Outcome.Nothing;
        var client = await db.Clients.SingleAsync(c => c.Id == invoice.ClientId, ct);
        try
        {
            if (client.StripeCustomerId is null)
            {
                client.StripeCustomerId = await stripe.CreateCustomerAsync(client.Id, client.Slug, client.Name, client.BillingEmail, invoice.StripeKeyRound, ct);
                await db.SaveChangesAsync(ct);
            }
            if (invoice.StripeStep == InvoiceStep.Recorded)
            {
                var made = await stripe.CreateInvoiceAsync(invoice, client.StripeCustomerId, Metadata(invoice, client), ct);
                invoice.StripeInvoiceId = made.Id;
                invoice.StripeStep = InvoiceStep.Created;
                await db.SaveChangesAsync(ct);
            }
            if (invoice.StripeStep == InvoiceStep.Created)
            {
                var lines = await db.InvoiceLines.AsNoTracking().Where(l => l.InvoiceId == invoice.Id).OrderBy(l => l.Position).ToListAsync(ct);
                var withLines = await stripe.AddLinesAsync(invoice, lines, ct);
                if (withLines.AmountDue != invoice.AmountCents)
                    throw new InvoiceMismatchException($"Stripe's draft {invoice.StripeInvoiceId} comes to {withLines.AmountDue} cents, not the {invoice.AmountCents} recorded here; it was left as a draft.");
                invoice.StripeStep = InvoiceStep.LinesAdded;
                await db.SaveChangesAsync(ct);
            }
            if (invoice.StripeStep == InvoiceStep.LinesAdded)
            {
                await FinalizedAsync(invoice, await stripe.FinalizeAsync(invoice, ct), ct);
                await db.SaveChangesAsync(ct);
            }
            if (invoice.StripeStep == InvoiceStep.Finalized)
            {
                await stripe.SendAsync(invoice, ct);
                invoice.StripeStep = InvoiceStep.Sent;
                invoice.IssueError = null;
                await db.SaveChangesAsync(ct);
            }
            return Outcome.Issued;
        }
        catch (Exception e) when (e is global::Stripe.StripeException or HttpRequestException or TaskCanceledException or TimeoutException or InvoiceMismatchException
                                  && !ct.IsCancellationRequested)
        {
            if (e is global::Stripe.StripeException { HttpStatusCode: >= System.Net.HttpStatusCode.InternalServerError })
                await ReconcileAsync(invoice, client, ct);
            invoice.IssueAttempts++;
            invoice.IssueError = StripeGateway.Describe(e);
            var givenUp = !StripeGateway.IsTransient(e) || invoice.IssueAttempts >= MaxAttempts;
            if (givenUp) invoice.IssueFailedAt = clock.GetUtcNow();
            await db.SaveChangesAsync(CancellationToken.None);
            if (givenUp)
                logger.LogError("Invoice {InvoiceId} of client {ClientId} could not be made in Stripe ({Step}, attempt {Attempt}): {Error}; given up, the agency console shows it",
                    invoice.Id, invoice.ClientId, invoice.StripeStep, invoice.IssueAttempts, invoice.IssueError);
            else
                logger.LogWarning("Invoice {InvoiceId} of client {ClientId} not made in Stripe yet ({Step}, attempt {Attempt}): {Error}; retried later under the same keys",
                    invoice.Id, invoice.ClientId, invoice.StripeStep, invoice.IssueAttempts, invoice.IssueError);
            return givenUp ? Outcome.Failed : Outcome.Retrying;
        }
    }

    private async Task FinalizedAsync(Invoice invoice, global::Stripe.Invoice open, CancellationToken ct)
    {
        invoice.Number = open.Number;
        invoice.HostedInvoiceUrl ??= open.HostedInvoiceUrl;
        if (invoice.Status == InvoiceStatus.Draft) invoice.Status = InvoiceStatus.Open;
        invoice.IssuedAt ??= open.StatusTransitions?.FinalizedAt is { } at ? new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : clock.GetUtcNow();
        invoice.StripeStep = InvoiceStep.Finalized;
        if (invoice.Kind == InvoiceKind.Milestone
            && await db.Milestones.SingleOrDefaultAsync(m => m.InvoiceId == invoice.Id, ct) is { Status: MilestoneStatus.Pending } milestone)
            milestone.Status = MilestoneStatus.Invoiced;
    }

    /// <summary>
    /// After a 5xx, whether the step was done is unknown, and Stripe replays the kept 5xx for its key: look in Stripe.
    /// Done: record it and go on from there. Not done: the next attempt uses a new round of keys
    /// (<see cref="Invoice.StripeKeyRound"/>). Sending is never tried under a new key (it would email the invoice twice):
    /// it is retried under its key and given up visibly. A look that fails itself changes nothing.
    /// </summary>
    private async Task ReconcileAsync(Invoice invoice, Client client, CancellationToken ct)
    {
        try
        {
            if (client.StripeCustomerId is null)
            {
                if (await stripe.FindCustomerAsync(client.Id, ct) is { } found) client.StripeCustomerId = found;
                else invoice.StripeKeyRound++;
                return;
            }
            switch (invoice.StripeStep)
            {
                case InvoiceStep.Recorded:
                    if (await stripe.FindInvoiceAsync(client.StripeCustomerId, invoice, ct) is { } made)
                    {
                        invoice.StripeInvoiceId = made.Id;
                        invoice.StripeStep = InvoiceStep.Created;
                    }
                    else invoice.StripeKeyRound++;
                    break;
                case InvoiceStep.Created:
                    var draft = await stripe.GetInvoiceAsync(invoice, ct);
                    if (draft.AmountDue == invoice.AmountCents && draft.Lines?.Data?.Count > 0) invoice.StripeStep = InvoiceStep.LinesAdded;
                    else if (draft.Lines?.Data is null or { Count: 0 }) invoice.StripeKeyRound++;
                    break;
                case InvoiceStep.LinesAdded:
                    var current = await stripe.GetInvoiceAsync(invoice, ct);
                    if (current.Status != "draft") await FinalizedAsync(invoice, current, ct);
                    else invoice.StripeKeyRound++;
                    break;
            }
        }
        catch (Exception e) when (e is global::Stripe.StripeException or HttpRequestException or TaskCanceledException or TimeoutException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("Looking in Stripe for invoice {InvoiceId} after a 5xx failed too: {Error}", invoice.Id, StripeGateway.Describe(e));
        }
    }

    /// <summary>What the Stripe invoice carries to find its way back here (and to the milestone's evidence).</summary>
    private Dictionary<string, string> Metadata(Invoice invoice, Client client)
    {
        var metadata = new Dictionary<string, string>
        {
            ["client_id"] = client.Id.ToString(), ["slug"] = client.Slug, ["invoice_id"] = invoice.Id.ToString(),
            ["kind"] = invoice.Kind == InvoiceKind.Usage ? "usage" : "milestone",
        };
        if (invoice.Period is { } period) metadata["period"] = period;
        if (invoice.MilestoneNumber is { } number)
        {
            metadata["milestone"] = number.ToString(System.Globalization.CultureInfo.InvariantCulture);
            metadata["evidence_url"] = links.MilestoneEvidence(client.Slug, number);
        }
        return metadata;
    }
}

/// <summary>Stripe's draft does not add up to what was recorded: nothing is finalized.</summary>
public sealed class InvoiceMismatchException(string message) : Exception(message);

/// <summary>The portal addresses billing puts on invoices.</summary>
public sealed class BillingLinks(IOptions<BillingOptions> billing, IOptions<TenancyOptions> tenancy)
{
    public string Origin(string slug) => billing.Value.PortalOrigin is { Length: > 0 } origin
        ? origin.Replace("{slug}", slug, StringComparison.Ordinal).TrimEnd('/')
        : $"https://{slug}.{tenancy.Value.RootDomain}";

    public string MilestoneEvidence(string slug, int number) => $"{Origin(slug)}/billing/milestones/{number}";
}
