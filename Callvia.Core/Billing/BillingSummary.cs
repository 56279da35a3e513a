using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Kpis;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Billing;

/// <summary>The client's usage in its current local month, and what the next usage invoice would be if it closed now.</summary>
public sealed record UsagePeriod(DateOnly FirstDay, DateOnly LastDay, int Calls, long Seconds, decimal Cost,
    int UnbilledCalls, decimal UnbilledCost, long ProjectedCents, decimal RatePerMinute, string Currency)
{
    public decimal Minutes => UsageCost.Minutes(Seconds);
}

/// <summary>
/// Shown appointments toward the client's next milestone (every <see cref="Size"/>th shown appointment), from the ledger
/// (<see cref="MilestoneLedger"/>): <see cref="Shown"/> appointments count, <see cref="Pool"/> of them wait for the next
/// milestone, and <see cref="OpenPlaces"/> places that corrections left in milestones already reached are filled first.
/// </summary>
public sealed record MilestoneProgress(int Shown, int Size, int Reached, int Pool, int OpenPlaces, decimal Amount, string Currency)
{
    public int Next => Reached + 1;
    /// <summary>Shown appointments counted toward the next milestone (0 to <see cref="Size"/>).</summary>
    public int TowardNext => Math.Clamp(Pool, 0, Size);
}

/// <summary>
/// The billing figures a client reads (the portal's billing page): the current period is the client's local calendar
/// month (usage by when the call ended); the projected invoice is every usage record not yet on an invoice (this month's
/// and any late one of an earlier month, which the next close bills too), summed unrounded and rounded to cents once
/// (<see cref="UsageCost.ToCents"/>). Milestone progress counts shown appointments against the milestones reached.
/// Works in the caller's tenant.
/// </summary>
public sealed class BillingSummary(CallviaDbContext db, TenantContext tenant, TimeProvider clock)
{
    public async Task<(UsagePeriod Usage, MilestoneProgress Milestones)> GetAsync(CancellationToken ct)
    {
        var clientId = tenant.ClientId ?? throw new InvalidOperationException("Billing is a client's.");
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var today = KpiPeriod.TodayIn(client.TimeZone, clock.GetUtcNow());
        var first = new DateOnly(today.Year, today.Month, 1);
        var period = new KpiPeriod(KpiPeriod.ThisMonth, first, first.AddMonths(1).AddDays(-1));
        var range = period.ToRange(client.TimeZone, null);

        var month = await db.UsageRecords.AsNoTracking().Where(u => u.OccurredAt >= range.From && u.OccurredAt < range.To)
            .GroupBy(_ => 1).Select(g => new { Calls = g.Count(), Seconds = g.Sum(u => (long)u.Seconds), Cost = g.Sum(u => u.Cost) }).SingleOrDefaultAsync(ct);
        // simulated minutes (the sandbox) are never invoiced
        var unbilled = await db.UsageRecords.AsNoTracking().Where(u => u.InvoiceId == null && !u.Simulated)
            .GroupBy(_ => 1).Select(g => new { Calls = g.Count(), Cost = g.Sum(u => u.Cost) }).SingleOrDefaultAsync(ct);
        var usage = new UsagePeriod(period.FirstDay, period.LastDay, month?.Calls ?? 0, month?.Seconds ?? 0, month?.Cost ?? 0,
            unbilled?.Calls ?? 0, unbilled?.Cost ?? 0, UsageCost.ToCents(unbilled?.Cost ?? 0), client.RatePerMinute, client.Currency);

        return (usage, await MilestonesAsync(client, ct));
    }

    public async Task<MilestoneProgress> MilestonesAsync(Client client, CancellationToken ct)
    {
        var counting = await db.MilestoneEntries.AsNoTracking().Where(e => e.RemovedAt == null)
            .GroupBy(_ => 1).Select(g => new { Shown = g.Count(), Pool = g.Count(e => e.MilestoneId == null) }).SingleOrDefaultAsync(ct);
        var milestones = await db.Milestones.AsNoTracking().GroupBy(_ => 1)
            .Select(g => new { Reached = g.Max(m => m.Number) }).SingleOrDefaultAsync(ct);
        var open = await MilestoneLedger.Holes(db).AsNoTracking().Select(r => new { r.MilestoneId, r.Position }).Distinct().CountAsync(ct);
        return new MilestoneProgress(counting?.Shown ?? 0, client.MilestoneSize, milestones?.Reached ?? 0, counting?.Pool ?? 0, open,
            client.MilestoneAmount, client.Currency);
    }
}
