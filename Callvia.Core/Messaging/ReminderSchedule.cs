namespace Callvia.Core.Messaging;

/// <summary>One reminder to send: its kind and channel, when it is sent, and when it was due by its step.</summary>
public sealed record PlannedReminder(string Kind, MessageChannel Channel, DateTimeOffset SendAt, DateTimeOffset DueAt);

/// <summary>
/// When an appointment's reminders go out (design "Booking"; docs/reminders.md): 24 h before (SMS and email), 2 h before
/// (SMS), 15 min before (SMS) — exact durations before the start, so across a DST change the local clock time shifts by
/// the hour. A reminder whose time has passed when it is planned (a late booking) is skipped; none is sent at or after the
/// start. SMS quiet hours, 21:00–08:00 in the lead's zone: an SMS due inside them is sent when they end, if that is still
/// before the start and before the next reminder's SMS (which then covers it); else it is not sent. Email has no quiet hours.
/// All times are UTC; <paramref name="zone"/> is the lead's.
/// </summary>
public static class ReminderSchedule
{
    public static readonly IReadOnlyList<(string Kind, TimeSpan Before, MessageChannel[] Channels)> Steps =
    [
        (MessageKinds.Reminder24h, TimeSpan.FromHours(24), [MessageChannel.Sms, MessageChannel.Email]),
        (MessageKinds.Reminder2h, TimeSpan.FromHours(2), [MessageChannel.Sms]),
        (MessageKinds.Reminder15m, TimeSpan.FromMinutes(15), [MessageChannel.Sms]),
    ];

    /// <summary>The reminder kinds, for the rules that treat reminders alike (planning, sending).</summary>
    public static readonly IReadOnlyList<string> Kinds = [.. Steps.Select(s => s.Kind)];

    public static readonly TimeOnly QuietStart = new(21, 0), QuietEnd = new(8, 0);

    /// <param name="enabledKinds">The kinds the client has on (null: all).</param>
    public static IReadOnlyList<PlannedReminder> Plan(DateTimeOffset startsAt, TimeZoneInfo zone, DateTimeOffset now, IReadOnlySet<string>? enabledKinds = null)
    {
        var planned = new List<PlannedReminder>();
        DateTimeOffset? laterSms = null; // the send time of the nearest later reminder's SMS that is kept
        foreach (var (kind, before, channels) in Steps.OrderBy(s => s.Before))
        {
            if (enabledKinds is not null && !enabledKinds.Contains(kind)) continue;
            var due = startsAt - before;
            foreach (var channel in channels)
            {
                var sms = channel == MessageChannel.Sms;
                var send = sms && InQuietHours(due, zone) ? QuietHoursEnd(due, zone) : due;
                if (send < now || send >= startsAt) continue;
                if (sms && send != due && laterSms is { } later && send >= later) continue;
                planned.Add(new PlannedReminder(kind, channel, send, due));
                if (sms) laterSms = send;
            }
        }
        return [.. planned.OrderBy(p => p.SendAt).ThenBy(p => p.Channel)];
    }

    /// <summary>
    /// The check-in SMS after the appointment ("did you make it?"): <see cref="CheckInAfter"/> after its end, moved to
    /// 08:00 when that falls in quiet hours; null when that time has passed already when it is planned, or would come
    /// after the 48-hour verification (which would no longer read the answer).
    /// </summary>
    public static DateTimeOffset? PlanCheckIn(DateTimeOffset endsAt, TimeZoneInfo zone, DateTimeOffset now)
    {
        var send = OutOfQuietHours(endsAt + CheckInAfter, zone);
        return send < now || send >= endsAt + VerifyAfter ? null : send;
    }

    /// <summary>How long after the end the check-in goes (the lead has left, and still remembers).</summary>
    public static readonly TimeSpan CheckInAfter = TimeSpan.FromMinutes(15);

    /// <summary>How long after the end the appointment is verified by itself when the client has not answered (design).</summary>
    public static readonly TimeSpan VerifyAfter = TimeSpan.FromHours(48);

    /// <summary>An SMS due at <paramref name="due"/> moved out of quiet hours (to 08:00 local), else unchanged.</summary>
    public static DateTimeOffset OutOfQuietHours(DateTimeOffset due, TimeZoneInfo zone) => InQuietHours(due, zone) ? QuietHoursEnd(due, zone) : due;

    /// <summary>Whether <paramref name="at"/> falls inside SMS quiet hours (21:00 up to 08:00) in <paramref name="zone"/>.</summary>
    public static bool InQuietHours(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        return local >= QuietStart || local < QuietEnd;
    }

    /// <summary>The first moment at or after <paramref name="at"/> when quiet hours are over: 08:00 local (the same morning, or the next).</summary>
    public static DateTimeOffset QuietHoursEnd(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        var day = TimeOnly.FromDateTime(local) < QuietEnd ? local.Date : local.Date.AddDays(1);
        var end = DateTime.SpecifyKind(day + QuietEnd.ToTimeSpan(), DateTimeKind.Unspecified);
        // a zone whose clocks jump over 08:00 that day (none today, but rules change): the first valid minute after
        while (zone.IsInvalidTime(end)) end = end.AddMinutes(1);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(end, zone), TimeSpan.Zero);
    }
}
