using Callvia.Core.Appointments;
using Callvia.Core.Calls;
using Callvia.Core.Data;
using Callvia.Core.Messaging;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Leads;

/// <summary>One thing that happened to a lead: exactly one of a call, a message or an appointment.</summary>
public sealed record TimelineEntry(DateTimeOffset At, CallLog? Call = null, Message? Message = null, Appointment? Appointment = null);

/// <summary>
/// A lead's calls, messages and appointments as one history, newest first: a call at its start (else when it was
/// registered), a message when it was sent (else when it is due, else created), an appointment when it was booked.
/// Each kind's latest <see cref="PerKind"/> through its (lead_id, …) index; the lead's full history of one kind pages
/// through the API's lists. Works in the caller's tenant.
/// </summary>
public sealed class LeadTimeline(CallviaDbContext db)
{
    public const int PerKind = 100;

    public async Task<IReadOnlyList<TimelineEntry>> ForLeadAsync(Guid leadId, CancellationToken ct)
    {
        var calls = await db.CallLogs.AsNoTracking().Where(c => c.LeadId == leadId)
            .OrderByDescending(c => c.CreatedAt).ThenByDescending(c => c.Id).Take(PerKind).ToListAsync(ct);
        var messages = await db.Messages.AsNoTracking().Where(m => m.LeadId == leadId)
            .OrderByDescending(m => m.CreatedAt).ThenByDescending(m => m.Id).Take(PerKind).ToListAsync(ct);
        var appointments = await db.Appointments.AsNoTracking().Where(a => a.LeadId == leadId)
            .OrderByDescending(a => a.StartsAt).ThenByDescending(a => a.Id).Take(PerKind).ToListAsync(ct);
        return calls.Select(c => new TimelineEntry(c.StartedAt ?? c.CreatedAt, Call: c))
            .Concat(messages.Select(m => new TimelineEntry(m.SentAt ?? m.ScheduledFor ?? m.CreatedAt, Message: m)))
            .Concat(appointments.Select(a => new TimelineEntry(a.BookedAt ?? a.CreatedAt, Appointment: a)))
            .OrderByDescending(e => e.At).ToList();
    }
}
