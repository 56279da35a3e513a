using System.Globalization;
using Callvia.Core.Data;
using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Billing;

/// <summary>A calendar month of a client's, in its time zone: <see cref="Start"/> (inclusive) to <see cref="End"/>, in UTC.</summary>
public sealed record BillingMonth(string Period, DateOnly FirstDay, DateTimeOffset Start, DateTimeOffset End)
{
    public string Label => FirstDay.ToString("MMMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>The local month before the one <paramref name="now"/> is in: what the close on the first bills.</summary>
    public static BillingMonth Previous(string timeZone, DateTimeOffset now)
    {
        var today = KpiPeriod.TodayIn(timeZone, now);
        var first = new DateOnly(today.Year, today.Month, 1).AddMonths(-1);
        return new(first.ToString("yyyy-MM", CultureInfo.InvariantCulture), first,
            KpiPeriod.LocalMidnight(first, timeZone), KpiPeriod.LocalMidnight(first.AddMonths(1), timeZone));
    }
}

/// <summary>
/// The month close (design "Billing", issue 16): on the first of each month in the client's time zone, the previous
/// month's unbilled usage becomes one invoice, one line per campaign, rounded to cents once at the total
/// (<see cref="UsageCost.Allocate"/> shares the rounded total among the lines). In one transaction, under the client's
/// billing lock: the invoice is recorded, its usage marked billed (the same statement that sums it), its lines written;
/// a rerun finds the month's invoice and bills nothing again (unique client, kind, period). Usage of an earlier month
/// reported after its close, or left over, goes on this invoice on lines of its own, marked late. No invoice for zero:
/// a total under half a cent stays unbilled and goes with the next month's. Simulated (sandbox) minutes are never
/// billed. Making the invoice in Stripe is <see cref="InvoiceIssuer"/>'s, after the commit. Works in the caller's tenant.
/// </summary>
public sealed class UsageInvoices(CallviaDbContext db, TenantContext tenant, TimeProvider clock, StripeGateway stripe)
{
    private sealed record UsageGroup(Guid? CampaignId, string? CampaignName, bool Late, int Calls, long Seconds, decimal Cost, DateTimeOffset Earliest);

    /// <summary>Closes the client's previous local month; the new invoice, or null when there is nothing to bill or it was closed already.</summary>
    public async Task<Invoice?> CloseAsync(CancellationToken ct)
    {
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("The month close is a client's.");
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var month = BillingMonth.Previous(client.TimeZone, clock.GetUtcNow());

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // the transaction is the unit (undone as a whole): no savepoints around its saves, two round trips less each
        db.Database.AutoSavepointsEnabled = false;
        await BillingLock.TakeAsync(db, clientId, "usage", ct);
        if (await db.Invoices.AnyAsync(i => i.Kind == InvoiceKind.Usage && i.Period == month.Period, ct)) return null;

        var now = clock.GetUtcNow();
        var invoice = new Invoice
        {
            ClientId = clientId, Kind = InvoiceKind.Usage, Period = month.Period, Currency = client.Currency,
            Description = $"Call minutes, {month.Label} (at {client.RatePerMinute.ToString("0.00##", CultureInfo.InvariantCulture)} {client.Currency.ToUpperInvariant()} per minute)",
        };
        InvoiceIssuer.Record(invoice, simulated: !stripe.IsConfigured, now);
        db.Invoices.Add(invoice);
        await db.SaveChangesAsync(ct);

        // one statement marks the usage billed and sums what it marked (with each campaign's name): nothing is billed
        // that is not summed, or twice
        var groups = await db.Database.SqlQuery<UsageGroup>($"""
            WITH billed AS (
                UPDATE usage_records u SET invoice_id = {invoice.Id}
                WHERE u.client_id = {clientId} AND u.invoice_id IS NULL AND NOT u.simulated AND u.occurred_at < {month.End}
                RETURNING u.campaign_id, u.seconds, u.cost, u.occurred_at),
            grouped AS (
                SELECT b.campaign_id, b.occurred_at < {month.Start} AS late, count(*)::int AS calls, sum(b.seconds)::bigint AS seconds,
                       sum(b.cost) AS cost, min(b.occurred_at) AS earliest
                FROM billed b
                GROUP BY 1, 2)
            SELECT g.campaign_id, c.name AS campaign_name, g.late, g.calls, g.seconds, g.cost, g.earliest
            FROM grouped g LEFT JOIN campaigns c ON c.client_id = {clientId} AND c.id = g.campaign_id
            """).ToListAsync(ct);
        var total = UsageCost.ToCents(groups.Sum(g => g.Cost));
        if (total == 0)
        {
            await tx.RollbackAsync(ct);
            db.ChangeTracker.Clear();
            return null;
        }

        var ordered = groups
            .OrderBy(g => g.Late)
            .ThenBy(g => g.CampaignName ?? "\uffff", StringComparer.OrdinalIgnoreCase)
            .ThenBy(g => g.CampaignId)
            .ToList();
        var shares = UsageCost.Allocate(ordered.Select(g => g.Cost).ToList());
        for (var i = 0; i < ordered.Count; i++)
        {
            var g = ordered[i];
            var campaign = g.CampaignId is null ? "Calls outside a campaign" : g.CampaignName ?? "A deleted campaign";
            var minutes = (g.Seconds / 60m).ToString("#,0.##", CultureInfo.InvariantCulture);
            var calls = g.Calls == 1 ? "1 call" : $"{g.Calls.ToString("N0", CultureInfo.InvariantCulture)} calls";
            db.InvoiceLines.Add(new InvoiceLine
            {
                ClientId = clientId, InvoiceId = invoice.Id, Position = i + 1, CampaignId = g.CampaignId,
                Calls = g.Calls, Seconds = g.Seconds, Cost = g.Cost, AmountCents = shares[i], Late = g.Late,
                Description = g.Late
                    ? $"{campaign}: late usage from before {month.Label} (from {KpiPeriod.TodayIn(client.TimeZone, g.Earliest):yyyy-MM-dd}), {minutes} min, {calls}"
                    : $"{campaign}: {minutes} min, {calls}, {month.Label}",
            });
        }
        invoice.AmountCents = total;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return invoice;
    }
}

/// <summary>
/// One client's billing of a kind at a time (the month close: "usage"; milestone counting: "milestones"): a
/// transaction-scoped advisory lock on the client and kind, so two jobs-service instances doing the same client's
/// billing take turns, and the second sees what the first committed.
/// </summary>
public static class BillingLock
{
    public static Task TakeAsync(CallviaDbContext db, Guid clientId, string kind, CancellationToken ct) =>
        db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtextextended({Key(clientId, kind)}, 0))", ct);

    /// <summary>The lock's key, for a statement that takes it with what it reads (<c>pg_advisory_xact_lock(hashtextextended(key, 0))</c>).</summary>
    public static string Key(Guid clientId, string kind) => "billing:" + kind + ":" + clientId;
}
