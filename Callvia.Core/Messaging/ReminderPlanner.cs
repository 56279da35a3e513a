using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Messaging;

/// <summary>
/// Keeps an appointment's reminders and its check-in in step with the booking (design "Booking"; docs/reminders.md), called wherever an
/// appointment changes (the Cal.com events, <see cref="CalcomBookingEvents"/>). A booked appointment of a lead who may be
/// messaged gets the reminders <see cref="ReminderSchedule.Plan"/> says, as SCHEDULED messages (one per appointment, kind
/// and channel: a unique index); a reminder not yet taken by a sender moves with the appointment's time; one the plan no
/// longer has (its time passed, its kind off) and every pending one of a cancelled appointment, or of a lead who opted
/// out, is CANCELLED with the reason. A reminder already taken or sent is never touched: nothing goes twice. A reschedule
/// in Cal.com is a new booking (its own appointment and reminders) and the cancellation of the original (whose pending
/// reminders are cancelled).
/// </summary>
public sealed class ReminderPlanner(CallviaDbContext db, TimeProvider clock)
{
    /// <summary>What the planner owns on an appointment: its reminders and its check-in.</summary>
    private static readonly string[] Planned = [.. ReminderSchedule.Kinds, MessageKinds.CheckIn];

    private List<MessageTemplate>? _templates;

    public async Task SyncAsync(IEnumerable<Appointment> appointments, CancellationToken ct)
    {
        foreach (var appointment in appointments.DistinctBy(a => a.Id))
            await SyncAsync(appointment, ct);
    }

    public async Task SyncAsync(Appointment appointment, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var existing = db.Messages.Local.Where(m => m.AppointmentId == appointment.Id && Planned.Contains(m.Kind)).ToList();
        if (db.Entry(appointment).State != EntityState.Added)
            existing = [.. existing.Union(await db.Messages.Where(m => m.AppointmentId == appointment.Id && Planned.Contains(m.Kind)).ToListAsync(ct))];
        var lead = appointment.LeadId is { } leadId ? await db.Leads.FindAsync([leadId], ct) : null;

        string? stop = appointment.Status != AppointmentStatus.Booked ? "The appointment was cancelled."
            : lead is null ? null // kept for when the booking finds its lead
            : lead.OptedOutAt is not null ? "The lead opted out of messages."
            : null;
        if (stop is not null || lead is null || appointment.StartsAt == default)
        {
            foreach (var m in existing.Where(Pending)) Cancel(m, stop ?? "The booking matches no lead: there is no one to remind.", now);
            return;
        }

        var client = db.Clients.Local.FirstOrDefault(c => c.Id == appointment.ClientId) ?? await db.Clients.SingleAsync(ct);
        var zone = Kpis.KpiPeriod.Zone(LeadTimeZone.Of(lead, appointment.AttendeeTimeZone ?? client.TimeZone));
        var enabled = Planned.Where(k => !client.MessageKindsOff.Contains(k)).ToHashSet();
        var plan = ReminderSchedule.Plan(appointment.StartsAt, zone, now, enabled).ToList();
        if (enabled.Contains(MessageKinds.CheckIn) && ReminderSchedule.PlanCheckIn(appointment.EndsAt, zone, now) is { } checkIn)
            plan.Add(new PlannedReminder(MessageKinds.CheckIn, MessageChannel.Sms, checkIn, appointment.EndsAt + ReminderSchedule.CheckInAfter));
        // a lead who books again is done with the rebook sequence of an earlier no-show
        await RebookSequence.StopForLeadAsync(db, lead.Id, appointment.Id, "Not sent: the lead booked again.", now, ct);
        var values = MessageTemplates.Values(client, lead, appointment);
        _templates ??= await db.MessageTemplates.AsNoTracking().ToListAsync(ct);

        foreach (var step in plan)
        {
            var to = step.Channel == MessageChannel.Sms ? lead.PhoneE164 : (lead.Email ?? appointment.AttendeeEmail)?.Trim();
            if (string.IsNullOrEmpty(to)) continue;
            var template = MessageTemplates.Effective(MessageTemplates.Default(step.Kind, step.Channel)!, _templates, client.MessageKindsOff);
            var text = MessageTemplates.Render(template.Subject, template.Body, step.Channel, values);
            var message = existing.FirstOrDefault(m => m.Kind == step.Kind && m.Channel == step.Channel);
            if (message is null)
            {
                message = new Message
                {
                    ClientId = appointment.ClientId, LeadId = lead.Id, AppointmentId = appointment.Id, Kind = step.Kind, Channel = step.Channel,
                    ToAddress = to, Body = text.Body, Subject = text.Subject, ScheduledFor = step.SendAt,
                };
                db.Messages.Add(message);
                existing.Add(message);
                continue;
            }
            // taken by a sender, sent, failed: it stays as it is (never twice); one cancelled before it was ever taken comes back
            if (!(Pending(message) || message is { Status: MessageStatus.Cancelled, ClaimedAt: null, SentAt: null, ProviderMessageId: null }))
                continue;
            message.Status = MessageStatus.Scheduled;
            message.Error = null;
            message.ScheduledFor = step.SendAt;
            message.ToAddress = to;
            message.Body = text.Body;
            message.Subject = text.Subject;
            message.LeadId = lead.Id;
            message.UpdatedAt = now;
        }
        foreach (var m in existing.Where(Pending).Where(m => !plan.Any(p => p.Kind == m.Kind && p.Channel == m.Channel)))
            Cancel(m, enabled.Contains(m.Kind)
                ? "Not sent: its time had passed (or fell in the SMS quiet hours with a later text covering it) when the appointment was planned."
                : "Not sent: this kind of reminder is turned off.", now);
    }

    /// <summary>Scheduled and not taken by a sender yet: free to move or cancel.</summary>
    public static bool Pending(Message m) => m.Status == MessageStatus.Scheduled && m.ClaimedAt is null && m.ProviderMessageId is null;

    internal static void Cancel(Message m, string reason, DateTimeOffset now)
    {
        m.Status = MessageStatus.Cancelled;
        m.Error = reason;
        m.UpdatedAt = now;
    }
}
