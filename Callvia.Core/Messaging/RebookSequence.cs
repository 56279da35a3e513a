using Callvia.Core.Appointments;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Callvia.Core.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Messaging;

/// <summary>
/// The rebook sequence after a no-show (design "Show verification"; docs/reminders.md): an SMS at once ("let's
/// reschedule" with the booking link), an email with the link 2 days later, a final SMS 4 days later, as SCHEDULED
/// messages of the no-show appointment. An SMS whose time falls in the lead's quiet hours goes at 08:00. It stops —
/// its pending messages CANCELLED with the reason — when the lead books again (<see cref="ReminderPlanner"/>), when the
/// appointment is corrected to shown (<see cref="StopForAppointmentAsync"/>);
/// and each message is checked again when it goes out (<see cref="ScheduledMessageSender"/>: opted out, booked again,
/// no longer a no-show, no booking page).
/// </summary>
public sealed class RebookSequence(CallviaDbContext db, TimeProvider clock)
{
    public static readonly IReadOnlyList<(string Kind, TimeSpan After, MessageChannel Channel)> Steps =
    [
        (MessageKinds.Rebook1, TimeSpan.Zero, MessageChannel.Sms),
        (MessageKinds.Rebook2, TimeSpan.FromDays(2), MessageChannel.Email),
        (MessageKinds.Rebook3, TimeSpan.FromDays(4), MessageChannel.Sms),
    ];

    public static readonly IReadOnlyList<string> Kinds = [.. Steps.Select(s => s.Kind)];

    /// <summary>
    /// Plans the sequence for appointments just verified as no-shows (tracked by this context; saved by the caller, in the
    /// same transaction as the verification). A lead who is gone, opted out or already booked again gets none.
    /// </summary>
    public async Task StartAsync(IReadOnlyCollection<Appointment> noShows, CancellationToken ct)
    {
        var withLead = noShows.Where(a => a.LeadId is not null && a.Status == AppointmentStatus.NoShow).ToList();
        if (withLead.Count == 0) return;
        var now = clock.GetUtcNow();
        var client = db.Clients.Local.FirstOrDefault() ?? await db.Clients.AsNoTracking().SingleAsync(ct);
        var leadIds = withLead.Select(a => a.LeadId!.Value).Distinct().ToList();
        var leads = await db.Leads.AsNoTracking().Where(l => leadIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, ct);
        var rebooked = await BookedAgainAsync(db, withLead, ct);
        var ids = withLead.Select(a => a.Id).ToList();
        var existing = await db.Messages.Where(m => m.AppointmentId != null && ids.Contains(m.AppointmentId.Value) && Kinds.Contains(m.Kind)).ToListAsync(ct);
        var templates = await db.MessageTemplates.AsNoTracking().ToListAsync(ct);

        foreach (var appointment in withLead)
        {
            if (!leads.TryGetValue(appointment.LeadId!.Value, out var lead) || lead.OptedOutAt is not null || rebooked.Contains(appointment.Id)) continue;
            var zone = Kpis.KpiPeriod.Zone(LeadTimeZone.Of(lead, appointment.AttendeeTimeZone ?? client.TimeZone));
            var values = MessageTemplates.Values(client, lead, appointment);
            foreach (var (kind, after, channel) in Steps)
            {
                if (client.MessageKindsOff.Contains(kind)) continue;
                var to = channel == MessageChannel.Sms ? lead.PhoneE164 : (lead.Email ?? appointment.AttendeeEmail)?.Trim();
                if (string.IsNullOrEmpty(to)) continue;
                var at = channel == MessageChannel.Sms ? ReminderSchedule.OutOfQuietHours(now + after, zone) : now + after;
                var template = MessageTemplates.Effective(MessageTemplates.Default(kind, channel)!, templates, client.MessageKindsOff);
                var text = MessageTemplates.Render(template.Subject, template.Body, channel, values);
                var message = existing.FirstOrDefault(m => m.AppointmentId == appointment.Id && m.Kind == kind && m.Channel == channel);
                if (message is null)
                {
                    db.Messages.Add(new Message
                    {
                        ClientId = appointment.ClientId, LeadId = lead.Id, AppointmentId = appointment.Id, Kind = kind, Channel = channel,
                        ToAddress = to, Body = text.Body, Subject = text.Subject, ScheduledFor = at,
                    });
                }
                // a sequence stopped before (a correction to shown, then back to no-show): its never-taken steps come back
                else if (message is { Status: MessageStatus.Cancelled, ClaimedAt: null, SentAt: null, ProviderMessageId: null })
                {
                    message.Status = MessageStatus.Scheduled;
                    message.Error = null;
                    message.ScheduledFor = at;
                    message.ToAddress = to;
                    message.Body = text.Body;
                    message.Subject = text.Subject;
                }
            }
        }
    }

    /// <summary>Cancels the pending rebook messages of one appointment (it was corrected to shown).</summary>
    public static async Task StopForAppointmentAsync(CallviaDbContext db, Guid appointmentId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        foreach (var m in await db.Messages.Where(m => m.AppointmentId == appointmentId && Kinds.Contains(m.Kind) && m.Status == MessageStatus.Scheduled).ToListAsync(ct))
            if (ReminderPlanner.Pending(m)) ReminderPlanner.Cancel(m, reason, now);
    }

    /// <summary>Cancels the pending rebook messages of every other appointment of the lead (the lead booked again).</summary>
    public static async Task StopForLeadAsync(CallviaDbContext db, Guid leadId, Guid bookedAppointmentId, string reason, DateTimeOffset now, CancellationToken ct)
    {
        var pending = await db.Messages
            .Where(m => m.LeadId == leadId && m.AppointmentId != bookedAppointmentId && Kinds.Contains(m.Kind) && m.Status == MessageStatus.Scheduled)
            .ToListAsync(ct);
        foreach (var m in pending.Concat(db.Messages.Local.Where(m => m.LeadId == leadId && m.AppointmentId != bookedAppointmentId && Kinds.Contains(m.Kind))).Distinct())
            if (ReminderPlanner.Pending(m)) ReminderPlanner.Cancel(m, reason, now);
    }

    /// <summary>The appointments (of <paramref name="appointments"/>) whose lead has a booked appointment starting at or after theirs.</summary>
    public static async Task<HashSet<Guid>> BookedAgainAsync(CallviaDbContext db, IReadOnlyCollection<Appointment> appointments, CancellationToken ct)
    {
        var leadIds = appointments.Where(a => a.LeadId is not null).Select(a => a.LeadId!.Value).Distinct().ToList();
        if (leadIds.Count == 0) return [];
        var booked = await db.Appointments.AsNoTracking()
            .Where(a => a.LeadId != null && leadIds.Contains(a.LeadId.Value) && a.Status == AppointmentStatus.Booked)
            .Select(a => new { a.Id, LeadId = a.LeadId!.Value, a.StartsAt }).ToListAsync(ct);
        return [.. appointments.Where(a => booked.Any(b => b.LeadId == a.LeadId && b.Id != a.Id && b.StartsAt >= a.StartsAt)).Select(a => a.Id)];
    }
}
