using Microsoft.EntityFrameworkCore;

namespace Callvia.Core.Leads;

/// <summary>
/// The leads list's search, one rule for every caller. Under row-level security PostgreSQL only uses an index for
/// leak-proof conditions, and <c>ILIKE '%x%'</c> is not one: at a million leads a "contains" search read every lead of
/// the client (1.6 s). So the search matches by prefix on stored, lower-cased keys with B-tree indexes:
/// <list type="bullet">
/// <item>digits only (at least 3, with <c>+ - ( ) . space</c> allowed): the phone number ends with them: its last
/// digits, or the whole number with or without its country code;</item>
/// <item>otherwise, case-insensitive: the first name, the last name or the email starts with the text; "ann sm"
/// (two words) also finds first name "Ann…" with last name "Sm…".</item>
/// </list>
/// </summary>
public static class LeadSearch
{
    public const int MaxLength = 100;

    /// <summary>Shadow columns of <c>leads</c>: stored generated keys (see LeadConfiguration).</summary>
    public static readonly (string Key, string Sql)[] Keys =
    [
        ("FirstNameKey", "lower(first_name)"),
        ("LastNameKey", "lower(last_name)"),
        ("EmailKey", "lower(email)"),
        ("PhoneReversed", "reverse(phone_e164)"),
    ];

    // the greatest code point: key >= p AND key < p + Top is "key starts with p" in byte order
    private const string Top = "\U0010FFFF";

    /// <summary>The leads matching <paramref name="search"/> (already trimmed, at most <see cref="MaxLength"/>).</summary>
    public static IQueryable<Lead> Apply(IQueryable<Lead> leads, string search)
    {
        var digits = new string(search.Where(char.IsAsciiDigit).ToArray());
        if (digits.Length >= 3 && search.All(ch => char.IsAsciiDigit(ch) || "+-() .".Contains(ch)))
        {
            var reversed = new string(digits.Reverse().ToArray());
            var end = reversed + Top;
            return leads.Where(l => string.Compare(EF.Property<string>(l, "PhoneReversed"), reversed) >= 0
                                    && string.Compare(EF.Property<string>(l, "PhoneReversed"), end) < 0);
        }
        var text = search.ToLowerInvariant();
        var textEnd = text + Top;
        var words = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2)
        {
            var (first, firstEnd, last, lastEnd) = (words[0], words[0] + Top, words[1], words[1] + Top);
            return leads.Where(l =>
                (string.Compare(EF.Property<string>(l, "FirstNameKey"), first) >= 0 && string.Compare(EF.Property<string>(l, "FirstNameKey"), firstEnd) < 0
                 && string.Compare(EF.Property<string>(l, "LastNameKey"), last) >= 0 && string.Compare(EF.Property<string>(l, "LastNameKey"), lastEnd) < 0)
                || (string.Compare(EF.Property<string>(l, "EmailKey"), text) >= 0 && string.Compare(EF.Property<string>(l, "EmailKey"), textEnd) < 0));
        }
        return leads.Where(l =>
            (string.Compare(EF.Property<string>(l, "FirstNameKey"), text) >= 0 && string.Compare(EF.Property<string>(l, "FirstNameKey"), textEnd) < 0)
            || (string.Compare(EF.Property<string>(l, "LastNameKey"), text) >= 0 && string.Compare(EF.Property<string>(l, "LastNameKey"), textEnd) < 0)
            || (string.Compare(EF.Property<string>(l, "EmailKey"), text) >= 0 && string.Compare(EF.Property<string>(l, "EmailKey"), textEnd) < 0));
    }
}
