using Callvia.Core.Calls;
using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Messaging;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Appointments;

/// <summary>What a verification did: the appointment as it is now, the status it had, and whether the outcome moved.</summary>
public sealed record VerificationResult(Appointment? Appointment, AppointmentStatus? Previous, bool Changed, List<FieldIssue> Issues);

/// <summary>
/// Show verification (design.md "Show verification"), in one place. The hierarchy: (1) the client's explicit
/// answer decides, yes or no; (2) else the lead's "yes" to the check-in; (3) else a qualifying call; (4) else no-show.
/// Step 1 is <see cref="RecordClientAnswerAsync"/>; steps 2–4 are the 48-hour sweep's (<see cref="VerifyDueAsync"/>,
/// <see cref="Decide"/>), which takes only appointments still BOOKED, so it never overrides a client's answer. Each
/// outcome records the rule that decided (<see cref="Appointment.VerificationSource"/>) and its evidence in words
/// (<see cref="Appointment.VerificationNote"/>: the lead's reply, the call), which the billing evidence shows. A no-show
/// starts the rebook sequence (<see cref="RebookSequence"/>) in the same transaction; a correction to shown stops it.
/// Every changed outcome is announced in one place, <see cref="AnnounceAsync"/> (the KPIs, and billing's milestones).
/// <para>Decisions where the design is silent:</para>
/// <list type="bullet">
/// <item>A cancelled appointment is refused: it did not take place, there is nothing to verify.</item>
/// <item>An appointment that has not started yet is refused: nothing to verify. From its start on the client may
/// answer (the lead may have arrived before it ends).</item>
/// <item>The client may correct its answer: the latest answer decides (status, answer, answered-at and verified-at
/// move with it), also over an outcome the sweep decided earlier. The same answer again changes nothing but the note.</item>
/// <item>An answer or a correction never touches milestone invoices already issued: a milestone counts shown
/// appointments when it is reached and stays issued. Milestones and the rebook sequence after a no-show belong to the
/// billing and verification flows, which read <see cref="VerificationResult.Changed"/> and <see cref="VerificationResult.Previous"/>.</item>
/// <item>The note is at most <see cref="MaxNote"/> characters; null keeps the note, "" clears it.</item>
/// </list>
/// Any signed-in caller of the client may answer (client users and admins, its partner applications, agency admins
/// inside the client): the answer is the client's, whoever of its people records it.
/// </summary>
public sealed class AppointmentVerification(CallviaDbContext db, TimeProvider clock, KpiNotifier kpis, RebookSequence rebook,
    Billing.MilestoneLedger milestones, Auditing.IAuditCaller caller)
{
    public const int MaxNote = 2000;
    /// <summary>Who decides when the client has not: <see cref="Appointment.VerifiedBy"/> of the 48-hour rule.</summary>
    public const string RuleActor = "Callvia (48-hour rule)";

    /// <summary>A call counts from this long before the start (design: 10 minutes)...</summary>
    public static readonly TimeSpan CallFrom = TimeSpan.FromMinutes(10);
    /// <summary>...to this long after the end (30 minutes)...</summary>
    public static readonly TimeSpan CallUntil = TimeSpan.FromMinutes(30);
    /// <summary>...when it lasted over this many seconds (45).</summary>
    public const int CallOverSeconds = 45;

    /// <param name="Milestones">The milestones these verifications reached (their invoices are recorded, to be made in Stripe).</param>
    public sealed record SweepResult(int Verified, int Shown, int NoShows, IReadOnlyList<Billing.Milestone>? Milestones = null);

    /// <summary>
    /// The 48-hour rule's decision for an appointment the client has not answered for: the lead's YES to the check-in;
    /// else the lead's first call starting from <see cref="CallFrom"/> before the start to <see cref="CallUntil"/> after
    /// the end and lasting over <see cref="CallOverSeconds"/> s; else a no-show. With the evidence in words.
    /// </summary>
    public static (AppointmentStatus Status, VerificationSource Source, string Note) Decide(Appointment a, IEnumerable<CallLog> leadCalls)
    {
        if (a.LeadAnswer == true)
            return (AppointmentStatus.Shown, VerificationSource.Lead, $"The lead replied YES to the check-in{(a.LeadAnsweredAt is { } at ? $" at {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC" : "")}.");
        var call = leadCalls
            .Where(c => c.LeadId == a.LeadId && a.LeadId is not null && c.StartedAt is { } s && s >= a.StartsAt - CallFrom && s <= a.EndsAt + CallUntil && c.DurationSeconds > CallOverSeconds)
            .OrderBy(c => c.StartedAt).FirstOrDefault();
        if (call is not null)
            return (AppointmentStatus.Shown, VerificationSource.Call,
                $"A call with the lead ({call.ProviderCallId}, {call.DurationSeconds} s) started at {call.StartedAt!.Value.UtcDateTime:yyyy-MM-dd HH:mm} UTC, between 10 minutes before the start and 30 minutes after the end.");
        return (AppointmentStatus.NoShow, VerificationSource.None,
            "No answer from the client within 48 hours of the end, no YES from the lead to the check-in, and no call with the lead of over 45 s from 10 minutes before the start to 30 minutes after the end.");
    }

    /// <summary>
    /// Verifies up to <paramref name="limit"/> of the client's appointments still BOOKED 48 hours after their end, oldest
    /// first, in one transaction: their rows are locked (SKIP LOCKED: another instance takes others), decided, the
    /// no-shows' rebook sequences planned, all saved together. Returns what it did; fewer than the limit: none is left.
    /// </summary>
    public async Task<SweepResult> VerifyDueAsync(int limit, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cutoff = now - ReminderSchedule.VerifyAfter;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var due = await db.Appointments.FromSql($"""
            SELECT * FROM appointments WHERE status = 'booked' AND ends_at <= {cutoff} ORDER BY ends_at LIMIT {limit} FOR UPDATE SKIP LOCKED
            """).ToListAsync(ct);
        if (due.Count == 0) return new(0, 0, 0);
        var leadIds = due.Where(a => a.LeadId is not null).Select(a => a.LeadId!.Value).Distinct().ToList();
        var (from, until) = (due.Min(a => a.StartsAt) - CallFrom, due.Max(a => a.EndsAt) + CallUntil);
        var calls = leadIds.Count == 0 ? [] : await db.CallLogs.AsNoTracking()
            .Where(c => c.LeadId != null && leadIds.Contains(c.LeadId.Value) && c.StartedAt >= from && c.StartedAt <= until && c.DurationSeconds > CallOverSeconds)
            .ToListAsync(ct);
        var byLead = calls.ToLookup(c => c.LeadId);
        foreach (var a in due)
        {
            (a.Status, var source, a.VerificationNote) = Decide(a, byLead[a.LeadId]);
            a.VerificationSource = source;
            a.VerifiedAt = now;
            a.VerifiedBy = RuleActor;
        }
        var noShows = due.Where(a => a.Status == AppointmentStatus.NoShow).ToList();
        await rebook.StartAsync(noShows, ct);
        await db.SaveChangesInBulkAsync(ct);
        var reached = await milestones.CountAsync(due[0].ClientId, due.Where(a => a.Status == AppointmentStatus.Shown).Select(a => a.Id).ToList(), ct);
        await tx.CommitAsync(ct);
        await AnnounceAsync(due[0].ClientId, "appointments:verify");
        return new(due.Count, due.Count - noShows.Count, noShows.Count, reached);
    }

    /// <summary>
    /// The one place a changed outcome is announced after its commit: the dashboards' KPIs move (shown, verified, show
    /// rate). Billing's milestones are counted before the commit, in the verifying transaction (<see cref="Billing.MilestoneLedger"/>).
    /// </summary>
    private Task AnnounceAsync(Guid clientId, string reason) => kpis.PublishAsync(clientId, reason);

    /// <summary>Why the client cannot answer for this appointment now, or nothing.</summary>
    public static FieldIssue? RefuseClientAnswer(Appointment appointment, DateTimeOffset now) =>
        appointment.Status == AppointmentStatus.Cancelled || appointment.CancelledAt is not null
            ? new FieldIssue("id", "The appointment was cancelled: there is nothing to verify.")
            : now < appointment.StartsAt
                ? new FieldIssue("id", $"The appointment has not started yet (it starts at {appointment.StartsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC): there is nothing to verify.")
                : null;

    /// <summary>Applies the client's answer to an appointment it may answer for; true when the outcome moved.</summary>
    public static bool ApplyClientAnswer(Appointment appointment, bool showed, string? note, DateTimeOffset now, string by = "the client")
    {
        if (note is not null) appointment.ClientNote = note.Length == 0 ? null : note;
        var status = showed ? AppointmentStatus.Shown : AppointmentStatus.NoShow;
        if (appointment.ClientAnswer == showed && appointment.Status == status && appointment.VerificationSource == VerificationSource.Client)
            return false;
        appointment.ClientAnswer = showed;
        appointment.ClientAnsweredAt = now;
        appointment.Status = status;
        appointment.VerificationSource = VerificationSource.Client;
        appointment.VerificationNote = $"The client answered {(showed ? "that the lead came" : "that the lead did not come")} at {now.UtcDateTime:yyyy-MM-dd HH:mm} UTC.";
        appointment.VerifiedAt = now;
        appointment.VerifiedBy = by.Length > 320 ? by[..320] : by;
        return true;
    }

    /// <summary>The client's explicit answer for one of its appointments (another client's is NOT_FOUND).</summary>
    public async Task<VerificationResult> RecordClientAnswerAsync(Guid appointmentId, bool showed, string? note, CancellationToken ct)
    {
        note = note?.Trim();
        if (Validation.TextInput.Problem("The note", note) is { } unstorable)
            return new(null, null, false, [new FieldIssue("note", unstorable)]);
        if (note is { Length: > MaxNote })
            return new(null, null, false, [new FieldIssue("note", $"The note is over {MaxNote:N0} characters.")]);
        var appointment = await db.Appointments.SingleOrDefaultAsync(a => a.Id == appointmentId, ct);
        if (appointment is null)
            return new(null, null, false, [new FieldIssue("id", "No such appointment.", "NOT_FOUND")]);
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10)); // timestamptz keeps microseconds: answer what a later read will show
        if (RefuseClientAnswer(appointment, now) is { } refused)
            return new(null, appointment.Status, false, [refused]);

        var previous = appointment.Status;
        var changed = ApplyClientAnswer(appointment, showed, note, now, Auditing.Audit.ActorOf(caller));
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        if (changed && appointment.Status == AppointmentStatus.NoShow) await rebook.StartAsync([appointment], ct);
        if (changed && appointment.Status == AppointmentStatus.Shown)
            await RebookSequence.StopForAppointmentAsync(db, appointment.Id, "Not sent: the client answered that the lead came.", now, ct);
        await db.SaveChangesAsync(ct);
        if (changed) await milestones.CountAsync(appointment.ClientId, [appointment.Id], ct);
        await tx.CommitAsync(ct);
        // shown, verified and the show rate move with the outcome
        if (changed) await AnnounceAsync(appointment.ClientId, "appointments:verify");
        return new(appointment, previous, changed, []);
    }
}
