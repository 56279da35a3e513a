using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Messaging;

/// <summary>
/// Sends one client's scheduled messages (reminders, check-ins, rebook steps) that a jobs-service instance has taken
/// (<c>app_claim_due_messages</c> set their <c>claimed_at</c>, so no other instance takes them, and a crash leaves them to
/// the interrupted-message sweep, never sent again). Every rule is checked again at the moment of sending, because the
/// world moved since the message was planned: a message is CANCELLED, with the reason, when its lead is gone or opted
/// out, the number is on the do-not-contact list, the address bounced, the client turned its kind off, its appointment
/// is no longer booked or has started (a reminder), the client has answered or the appointment was verified (a
/// check-in), the appointment is no longer a no-show, the lead booked again or the client has no booking page (a rebook
/// step), or an SMS would go out inside the lead's quiet hours (a backlog pushed it there). The text is rendered again from the client's current template with the current lead and appointment. The
/// rest are handed to the providers (<see cref="MessageDelivery.HandOverAsync"/>), <see cref="Parallelism"/> at once,
/// and the outcomes saved together.
/// </summary>
public sealed class ScheduledMessageSender(CallviaDbContext db, MessageDelivery delivery, TimeProvider clock)
{
    public const int Parallelism = 16;

    public sealed record SendResult(int HandedOver, int Cancelled);

