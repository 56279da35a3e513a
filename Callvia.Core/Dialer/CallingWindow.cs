using Callvia.Core.Kpis;

namespace Callvia.Core.Dialer;

/// <summary>Whether a lead may be called now, and if not why and when it may next be.</summary>
/// <param name="NextOpening">When the window next opens (UTC); null when it is open now, or never opens (no allowed day).</param>
public sealed record WindowVerdict(bool Open, DateTimeOffset? NextOpening, string Reason);

/// <summary>
/// The calling window, in one place: in the lead's own time zone, the federal 08:00–21:00 narrowed by the campaign's
/// window and allowed weekdays, and by the stricter rules of the lead's state (<see cref="StateCallingRules"/>: its hours,
/// no Sundays, at most n calls in 24 hours). A call may start at or after the window's start and before its end.
/// All arithmetic is on local wall-clock times, converted once per candidate day, so DST changes move the instants and
/// never the local hours; a local time that a change skips starts at the first instant that exists.
/// </summary>
public static class CallingWindow
{
    public const int DaysAhead = 8;

    public static WindowVerdict Evaluate(DateTimeOffset now, string leadTimeZone, TimeOnly campaignStart, TimeOnly campaignEnd,
        IReadOnlySet<DayOfWeek> allowedDays, StateCallingRule? state, IReadOnlyList<DateTimeOffset>? recentCalls = null)
    {
        var zone = KpiPeriod.Zone(leadTimeZone);
        var start = Max(StateCallingRules.FederalStart, campaignStart, state?.Start ?? StateCallingRules.FederalStart);
        var end = Min(StateCallingRules.FederalEnd, campaignEnd, state?.End ?? StateCallingRules.FederalEnd);
        if (start >= end) return new(false, null, "The campaign's window lies outside the hours calls are allowed here.");
        bool DayAllowed(DayOfWeek d) => allowedDays.Contains(d) && !(state?.NoSundays == true && d == DayOfWeek.Sunday);

        // the per-person limit: the window reopens when the oldest call of the last 24 hours is 24 hours old
        DateTimeOffset? limitUntil = null;
        if (state?.MaxCallsPer24Hours is { } max && recentCalls is not null)
        {
            var inLastDay = recentCalls.Where(c => c > now.AddHours(-24) && c <= now).Order().ToList();
            if (inLastDay.Count >= max) limitUntil = inLastDay[inLastDay.Count - max].AddHours(24);
        }

        var local = TimeZoneInfo.ConvertTime(now, zone);
        var today = DateOnly.FromDateTime(local.DateTime);
        for (var i = 0; i < DaysAhead; i++)
        {
            var day = today.AddDays(i);
            if (!DayAllowed(day.DayOfWeek)) continue;
            var opens = Instant(day, start, zone);
            var closes = Instant(day, end, zone);
            var from = limitUntil is { } until && until > opens ? until : opens;
            if (from >= closes) continue;
            if (now >= from && now < closes) return new(true, null, "Inside the calling window.");
            if (now < from)
                return new(false, from, limitUntil is { } u && u == from
                    ? $"{state!.MaxCallsPer24Hours} calls in the last 24 hours: the limit of the lead's state ({state.State})."
                    : i == 0 && now < opens ? "Before the calling window opens in the lead's time zone." : "After the calling window in the lead's time zone.");
        }
        return allowedDays.Any(DayAllowed)
            ? new(false, null, "No calling day in the next week.")
            : new(false, null, state?.NoSundays == true ? $"The campaign calls only on Sundays, when calls are not allowed in {state.State}." : "The campaign allows no weekday.");
    }

    /// <summary>The instant a local wall-clock time has on a day; a time a DST change skips moves to the first that exists.</summary>
    public static DateTimeOffset Instant(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(15);
        // an ambiguous time (a fall-back hour) is its first occurrence, the daylight one
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static TimeOnly Max(params TimeOnly[] times) => times.Max();
    private static TimeOnly Min(params TimeOnly[] times) => times.Min();
}
