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

    /// <summary>A rate of a whole, or "—" when its denominator is zero.</summary>
    public static string Rate(double rate, long denominator) =>
        denominator == 0 ? "—" : (rate * 100).ToString(rate < 0.1 && rate > 0 ? "0.#" : "0", Culture) + " %";
}
