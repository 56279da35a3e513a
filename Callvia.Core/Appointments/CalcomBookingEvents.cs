using Callvia.Core.Tenancy;
using System.Text.Json;
using static Callvia.Core.JsonFields;
using Callvia.Core.Data;
using Callvia.Core.Leads;
using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Appointments;

/// <summary>
/// Applies Cal.com's BOOKING_CREATED / BOOKING_RESCHEDULED / BOOKING_CANCELLED. Every booking uid is one
/// appointment row. A reschedule makes the new booking's row (linked to the original by
/// <see cref="Appointment.RescheduledFromUid"/>) and cancels the original's; a cancellation is final, so a
/// late or repeated BOOKING_CREATED never revives a cancelled booking. The lead is found by the booking
/// link's <c>metadata.leadId</c>, then the attendee's phone, then email, all within the tenant; a booking
/// that matches no lead is kept with no lead (shown to the client), never dropped.
/// </summary>
public sealed class CalcomBookingEvents(CallviaDbContext db, Webhooks.BatchLookups batch, Microsoft.Extensions.Options.IOptions<Dialer.RetellOptions> retell,
    Messaging.ReminderPlanner reminders)
{
    /// <summary>
    /// For a batch of events: their bookings and the bookings rescheduled from them, and the leads they may match (by
    /// metadata, phone, email) with the leads of those bookings, in one query each (<see cref="Webhooks.BatchLookups"/>).
    /// </summary>
    public async Task PrefetchAsync(IReadOnlyList<JsonElement> bodies, CancellationToken ct)
    {
        var uids = new HashSet<string>(StringComparer.Ordinal);
        var leadIds = new HashSet<Guid>();
        var phones = new HashSet<string>(StringComparer.Ordinal);
        var emails = new HashSet<string>(StringComparer.Ordinal);
        // the client once: every event's lead match reads its region
        await db.TrackClientAsync(ct);
        var region = await db.ClientRegionAsync(ct);
        foreach (var body in bodies)
        {
            if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("payload", out var p) || p.ValueKind != JsonValueKind.Object)
                continue;
            if (Str(p, "uid") is { } uid) uids.Add(uid);
            if (Str(p, "rescheduleUid") is { } original) uids.Add(original);
            if (MetadataLead(p) is { } leadId) leadIds.Add(leadId);
            foreach (var raw in Phones(p))
                if (Leads.PhoneNumbers.ToE164(raw, region) is { } e164) phones.Add(e164);
            emails.UnionWith(Emails(p));
        }
        var keys = uids.ToArray();
        var appointments = await db.Appointments
            .Where(a => keys.Contains(a.ProviderBookingUid) || (a.RescheduledFromUid != null && keys.Contains(a.RescheduledFromUid)))
            .ToListAsync(ct);
        batch.Covered("appointment", keys);
        batch.Covered("rescheduled-from", keys);
        batch.Covered("appointment", appointments.Select(a => a.ProviderBookingUid));
        leadIds.UnionWith(appointments.Where(a => a.LeadId is not null).Select(a => a.LeadId!.Value));
        var (ids, byPhone, byEmail) = (leadIds.ToArray(), phones.ToArray(), emails.ToArray());
        await db.Leads.Where(l => ids.Contains(l.Id) || byPhone.Contains(l.PhoneE164) || (l.Email != null && byEmail.Contains(l.Email))).LoadAsync(ct);
        batch.Covered("lead-phone", byPhone);
        batch.Covered("lead-email", byEmail);
    }

    public async Task ApplyAsync(string trigger, JsonElement body, CancellationToken ct)
    {
        var payload = body.ValueKind == JsonValueKind.Object && body.TryGetProperty("payload", out var p) && p.ValueKind == JsonValueKind.Object
            ? p : throw new Webhooks.PoisonEventException("The event has no payload object.");
        var uid = Str(payload, "uid") ?? throw new Webhooks.PoisonEventException("The booking has no uid.");
        var start = CheckedTime(payload, "startTime");
        var end = CheckedTime(payload, "endTime");
        if (start is { } s && end is { } e && e < s)
            throw new Webhooks.PoisonEventException($"The booking ends ({e:O}) before it starts ({s:O}).");
        var appointment = await FindOrAddAsync(uid, ct);
        if (db.Entry(appointment).State == EntityState.Added && start is null)
            throw new Webhooks.PoisonEventException("The booking has no startTime, and no earlier event told it.");
        Merge(appointment, payload);
        // the simulator's bookings say so in their metadata; honoured in sandbox mode only (a lead can write any metadata into a link)
        if (retell.Value.Simulated && payload.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
            && Str(meta, "simulated") == "true")
            appointment.Simulated = true;

        switch (trigger)
        {
            case "BOOKING_CREATED":
                appointment.BookedAt ??= Time(body, "createdAt") ?? DateTimeOffset.UtcNow;
                break;
            case "BOOKING_CANCELLED":
                Cancel(appointment, body);
                break;
            case "BOOKING_RESCHEDULED" when Str(payload, "rescheduleUid") is { } originalUid:
                appointment.BookedAt ??= Time(body, "createdAt") ?? DateTimeOffset.UtcNow;
                appointment.RescheduledFromUid ??= originalUid;
                var original = await FindOrAddAsync(originalUid, ct);
                if (original.StartsAt == default)
                {
                    var from = CheckedTime(payload, "rescheduleStartTime")
                               ?? throw new Webhooks.PoisonEventException("The reschedule has no rescheduleStartTime for a booking not seen yet.");
                    original.StartsAt = from;
                    original.EndsAt = CheckedTime(payload, "rescheduleEndTime") ?? from;
                }
                Cancel(original, body);
                break;
        }

        if (appointment.LeadId is null && await MatchLeadAsync(payload, ct) is { } lead)
        {
            appointment.LeadId = lead.Id;
            appointment.CampaignId = lead.CampaignId;
        }
        // the chain's reminders follow: the new booking's planned, the original's cancelled (Messaging.ReminderPlanner)
        await reminders.SyncAsync(await ShareLeadAlongChainAsync(appointment, ct), ct);
    }

    /// <summary>
    /// A reschedule chain is one lead's: whichever booking of it learnt the lead (in whatever order the
    /// events came) passes it on to the others, and a lead with a booked appointment is booked.
    /// </summary>
    private async Task<IReadOnlyCollection<Appointment>> ShareLeadAlongChainAsync(Appointment start, CancellationToken ct)
    {
        var chain = new Dictionary<string, Appointment> { [start.ProviderBookingUid] = start };
        var queue = new Queue<Appointment>([start]);
        while (queue.Count > 0 && chain.Count < 50)
        {
            var current = queue.Dequeue();
            var uids = new List<string>();
            if (current.RescheduledFromUid is { } previous) uids.Add(previous);
            if (!batch.Covers("rescheduled-from", current.ProviderBookingUid))
                uids.AddRange(await db.Appointments.Where(a => a.RescheduledFromUid == current.ProviderBookingUid).Select(a => a.ProviderBookingUid).ToListAsync(ct));
            uids.AddRange(db.Appointments.Local.Where(a => a.RescheduledFromUid == current.ProviderBookingUid).Select(a => a.ProviderBookingUid));
            foreach (var uid in uids.Where(u => !chain.ContainsKey(u)))
            {
                var linked = await FindOrAddAsync(uid, ct);
                chain[uid] = linked;
                queue.Enqueue(linked);
            }
        }
        var known = chain.Values.FirstOrDefault(a => a.LeadId is not null);
        if (known is null) return chain.Values;
        foreach (var a in chain.Values.Where(a => a.LeadId is null))
        {
            a.LeadId = known.LeadId;
            a.CampaignId = known.CampaignId;
        }
        // a lead whose booking was ever made is booked, also when the booking's cancellation was applied before it
        if (chain.Values.Any(a => a.BookedAt is not null)
            && await db.Leads.FindAsync([known.LeadId], ct) is { } lead
            && lead.Status is not (LeadStatus.Booked or LeadStatus.Dnc))
            lead.Status = LeadStatus.Booked;
        return chain.Values;
    }

    private async Task<Appointment> FindOrAddAsync(string uid, CancellationToken ct)
    {
        var found = db.Appointments.Local.FirstOrDefault(a => a.ProviderBookingUid == uid)
                    ?? (batch.Covers("appointment", uid) ? null : await db.Appointments.SingleOrDefaultAsync(a => a.ProviderBookingUid == uid, ct));
        if (found is not null) return found;
        var created = new Appointment { ProviderBookingUid = uid };
        db.Appointments.Add(created);
        return created;
    }

    private static void Merge(Appointment a, JsonElement p)
    {
        a.Title ??= Str(p, "title");
        if (Time(p, "startTime") is { } start && a.Status == AppointmentStatus.Booked) a.StartsAt = start;
        if (Time(p, "endTime") is { } end && a.Status == AppointmentStatus.Booked) a.EndsAt = end;
        if (p.TryGetProperty("attendees", out var attendees) && attendees.ValueKind == JsonValueKind.Array && attendees.GetArrayLength() > 0)
        {
            var first = attendees[0];
            a.AttendeeName ??= Str(first, "name");
            a.AttendeeEmail ??= Str(first, "email")?.ToLowerInvariant();
            a.AttendeeTimeZone ??= Str(first, "timeZone");
            a.AttendeePhone ??= Str(first, "phoneNumber");
        }
        a.AttendeePhone ??= Response(p, "attendeePhoneNumber") ?? Str(p, "smsReminderNumber");
        if (Location(p) is { } location) a.Location = location.Length > 1000 ? location[..1000] : location;
    }

    /// <summary>
    /// Where the booking takes place, as a person reads it: the meeting link of a video app (<c>metadata.videoCallUrl</c>),
    /// else the location (an address, a phone number), unless that is an app's internal name (<c>integrations:…</c>).
    /// </summary>
    private static string? Location(JsonElement p)
    {
        if (p.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object && Str(meta, "videoCallUrl") is { Length: > 0 } url)
            return url;
        var location = Str(p, "location") ?? Response(p, "location");
        return string.IsNullOrWhiteSpace(location) || location.StartsWith("integrations:", StringComparison.Ordinal) ? null : location.Trim();
    }

    private static void Cancel(Appointment a, JsonElement body)
    {
        if (a.Status != AppointmentStatus.Booked) return;
        a.Status = AppointmentStatus.Cancelled;
        a.CancelledAt ??= Time(body, "createdAt") ?? DateTimeOffset.UtcNow;
    }

    private async Task<Lead?> MatchLeadAsync(JsonElement p, CancellationToken ct)
    {
        if (MetadataLead(p) is { } leadId && await db.Leads.FindAsync([leadId], ct) is { } byId)
            return byId;

        var region = await db.ClientRegionAsync(ct);
        foreach (var raw in Phones(p))
            if (Leads.PhoneNumbers.ToE164(raw, region) is { } e164
                && (batch.Covers("lead-phone", e164)
                    ? db.Leads.Local.Where(l => l.PhoneE164 == e164).MaxBy(l => l.CreatedAt)
                    : await db.Leads.Where(l => l.PhoneE164 == e164).OrderByDescending(l => l.CreatedAt).FirstOrDefaultAsync(ct)) is { } byPhone)
                return byPhone;

        foreach (var email in Emails(p))
            if ((batch.Covers("lead-email", email)
                    ? db.Leads.Local.Where(l => l.Email == email).MaxBy(l => l.CreatedAt)
                    : await db.Leads.Where(l => l.Email == email).OrderByDescending(l => l.CreatedAt).FirstOrDefaultAsync(ct)) is { } byEmail)
                return byEmail;
        return null;
    }

    private static Guid? MetadataLead(JsonElement p) =>
        p.TryGetProperty("metadata", out var meta) && meta.ValueKind == JsonValueKind.Object
        && Guid.TryParse(Str(meta, "leadId") ?? Str(meta, "lead_id"), out var leadId) ? leadId : null;

    /// <summary>The attendee's phone numbers as written, in the order they are tried.</summary>
    private static List<string> Phones(JsonElement p)
    {
        var phones = new List<string>();
        if (p.TryGetProperty("attendees", out var attendees) && attendees.ValueKind == JsonValueKind.Array)
            foreach (var attendee in attendees.EnumerateArray())
                if (Str(attendee, "phoneNumber") is { } raw) phones.Add(raw);
        if (Response(p, "attendeePhoneNumber") is { } answered) phones.Add(answered);
        if (Str(p, "smsReminderNumber") is { } sms) phones.Add(sms);
        return phones;
    }

    /// <summary>The attendee's email addresses, lower-cased, in the order they are tried.</summary>
    private static List<string> Emails(JsonElement p)
    {
        var emails = new List<string>();
        if (p.TryGetProperty("attendees", out var attendees) && attendees.ValueKind == JsonValueKind.Array)
            foreach (var attendee in attendees.EnumerateArray())
                if (Str(attendee, "email") is { } email) emails.Add(email.ToLowerInvariant());
        if (Response(p, "email") is { } answeredEmail) emails.Add(answeredEmail.ToLowerInvariant());
        return emails;
    }

    private static string? Response(JsonElement p, string field) =>
        p.TryGetProperty("responses", out var responses) && responses.ValueKind == JsonValueKind.Object
        && responses.TryGetProperty(field, out var answer) && answer.ValueKind == JsonValueKind.Object
            ? Str(answer, "value") : null;


    /// <summary>A time that is absent is null; one that is there but does not parse makes the event unusable.</summary>
    private static DateTimeOffset? CheckedTime(JsonElement e, string name)
    {
        if (!e.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        return Time(e, name) is { } t && t.Year is > 1900 and < 3000
            ? t
            : throw new Webhooks.PoisonEventException($"{name} is not a time: {Clip(value.ToString())}.");
    }

    private static string Clip(string s) => s.Length > 60 ? s[..60] + "…" : s;

    private static DateTimeOffset? Time(JsonElement e, string name) =>
        Str(e, name) is { } s && DateTimeOffset.TryParse(s, System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AdjustToUniversal, out var t) ? t : null;
}
