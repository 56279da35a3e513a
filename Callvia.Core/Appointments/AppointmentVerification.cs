using Callvia.Core.Campaigns;
using Callvia.Core.Data;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Appointments;

/// <summary>What a verification did: the appointment as it is now, the status it had, and whether the outcome moved.</summary>
public sealed record VerificationResult(Appointment? Appointment, AppointmentStatus? Previous, bool Changed, List<FieldIssue> Issues);

/// <summary>
/// Show verification (design.md "Show verification"), in one place. The hierarchy: (1) the client's explicit
/// answer decides, yes or no; (2) else the lead's "yes" to the check-in; (3) else a qualifying call; (4) else no-show.
/// Step 1 is <see cref="RecordClientAnswerAsync"/>; steps 2–4 are the 48-hour sweep's (a later flow extends this
/// class with them, and it must never override a client's answer).
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
public sealed class AppointmentVerification(CallviaDbContext db, TimeProvider clock, KpiNotifier kpis)
{
    public const int MaxNote = 2000;

    /// <summary>Why the client cannot answer for this appointment now, or nothing.</summary>
    public static FieldIssue? RefuseClientAnswer(Appointment appointment, DateTimeOffset now) =>
        appointment.Status == AppointmentStatus.Cancelled || appointment.CancelledAt is not null
            ? new FieldIssue("id", "The appointment was cancelled: there is nothing to verify.")
            : now < appointment.StartsAt
                ? new FieldIssue("id", $"The appointment has not started yet (it starts at {appointment.StartsAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC): there is nothing to verify.")
                : null;

    /// <summary>Applies the client's answer to an appointment it may answer for; true when the outcome moved.</summary>
    public static bool ApplyClientAnswer(Appointment appointment, bool showed, string? note, DateTimeOffset now)
    {
        if (note is not null) appointment.ClientNote = note.Length == 0 ? null : note;
        var status = showed ? AppointmentStatus.Shown : AppointmentStatus.NoShow;
        if (appointment.ClientAnswer == showed && appointment.Status == status && appointment.VerificationSource == VerificationSource.Client)
            return false;
        appointment.ClientAnswer = showed;
        appointment.ClientAnsweredAt = now;
        appointment.Status = status;
        appointment.VerificationSource = VerificationSource.Client;
        appointment.VerifiedAt = now;
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
        var changed = ApplyClientAnswer(appointment, showed, note, now);
        await db.SaveChangesAsync(ct);
        // shown, verified and the show rate move with the outcome
        if (changed) await kpis.PublishAsync(appointment.ClientId, "appointments:verify");
        return new(appointment, previous, changed, []);
    }
}
