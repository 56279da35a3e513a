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
    private sealed record LedgerClient(Guid Id, string Slug, string Currency, int MilestoneSize, decimal MilestoneAmount)
    {
        public int Size => Math.Max(1, MilestoneSize);
    }

    /// <summary>
    /// Brings the ledger up to date with the current status of <paramref name="appointmentIds"/> (saved already, in the
    /// caller's open transaction); returns the milestones this reached. Only the appointments named are looked at.
    /// <para>It runs inside every verification, so it takes few round trips (bench/billing.sh): the lock with the
    /// client's settings; the appointments with their counting entries (and the last milestone's number, the pool's
    /// size, the open places); one save. Only when a place is to be filled or a milestone reached: the pool and the open
    /// places themselves, and one statement placing a new milestone's entries.</para>
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
                // read under the lock (this statement starts after it is held): the last milestone's number, and how
                // many entries wait in the pool and places are open (most verifications need no more than that)
                Last = db.Milestones.Where(m => m.ClientId == clientId).Max(m => (int?)m.Number),
                Pool = Pool(db).Count(e => e.ClientId == clientId),
                Open = Holes(db).Count(e => e.ClientId == clientId),
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
        var (last, pool, open) = (appointments.Max(a => a.Last) ?? 0, appointments.Max(a => a.Pool), appointments.Max(a => a.Open));
        pool += added.Count - removed.Count(e => e.MilestoneId is null);
        open += removed.Count(e => e.MilestoneId is not null);
        if (open == 0 && pool < client.Size)
        {
            // no place to fill, no milestone reached: the new entries wait in the pool
            await SaveAsync(ct);
            return [];
        }
        return await SettleAsync(client, last, pool, open, added, removed, now, ct);
    }

    /// <summary>
    /// Fills the places corrections left in milestones from the pool (oldest place first, each with the oldest of the
    /// pool), then makes every milestone the pool completes; saves it all.
    /// </summary>
    private async Task<List<Milestone>> SettleAsync(LedgerClient client, int last, int poolSize, int open, List<MilestoneEntry> added, List<MilestoneEntry> removed, DateTimeOffset now, CancellationToken ct)
    {
        var size = client.Size;
        var reached = new List<Milestone>();
        if (open == 0)
        {
            // no place to fill: the oldest of the pool make the milestones, placed by the database in one statement after
            // the save (oldest verification first, then id, 25 to a milestone; the pool as Pool says it)
            for (var n = 0; n < poolSize / size; n++) reached.Add(NewMilestone(client, ++last, now));
            await SaveAsync(ct);
            var ids = reached.Select(m => m.Id).ToArray();
            var placed = await db.Database.SqlQuery<Placement>($"""
                UPDATE milestone_entries e SET milestone_id = ({ids}::uuid[])[(x.n - 1) / {size} + 1], position = (x.n - 1) % {size} + 1
                FROM (SELECT p.id, row_number() OVER (ORDER BY p.verified_at, p.id) AS n FROM milestone_entries p
                      WHERE p.client_id = {client.Id} AND p.removed_at IS NULL AND p.milestone_id IS NULL) x
                WHERE e.id = x.id AND x.n <= {ids.Length * size}
                RETURNING e.id, e.milestone_id, e.position
                """).ToListAsync(ct);
            if (placed.Count != ids.Length * size)
                throw new InvalidOperationException($"{placed.Count} ledger entries placed in {ids.Length} milestones of {size}: the pool changed under the lock.");
            // this call's new entries (tracked) as the database placed them
            var where = placed.ToDictionary(p => p.Id);
            foreach (var entry in added.Where(e => where.ContainsKey(e.Id)))
            {
                (entry.MilestoneId, entry.Position) = (where[entry.Id].MilestoneId, where[entry.Id].Position);
                db.Entry(entry).State = EntityState.Detached;
            }
            return reached;
        }

        // places to fill: the database's pool and open places (as saved: this call's changes are the tracked entries'),
        // then this call's
        var saved = await Pool(db).Concat(Holes(db)).Where(e => e.ClientId == client.Id).ToListAsync(ct);
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
        while (pool.Count - next >= size)
        {
            var milestone = NewMilestone(client, ++last, now);
            for (var position = 1; position <= size; position++)
                (pool[next].MilestoneId, pool[next++].Position) = (milestone.Id, position);
            reached.Add(milestone);
        }
        await SaveAsync(ct);
        return reached;
    }

    private sealed record Placement(Guid Id, Guid MilestoneId, int Position);

    /// <summary>Milestone <paramref name="number"/> of the client, reached now, with its invoice (added, not saved).</summary>
    private Milestone NewMilestone(LedgerClient client, int number, DateTimeOffset now)
    {
        var milestone = new Milestone
        {
            ClientId = client.Id, Number = number, ShownCount = number * client.Size, Amount = client.MilestoneAmount, ReachedAt = now,
        };
        db.Milestones.Add(milestone);
        var invoice = AddInvoice(client, milestone, now);
        milestone.InvoiceId = invoice.Id;
        if (invoice.Simulated) milestone.Status = MilestoneStatus.Invoiced;
        return milestone;
    }

    /// <summary>Saves without a savepoint (two round trips less): the verifying transaction is the unit, undone as a whole.</summary>
    private async Task SaveAsync(CancellationToken ct)
    {
        var savepoints = db.Database.AutoSavepointsEnabled;
        db.Database.AutoSavepointsEnabled = false;
        try { await db.SaveChangesAsync(ct); }
        finally { db.Database.AutoSavepointsEnabled = savepoints; }
    }

    /// <summary>
    /// The places corrections left: entries removed from a milestone whose place no counting entry holds yet
    /// (<see cref="MilestoneEntry.PlaceOpen"/>, one per place: a place's holder is the only entry that can leave it open).
    /// Read from a partial index, so the counting's cost does not grow with the ledger (bench/billing.sh).
    /// </summary>
    public static IQueryable<MilestoneEntry> Holes(CallviaDbContext db) => db.MilestoneEntries.Where(r => r.PlaceOpen);

    /// <summary>The pool: counting entries not in a milestone yet (the partial index <c>ix_milestone_entries_pool</c>).</summary>
    public static IQueryable<MilestoneEntry> Pool(CallviaDbContext db) => db.MilestoneEntries.Where(e => e.RemovedAt == null && e.MilestoneId == null);

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
