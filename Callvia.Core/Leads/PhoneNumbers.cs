using System.Collections.Concurrent;
using PhoneNumbers;

namespace Callvia.Core.Leads;

/// <summary>
/// The one place phone numbers are read: libphonenumber, with the client's region for numbers written
/// without a country code, to E.164. Also the lead's time zone when the number tells it.
/// Thread-safe; libphonenumber's metadata is loaded once.
/// </summary>
public static class PhoneNumbers
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly PhoneNumberToTimeZonesMapper TimeZones = PhoneNumberToTimeZonesMapper.GetInstance();

    // The time-zone data is keyed by short prefixes (area codes, at most a few digits past them), so
    // numbers that share all but their last four digits share their zones: cache by that, bounded.
    private static readonly ConcurrentDictionary<string, string?> ZoneByPrefix = new();
    private const int MaxCachedPrefixes = 200_000;

    public readonly record struct Normalized(string E164, string? TimeZone);

    /// <summary>Whether <paramref name="region"/> (ISO 3166, upper case) is a region numbers can be read for.</summary>
    public static bool IsSupportedRegion(string region) => region.Length == 2 && Util.GetSupportedRegions().Contains(region);

    /// <summary>Normalizes <paramref name="raw"/>; null when it is not a valid number.</summary>
    public static Normalized? Normalize(string raw, string defaultRegion, bool withTimeZone = true)
    {
        if (TryNanp(raw, defaultRegion, withTimeZone, out var nanp))
            return nanp;
        var digits = 0;
        foreach (var c in raw)
            if (char.IsAsciiDigit(c)) digits++;
        // Not worth libphonenumber's time (and its exception): no number has fewer than 5 or more than 17 digits.
        if (digits is < 5 or > 17 || raw.Length > 64)
            return null;
        PhoneNumber number;
        try
        {
            number = Util.Parse(raw, defaultRegion);
        }
        catch (NumberParseException)
        {
            return null;
        }
        if (!Util.IsValidNumber(number))
            return null;
        var e164 = Util.Format(number, PhoneNumberFormat.E164);
        return new Normalized(e164, withTimeZone ? ZoneOf(number, e164) : null);
    }

    // NANP numbers (+1, ten digits) are valid or not by their first six digits (area code and exchange;
    // libphonenumber's patterns end in \d{4} for them), so for the common shapes ("+1 212 555 0175",
    // "(212) 555-0175", "212.555.0175", "1-212-555-0175") libphonenumber decides once per exchange.
    private static readonly ConcurrentDictionary<string, (bool Valid, string? Zone)> NanpExchanges = new();
    private static readonly HashSet<string> NanpRegions =
        ["US", "CA", "AG", "AI", "AS", "BB", "BM", "BS", "DM", "DO", "GD", "GU", "JM", "KN", "KY", "LC", "MP", "MS", "PR", "SX", "TC", "TT", "VC", "VG", "VI"];

    private static bool TryNanp(string raw, string region, bool withTimeZone, out Normalized? result)
    {
        result = null;
        Span<char> digits = stackalloc char[11];
        var n = 0;
        var plus = false;
        foreach (var c in raw)
        {
            if (char.IsAsciiDigit(c))
            {
                if (n == 11) return false;
                digits[n++] = c;
            }
            else if (c == '+' && n == 0 && !plus) plus = true;
            else if (c is not (' ' or '-' or '.' or '(' or ')')) return false; // letters, extensions: the full parser
        }
        string e164;
        if (n == 11 && digits[0] == '1' && (plus || NanpRegions.Contains(region))) e164 = string.Concat("+1", digits[1..11]);
        else if (n == 10 && !plus && NanpRegions.Contains(region)) e164 = string.Concat("+1", digits[..10]);
        else return false;

        var key = e164[..8];
        if (!NanpExchanges.TryGetValue(key, out var exchange))
        {
            var number = Util.Parse(e164, region);
            exchange = (Util.IsValidNumber(number), null);
            if (exchange.Valid) exchange.Zone = ZoneOf(number, e164);
            if (NanpExchanges.Count < MaxCachedPrefixes) NanpExchanges.TryAdd(key, exchange);
        }
        result = exchange.Valid ? new Normalized(e164, withTimeZone ? exchange.Zone : null) : null;
        return true;
    }

    private static string? ZoneOf(PhoneNumber number, string e164)
    {
        var key = e164.Length > 10 ? e164[..^4] : e164;
        if (ZoneByPrefix.TryGetValue(key, out var cached)) return cached;
        var zones = TimeZones.GetTimeZonesForNumber(number);
        var zone = zones.Count >= 1 && zones[0] != "Etc/Unknown" ? zones[0] : null;
        if (ZoneByPrefix.Count < MaxCachedPrefixes) ZoneByPrefix.TryAdd(key, zone);
        return zone;
    }

    /// <summary>
    /// A stored (E.164) number as people write it: "+1 212-555-0175" (NANP numbers without libphonenumber's work, whose
    /// international form is always this), others in libphonenumber's international format; as stored if unreadable.
    /// </summary>
    public static string ForPeople(string e164)
    {
        if (e164.Length == 12 && e164.StartsWith("+1", StringComparison.Ordinal) && !e164.AsSpan(1).ContainsAnyExceptInRange('0', '9'))
            return $"+1 {e164[2..5]}-{e164[5..8]}-{e164[8..]}";
        try
        {
            return Util.Format(Util.Parse(e164, "ZZ"), PhoneNumberFormat.INTERNATIONAL);
        }
        catch (NumberParseException)
        {
            return e164;
        }
    }

    /// <summary>E.164 of a number that is already international or in the region; null if invalid.</summary>
    public static string? ToE164(string raw, string defaultRegion) => Normalize(raw, defaultRegion, withTimeZone: false)?.E164;
}
