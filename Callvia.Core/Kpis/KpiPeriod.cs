using System.Globalization;

namespace Callvia.Core.Kpis;

/// <summary>
/// A dashboard period: whole local days of the client's time zone, from a preset (today, the last 7 or 30 days with
/// today, this month so far) or a custom first and last day. <see cref="ToRange"/> turns it into the instants
/// <see cref="KpiService"/> counts between: local midnight of the first day to local midnight after the last.
/// </summary>
public sealed record KpiPeriod(string Preset, DateOnly FirstDay, DateOnly LastDay)
{
    public const string Today = "today", Last7Days = "7d", Last30Days = "30d", ThisMonth = "month", Custom = "custom";
    public static readonly IReadOnlyList<(string Preset, string Label)> Presets =
        [(Today, "Today"), (Last7Days, "Last 7 days"), (Last30Days, "Last 30 days"), (ThisMonth, "This month"), (Custom, "Custom")];

    /// <summary>The longest custom period (a year and a day, for a leap year).</summary>
    public const int MaxDays = 366;

    /// <summary>The days a custom period may name: the platform's data, with room on both sides.</summary>
    public static readonly DateOnly Earliest = new(2000, 1, 1), Latest = new(2099, 12, 31);

    /// <summary>The period, or why the custom days cannot make one (an unknown preset is the default, the last 30 days).</summary>
    public static (KpiPeriod? Period, string? Error) Resolve(string? preset, DateOnly? from, DateOnly? to, DateOnly today)
    {
        switch (preset)
        {
            case Today: return (new(Today, today, today), null);
            case Last7Days: return (new(Last7Days, today.AddDays(-6), today), null);
            case ThisMonth: return (new(ThisMonth, new DateOnly(today.Year, today.Month, 1), today), null);
            case Custom:
                if (from is not { } first || to is not { } last) return (null, "Choose the first and the last day.");
                if (first < Earliest || last > Latest) return (null, $"Choose days from {Earliest.Year} to {Latest.Year}.");
                if (last < first) return (null, "The last day is before the first.");
                if (last.DayNumber - first.DayNumber + 1 > MaxDays) return (null, $"Choose at most {MaxDays} days.");
                return (new(Custom, first, last), null);
            default: return (new(Last30Days, today.AddDays(-29), today), null);
        }
    }

    /// <summary>Today in the client's time zone.</summary>
    public static DateOnly TodayIn(string timeZone, DateTimeOffset now) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, Zone(timeZone)).DateTime);

    public KpiRange ToRange(string timeZone, Guid? campaignId) =>
        new(LocalMidnight(FirstDay, timeZone), LocalMidnight(LastDay.AddDays(1), timeZone), campaignId);

    public int Days => LastDay.DayNumber - FirstDay.DayNumber + 1;

    public string Label => FirstDay == LastDay
        ? FirstDay.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)
        : $"{FirstDay.ToString(FirstDay.Year == LastDay.Year ? "MMM d" : "MMM d, yyyy", CultureInfo.InvariantCulture)} – {LastDay.ToString("MMM d, yyyy", CultureInfo.InvariantCulture)}";

    /// <summary>The instant a local day starts (a day whose midnight a DST change skips starts at the first hour that exists).</summary>
    public static DateTimeOffset LocalMidnight(DateOnly day, string timeZone)
    {
        var zone = Zone(timeZone);
        var local = day.ToDateTime(TimeOnly.MinValue);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(30);
        return new DateTimeOffset(local, zone.GetUtcOffset(local)).ToUniversalTime();
    }

    /// <summary>The client's zone (an unknown id reads as UTC; ids are checked when they are set).</summary>
    public static TimeZoneInfo Zone(string timeZone) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out var zone) ? zone : TimeZoneInfo.Utc;
}