    public async Task<SendResult> SendAsync(IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var messages = await db.Messages
            .Where(m => ids.Contains(m.Id) && m.Status == MessageStatus.Scheduled && m.ProviderMessageId == null && m.Direction == MessageDirection.Outbound)
            .ToListAsync(ct);
        if (messages.Count == 0) return new(0, 0);
        var now = clock.GetUtcNow();
        var client = await db.Clients.AsNoTracking().SingleAsync(ct);
        var leadIds = messages.Where(m => m.LeadId is not null).Select(m => m.LeadId!.Value).Distinct().ToList();
        var leads = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var appointmentIds = messages.Where(m => m.AppointmentId is not null).Select(m => m.AppointmentId!.Value).Distinct().ToList();
        var appointments = await db.Appointments.AsNoTracking().Where(a => appointmentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        var phones = messages.Where(m => m.Channel == MessageChannel.Sms).Select(m => m.ToAddress)
            .Concat(leads.Values.Select(l => l.PhoneE164)).Distinct().ToList();
        var suppressed = (await db.Suppressions.Where(s => phones.Contains(s.PhoneE164)).Select(s => s.PhoneE164).ToListAsync(ct)).ToHashSet();
        var emails = messages.Where(m => m.Channel == MessageChannel.Email).Select(m => m.ToAddress.Trim().ToLowerInvariant()).Distinct().ToList();
        var bounced = (await db.EmailBounces.Where(b => emails.Contains(b.Email)).Select(b => b.Email).ToListAsync(ct)).ToHashSet();
        var templates = await db.MessageTemplates.AsNoTracking().ToListAsync(ct);
        var bookedAgain = await RebookSequence.BookedAgainAsync(db,
            [.. messages.Where(m => RebookSequence.Kinds.Contains(m.Kind) && m.AppointmentId is not null)
                .Select(m => appointments.GetValueOrDefault(m.AppointmentId!.Value)).OfType<Appointment>().DistinctBy(a => a.Id)], ct);
        // every reminder of these appointments that is due too (taken in this batch or not): after an outage only the latest goes
        var dueReminders = (await db.Messages.AsNoTracking()
            .Where(m => m.AppointmentId != null && appointmentIds.Contains(m.AppointmentId.Value) && ReminderSchedule.Kinds.Contains(m.Kind)
                        && m.Status == MessageStatus.Scheduled && m.ScheduledFor <= now)
            .Select(m => new DueReminder(m.Id, m.AppointmentId!.Value, m.Kind, m.Channel, m.ScheduledFor!.Value)).ToListAsync(ct))
            .Where(m => !client.MessageKindsOff.Contains(m.Kind)).ToList();

        var sending = new List<Message>();
        var cancelled = 0;
        foreach (var message in messages)
        {
            var lead = message.LeadId is { } l ? leads.GetValueOrDefault(l) : null;
            var appointment = message.AppointmentId is { } a ? appointments.GetValueOrDefault(a) : null;
            if ((Refusal(message, client, lead, appointment, suppressed, bounced, bookedAgain, now) ?? Superseded(message, dueReminders)) is { } reason)
            {
                message.Status = MessageStatus.Cancelled;
                message.Error = reason;
                cancelled++;
                continue;
            }
            if (MessageTemplates.Default(message.Kind, message.Channel) is { } defaults)
            {
                var template = MessageTemplates.Effective(defaults, templates, client.MessageKindsOff);
                var text = MessageTemplates.Render(template.Subject, template.Body, message.Channel, MessageTemplates.Values(client, lead, appointment));
                message.Body = text.Body;
                message.Subject = text.Subject;
            }
            sending.Add(message);
        }

        // handed over even when the caller is stopping: a message taken is either sent and recorded, or left to the sweep
        await Parallel.ForEachAsync(sending, new ParallelOptions { MaxDegreeOfParallelism = Parallelism },
            async (message, _) => await delivery.HandOverAsync(message, client.Name));
        // one statement per set of changed columns, in one transaction (the bulk writer runs on an open connection)
        await using var tx = await db.Database.BeginTransactionAsync(CancellationToken.None);
        await db.SaveChangesInBulkAsync(CancellationToken.None);
        await tx.CommitAsync(CancellationToken.None);
        return new(sending.Count, cancelled);
    }

    private sealed record DueReminder(Guid Id, Guid AppointmentId, string Kind, MessageChannel Channel, DateTimeOffset ScheduledFor);

    /// <summary>A reminder whose appointment has a later reminder on the same channel due as well (a backlog): that one goes instead.</summary>
    private static string? Superseded(Message message, List<DueReminder> due) =>
        message.AppointmentId is { } appointment && ReminderSchedule.Kinds.Contains(message.Kind)
        && due.Any(o => o.AppointmentId == appointment && o.Channel == message.Channel && o.Id != message.Id && o.ScheduledFor > message.ScheduledFor)
            ? "Not sent: a later reminder of the same appointment was due as well when its turn came, and went instead."
            : null;

    /// <summary>Why this message must not go out now, or null when it may.</summary>
    public static string? Refusal(Message message, Client client, Lead? lead, Appointment? appointment,
        IReadOnlySet<string> suppressedPhones, IReadOnlySet<string> bouncedEmails, IReadOnlySet<Guid> bookedAgain, DateTimeOffset now)
    {
        // the reply to a STOP: the one text that goes to a number that just opted out (carriers and the TCPA expect it at once)
        if (message.Kind == MessageKinds.OptOutConfirmation) return null;
        if (message.LeadId is not null && lead is null) return "Not sent: the lead was deleted.";
        if (lead?.OptedOutAt is not null) return "Not sent: the lead opted out of messages.";
        if (message.Channel == MessageChannel.Sms && (suppressedPhones.Contains(message.ToAddress) || (lead is not null && suppressedPhones.Contains(lead.PhoneE164))))
            return "Not sent: the number is on the do-not-contact list.";
        if (message.Channel == MessageChannel.Email && bouncedEmails.Contains(message.ToAddress.Trim().ToLowerInvariant()))
            return "Not sent: email to this address bounced before.";
        if (MessageTemplates.Switchable.Contains(message.Kind) && client.MessageKindsOff.Contains(message.Kind))
            return "Not sent: this kind of message is turned off.";
        if (ReminderSchedule.Kinds.Contains(message.Kind))
        {
            if (appointment is null || appointment.Status == AppointmentStatus.Cancelled) return "Not sent: the appointment was cancelled.";
            if (now >= appointment.StartsAt || appointment.Status != AppointmentStatus.Booked) return "Not sent: the appointment had started when its turn came.";
        }
        if (message.Kind == MessageKinds.CheckIn)
        {
            if (appointment is null || appointment.Status == AppointmentStatus.Cancelled) return "Not sent: the appointment was cancelled.";
            if (appointment.ClientAnswer is not null) return "Not sent: the client had already answered whether the lead came.";
            if (appointment.Status != AppointmentStatus.Booked) return "Not sent: the appointment was verified already.";
        }
        if (RebookSequence.Kinds.Contains(message.Kind))
        {
            if (appointment is null || appointment.Status != AppointmentStatus.NoShow) return "Not sent: the appointment is no longer a no-show.";
            if (bookedAgain.Contains(appointment.Id)) return "Not sent: the lead booked again.";
            if (string.IsNullOrWhiteSpace(client.BookingUrl)) return "Not sent: the client has no booking page to link to.";
        }
        if (message.Channel == MessageChannel.Sms)
        {
            var zone = Kpis.KpiPeriod.Zone(LeadTimeZone.Of(lead, appointment?.AttendeeTimeZone ?? client.TimeZone));
            if (ReminderSchedule.InQuietHours(now, zone)) return "Not sent: its turn came inside the lead's SMS quiet hours (21:00-08:00).";
        }
        return null;
    }
}
