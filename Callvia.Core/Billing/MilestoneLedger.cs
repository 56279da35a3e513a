using System.Globalization;
using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Billing;

/// <summary>
/// Milestone billing (design "Billing", issue 16): every <see cref="Tenancy.Client.MilestoneSize"/>th shown appointment of
/// a client reaches milestone number <c>count / size</c>, for <see cref="Tenancy.Client.MilestoneAmount"/>, with an
/// invoice. Kept as a ledger (<see cref="MilestoneEntry"/>): an appointment that becomes shown enters it with its
/// verification copied (the rule, when, by whom, the evidence); entries wait in the pool until there are
/// <c>size</c> of them, oldest verification first, and then make the next milestone and its invoice, in the same
/// transaction as the verification that completed it.
/// <para>Exactly once: counting runs inside the verifying transaction, after its changes are written, under the client's
/// milestone lock (<see cref="BillingLock"/>): two instances verifying at the same moment take turns, the second sees
/// the first's entries; an appointment has one counting entry at a time (a unique index), a milestone number one row
/// (unique client, number), and its invoice one row (unique client, milestone number).</para>
/// <para>Corrections (a decision of issue 16): a milestone once reached stays reached and its invoice stands. An
/// appointment corrected to not shown leaves the ledger (the entry is kept, marked removed, with who corrected it and
/// when); if it was in a milestone, that milestone has a place to fill, and the next appointment that becomes shown
/// fills it instead of counting toward a new milestone (its entry names the one it replaces). So the client never pays
/// for more milestones than <c>shown / size</c> once the places are filled, and every change is in the evidence. An
/// appointment corrected back to shown enters again like any other. Crediting a milestone whose place is never filled
/// is the agency's decision (a credit note, audited).</para>
/// </summary>
public sealed class MilestoneLedger(CallviaDbContext db, TimeProvider clock, StripeGateway stripe, BillingLinks links)
{
    /// <summary>
    /// Brings the ledger up to date with the current status of <paramref name="appointmentIds"/> (saved already, in the
    /// caller's open transaction); returns the milestones this reached. Only the appointments named are looked at.
    /// </summary>
    public async Task<List<Milestone>> CountAsync(Guid clientId, IReadOnlyCollection<Guid> appointmentIds, CancellationToken ct)
    {
        if (appointmentIds.Count == 0) return [];
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Milestones are counted inside the verifying transaction.");
        await BillingLock.TakeAsync(db, clientId, "milestones", ct);
        var now = clock.GetUtcNow();
        var ids = appointmentIds.Distinct().ToArray();
        var appointments = await db.Appointments.AsNoTracking().Where(a => ids.Contains(a.Id))
            .Select(a => new { a.Id, a.Status, a.VerificationSource, a.VerifiedAt, a.VerifiedBy, a.VerificationNote, a.Simulated }).ToListAsync(ct);
        var counting = await db.MilestoneEntries.Where(e => ids.Contains(e.AppointmentId) && e.RemovedAt == null).ToDictionaryAsync(e => e.AppointmentId, ct);

        var changed = false;
        foreach (var a in appointments)
        {
            var counts = a.Status == AppointmentStatus.Shown && !a.Simulated;
            var entry = counting.GetValueOrDefault(a.Id);
            if (counts && entry is null)
            {
                db.MilestoneEntries.Add(new MilestoneEntry
                {
                    ClientId = clientId, AppointmentId = a.Id, Source = a.VerificationSource ?? VerificationSource.None,
                    VerifiedAt = a.VerifiedAt ?? now, VerifiedBy = a.VerifiedBy ?? "unknown", Note = a.VerificationNote, EnteredAt = now,
                });
                changed = true;
            }
            else if (!counts && entry is not null)
            {
                entry.RemovedAt = now;
                entry.RemovedReason = $"Corrected to {(a.Status == AppointmentStatus.NoShow ? "no-show" : a.Status.ToString().ToLowerInvariant())}"
                    + $"{(a.VerifiedBy is { } by ? $" by {by}" : "")} at {(a.VerifiedAt ?? now).UtcDateTime:yyyy-MM-dd HH:mm} UTC.";
                changed = true;
            }
        }
        if (!changed) return [];
        await db.SaveChangesAsync(ct);
        return await SettleAsync(clientId, now, ct);
    }

