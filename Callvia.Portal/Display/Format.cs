using System.Globalization;

namespace Callvia.Portal.Display;

/// <summary>Numbers, money and rates for people: 1,234; $1,234.56; 42 %; "—" where there is nothing to divide.</summary>
public static class Format
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    public static string Count(long n) => n.ToString("N0", Culture);

    /// <summary>"1 lead", "1,234 leads".</summary>
    public static string Count(long n, string one, string many) => $"{Count(n)} {(n == 1 ? one : many)}";

    public static string Money(decimal amount, string currency)
    {
        var code = currency.ToUpperInvariant();
        var rounded = Math.Round(amount, 2, MidpointRounding.ToEven);
        var symbol = code switch { "USD" => "$", "CAD" => "CA$", "AUD" => "A$", "EUR" => "€", "GBP" => "£", _ => null };
        var digits = Math.Abs(rounded).ToString("N2", Culture);
        var sign = rounded < 0 ? "-" : "";
        return symbol is null ? $"{sign}{digits} {code}" : $"{sign}{symbol}{digits}";
    }

    public static string Money(decimal? amount, string currency) => amount is { } a ? Money(a, currency) : "—";

    /// <summary>An enum's stored name ("no_show"), for CSS classes and form values.</summary>
    public static string Key<T>(T value) where T : struct, Enum => Core.Data.SnakeCaseEnum<T>.ToDb(value);

    /// <summary>An enum's stored name in words ("no show").</summary>
    public static string Words<T>(T value) where T : struct, Enum => Key(value).Replace('_', ' ');

    /// <summary>An instant as a person in <paramref name="timeZone"/> reads it: "Dec 2, 2026, 3:14 PM".</summary>
    public static string When(DateTimeOffset instant, string timeZone) =>
        TimeZoneInfo.ConvertTime(instant, Core.Kpis.KpiPeriod.Zone(timeZone)).ToString("MMM d, yyyy, h:mm tt", Culture);

    public static string When(DateTimeOffset? instant, string timeZone) => instant is { } i ? When(i, timeZone) : "—";

    /// <summary>A call's length: "0:42", "12:05", "1:02:03".</summary>
    public static string Duration(int? seconds) => seconds is not { } s ? "—"
        : s >= 3600 ? $"{s / 3600}:{s / 60 % 60:00}:{s % 60:00}" : $"{s / 60}:{s % 60:00}";

    /// <summary>A rate of a whole, or "—" when its denominator is zero.</summary>
    public static string Rate(double rate, long denominator) =>
        denominator == 0 ? "—" : (rate * 100).ToString(rate < 0.1 && rate > 0 ? "0.#" : "0", Culture) + " %";
}
