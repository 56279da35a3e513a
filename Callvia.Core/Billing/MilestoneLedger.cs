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
    /// <summary>What the counting needs of the client, read with its milestone lock.</summary>
    private sealed record LedgerClient(Guid Id, string Slug, string Currency, int MilestoneSize, decimal MilestoneAmount);

    /// <summary>
    /// Brings the ledger up to date with the current status of <paramref name="appointmentIds"/> (saved already, in the
    /// caller's open transaction); returns the milestones this reached. Only the appointments named are looked at.
    /// <para>It runs inside every verification, so it takes few round trips (bench/billing.sh): the lock with the
    /// client's settings; the appointments with their counting entries (and the last milestone's number); the pool
    /// with the open places; one save (and, when milestones are made, one statement placing their entries).</para>
    /// </summary>
    public async Task<List<Milestone>> CountAsync(Guid clientId, IReadOnlyCollection<Guid> appointmentIds, CancellationToken ct)
    {
        if (appointmentIds.Count == 0) return [];
        if (db.Database.CurrentTransaction is null) throw new InvalidOperationException("Milestones are counted inside the verifying transaction.");
        var key = BillingLock.Key(clientId, "milestones");
        var client = await db.Database.SqlQuery<LedgerClient>($"""
            SELECT c.id, c.slug, c.currency, c.milestone_size, c.milestone_amount
            FROM (SELECT pg_advisory_xact_lock(hashtextextended({key}, 0))) l, clients c WHERE c.id = {clientId}
            """).SingleAsync(ct);
        var now = clock.GetUtcNow();
        var ids = appointmentIds.Distinct().ToArray();
        // (a join: at most one counting entry per appointment, by its unique index)
        var appointments = await (
            from a in db.Appointments.Where(a => ids.Contains(a.Id))
            join counting in db.MilestoneEntries.Where(e => e.RemovedAt == null) on a.Id equals counting.AppointmentId into entries
            from e in entries.DefaultIfEmpty()
            select new
            {
                a.Id, a.Status, a.VerificationSource, a.VerifiedAt, a.VerifiedBy, a.VerificationNote, a.Simulated, Entry = e,
                // the client's last milestone number, read under the lock (this statement starts after it is held)
                Last = db.Milestones.Where(m => m.ClientId == clientId).Max(m => (int?)m.Number),
            })
            .ToListAsync(ct);

        var added = new List<MilestoneEntry>();
        var removed = new List<MilestoneEntry>();
        foreach (var a in appointments)
        {
            var counts = a.Status == AppointmentStatus.Shown && !a.Simulated;
            if (counts && a.Entry is null)
            {
                var entry = new MilestoneEntry
                {
                    ClientId = clientId, AppointmentId = a.Id, Source = a.VerificationSource ?? VerificationSource.None,
                    VerifiedAt = a.VerifiedAt ?? now, VerifiedBy = a.VerifiedBy ?? "unknown", Note = a.VerificationNote, EnteredAt = now,
                };
                db.MilestoneEntries.Add(entry);
                added.Add(entry);
            }
            else if (!counts && a.Entry is { } entry)
            {
                entry.RemovedAt = now;
                entry.PlaceOpen = entry.MilestoneId is not null;
                entry.RemovedReason = $"Corrected to {(a.Status == AppointmentStatus.NoShow ? "no-show" : a.Status.ToString().ToLowerInvariant())}"
                    + $"{(a.VerifiedBy is { } by ? $" by {by}" : "")} at {(a.VerifiedAt ?? now).UtcDateTime:yyyy-MM-dd HH:mm} UTC.";
                removed.Add(entry);
            }
        }
        if (added.Count == 0 && removed.Count == 0) return [];
        return await SettleAsync(client, appointments.Max(a => a.Last) ?? 0, added, removed, now, ct);
    }

    /// <summary>
    /// Fills the places corrections left in milestones from the pool (oldest place first, each with the oldest of the
    /// pool), then makes every milestone the pool completes; saves it all.
    /// </summary>
    private async Task<List<Milestone>> SettleAsync(LedgerClient client, int last, List<MilestoneEntry> added, List<MilestoneEntry> removed, DateTimeOffset now, CancellationToken ct)
    {
        // the database's pool and open places (as saved: this call's changes are the tracked entries'), then this call's
        var saved = await db.MilestoneEntries.Where(e => e.ClientId == client.Id && ((e.RemovedAt == null && e.MilestoneId == null) || e.PlaceOpen)).ToListAsync(ct);
        var pool = saved.Concat(added).Where(e => e.RemovedAt == null && e.MilestoneId == null).Distinct()
            .OrderBy(e => e.VerifiedAt).ThenBy(e => e.Id).ToList();
        var holes = saved.Concat(removed).Where(e => e.PlaceOpen).Distinct().OrderBy(e => e.RemovedAt).ThenBy(e => e.Id).ToList();

        var next = 0;
        foreach (var hole in holes)
        {
            if (next == pool.Count) break;
            var entry = pool[next++];
            entry.MilestoneId = hole.MilestoneId;
            entry.Position = hole.Position;
            entry.ReplacesEntryId = hole.Id;
            hole.PlaceOpen = false;
        }

        var reached = new List<Milestone>();
        var placed = new List<(MilestoneEntry Entry, Guid Milestone, int Position)>();
        var size = Math.Max(1, client.MilestoneSize);
        if (pool.Count - next >= size)
        {
            while (pool.Count - next >= size)
            {
                var number = ++last;
                var milestone = new Milestone
                {
                    ClientId = client.Id, Number = number, ShownCount = number * size, Amount = client.MilestoneAmount, ReachedAt = now,
                };
                db.Milestones.Add(milestone);
                for (var position = 1; position <= size; position++)
                {
                    var entry = pool[next++];
                    // this call's new entries are inserted in their place; those saved before are placed in one statement below
                    if (db.Entry(entry).State == EntityState.Added) (entry.MilestoneId, entry.Position) = (milestone.Id, position);
                    else placed.Add((entry, milestone.Id, position));
                }
                var invoice = AddInvoice(client, milestone, now);
                milestone.InvoiceId = invoice.Id;
                if (invoice.Simulated) milestone.Status = MilestoneStatus.Invoiced;
                reached.Add(milestone);
            }
        }

        // no savepoint around the save (two round trips less): the verifying transaction is the unit, undone as a whole
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try { await db.SaveChangesAsync(ct); }
        finally { db.Database.AutoSavepointsEnabled = savepoints; }
        if (placed.Count > 0)
        {
            var entries = placed.Select(p => p.Entry.Id).ToArray();
            var milestones = placed.Select(p => p.Milestone).ToArray();
            var positions = placed.Select(p => p.Position).ToArray();
            await db.Database.ExecuteSqlAsync($"""
                UPDATE milestone_entries e SET milestone_id = x.milestone_id, position = x.position
                FROM unnest({entries}, {milestones}, {positions}) AS x(id, milestone_id, position)
                WHERE e.id = x.id AND e.milestone_id IS NULL AND e.removed_at IS NULL
                """, ct);
            foreach (var (entry, milestone, position) in placed)
            {
                (entry.MilestoneId, entry.Position) = (milestone, position);
                db.Entry(entry).State = EntityState.Detached;
            }
        }
        return reached;
    }

    /// <summary>
    /// The places corrections left: entries removed from a milestone whose place no counting entry holds yet
    /// (<see cref="MilestoneEntry.PlaceOpen"/>, one per place: a place's holder is the only entry that can leave it open).
    /// Read from a partial index, so the counting's cost does not grow with the ledger (bench/billing.sh).
    /// </summary>
    public static IQueryable<MilestoneEntry> Holes(CallviaDbContext db) => db.MilestoneEntries.Where(r => r.PlaceOpen);

    private Invoice AddInvoice(LedgerClient client, Milestone milestone, DateTimeOffset now)
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