    /// <summary>Fills the places corrections left in milestones from the pool, then makes every milestone the pool completes.</summary>
    private async Task<List<Milestone>> SettleAsync(Guid clientId, DateTimeOffset now, CancellationToken ct)
    {
        var pool = await db.MilestoneEntries.Where(e => e.ClientId == clientId && e.RemovedAt == null && e.MilestoneId == null)
            .OrderBy(e => e.VerifiedAt).ThenBy(e => e.Id).ToListAsync(ct);
        if (pool.Count == 0) return [];

        // places left by corrections: a removed entry's place that no counting entry of its milestone holds
        var holes = await Holes(db).Where(r => r.ClientId == clientId)
            .OrderBy(r => r.RemovedAt).ThenBy(r => r.Id)
            .Select(r => new { r.Id, r.MilestoneId, r.Position }).ToListAsync(ct);
        var taken = new HashSet<(Guid?, int?)>();
        var next = 0;
        foreach (var hole in holes)
        {
            if (next == pool.Count) break;
            if (!taken.Add((hole.MilestoneId, hole.Position))) continue;
            var entry = pool[next++];
            entry.MilestoneId = hole.MilestoneId;
            entry.Position = hole.Position;
            entry.ReplacesEntryId = hole.Id;
        }

        var reached = new List<Milestone>();
        var client = await db.Clients.AsNoTracking().SingleAsync(c => c.Id == clientId, ct);
        var size = Math.Max(1, client.MilestoneSize);
        if (pool.Count - next >= size)
        {
            var last = await db.Milestones.Where(m => m.ClientId == clientId).MaxAsync(m => (int?)m.Number, ct) ?? 0;
            while (pool.Count - next >= size)
            {
                var number = ++last;
                var milestone = new Milestone
                {
                    ClientId = clientId, Number = number, ShownCount = number * size, Amount = client.MilestoneAmount, ReachedAt = now,
                };
                db.Milestones.Add(milestone);
                for (var position = 1; position <= size; position++)
                {
                    var entry = pool[next++];
                    entry.MilestoneId = milestone.Id;
                    entry.Position = position;
                }
                var invoice = AddInvoice(client, milestone, now);
                milestone.InvoiceId = invoice.Id;
                if (invoice.Simulated) milestone.Status = MilestoneStatus.Invoiced;
                reached.Add(milestone);
            }
        }
        await db.SaveChangesAsync(ct);
        return reached;
    }

    /// <summary>
    /// The places corrections left: entries removed from a milestone whose place no counting entry holds (a place
    /// corrected twice shows twice here; count distinct milestone and position).
    /// </summary>
    public static IQueryable<MilestoneEntry> Holes(CallviaDbContext db) => db.MilestoneEntries
        .Where(r => r.RemovedAt != null && r.MilestoneId != null
                    && !db.MilestoneEntries.Any(e => e.MilestoneId == r.MilestoneId && e.Position == r.Position && e.RemovedAt == null));

    private Invoice AddInvoice(Tenancy.Client client, Milestone milestone, DateTimeOffset now)
    {
        var evidence = links.MilestoneEvidence(client.Slug, milestone.Number);
        var amount = UsageCost.ToCents(milestone.Amount);
        var invoice = new Invoice
        {
            ClientId = client.Id, Kind = InvoiceKind.Milestone, MilestoneNumber = milestone.Number, Currency = client.Currency, AmountCents = amount,
            Description = $"Milestone {milestone.Number}: {client.MilestoneSize} shown appointments ({milestone.ShownCount.ToString("N0", CultureInfo.InvariantCulture)} in all). Evidence: {evidence}",
        };
        InvoiceIssuer.Record(invoice, simulated: !stripe.IsConfigured, now);
        db.Invoices.Add(invoice);
        db.InvoiceLines.Add(new InvoiceLine
        {
            ClientId = client.Id, InvoiceId = invoice.Id, Position = 1, AmountCents = amount, Cost = milestone.Amount, Calls = 0,
            Description = $"Milestone {milestone.Number}: appointments {((milestone.Number - 1) * client.MilestoneSize + 1).ToString("N0", CultureInfo.InvariantCulture)}–{milestone.ShownCount.ToString("N0", CultureInfo.InvariantCulture)} shown (evidence: {evidence})",
        });
        return invoice;
    }
}
