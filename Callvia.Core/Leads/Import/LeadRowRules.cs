namespace Callvia.Core.Leads.Import;

/// <summary>A lead ready to be staged, or the reason its row was rejected.</summary>
public sealed record LeadRow(
    int Line, Guid Id, string? FirstName, string? LastName, string PhoneE164, string PhoneRaw,
    string? Email, string? TimeZone, string? CustomFieldsJson, DateTimeOffset? ConsentAt = null, string? ConsentSource = null);

public sealed record RowRejection(int Line, string Reason, string? Value);

/// <summary>
/// The lead rules, for one import row: phone required and valid, email valid, lengths bounded, time zone known.
/// The field checks below (and their wording) are also what <see cref="LeadEditor"/> applies to a single lead,
/// so a lead is valid by the same rules whether it comes by file or by the API.
/// </summary>
public static class LeadRowRules
{
    public const int MaxName = 100, MaxEmail = 254, MaxPhoneRaw = 64, MaxCustomValue = 1000;
    public const string EmailProblem = "email is not a valid address";
    public const string TimeZoneProblem = "time zone is not a known IANA zone";
    public const int MaxConsentSource = 200;

    /// <summary>
    /// When consent was given, read from an import cell or an API field: an ISO 8601 date or date-time (a time without an
    /// offset is UTC; a date alone is its midnight UTC), from 2000 on and not in the future (a minute's clock skew allowed).
    /// </summary>
    public static string? ConsentAtProblem(string value, DateTimeOffset now, out DateTimeOffset at)
    {
        at = default;
        if (!DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture,
                System.Globalization.DateTimeStyles.AssumeUniversal | System.Globalization.DateTimeStyles.AllowWhiteSpaces, out var parsed))
            return "consent time is not a date or date-time (ISO 8601, e.g. 2026-11-30T14:05:00-05:00)";
        at = parsed.ToUniversalTime();
        return ConsentAtProblem(at, now);
    }

    /// <summary>Why a consent time cannot be: before 2000, or in the future (a minute's clock skew allowed).</summary>
    public static string? ConsentAtProblem(DateTimeOffset at, DateTimeOffset now) =>
        at.Year < 2000 ? "consent time is before 2000" : at > now.AddMinutes(1) ? "consent time is in the future" : null;

    public static string? ConsentSourceProblem(string? source, bool hasConsentAt) =>
        source is null ? null
        : source.Length > MaxConsentSource ? $"consent source is longer than {MaxConsentSource} characters"
        : !hasConsentAt ? "consent source needs the consent time"
        : null;

    public static string? PhoneLengthProblem(string phoneRaw) =>
        phoneRaw.Length > MaxPhoneRaw ? $"phone is longer than {MaxPhoneRaw} characters" : null;

    public static string PhoneProblem(string region) => $"phone is not a valid number (region {region})";

    public static string? NameProblem(string? name) => name?.Length > MaxName ? $"a name is longer than {MaxName} characters" : null;

    /// <summary>A custom field's value too long for a lead (the import's wording).</summary>
    public static string? CustomValueProblem(string name, string value) =>
        value.Length > MaxCustomValue ? $"'{name}' is longer than {MaxCustomValue} characters" : null;

    public static object Apply(int line, IReadOnlyList<string> fields, ImportColumns columns, string region, string? recordError,
        DateTimeOffset? now = null)
    {
        if (recordError is not null)
            return new RowRejection(line, "malformed row: " + recordError, null);
        foreach (var field in fields)
            if (Validation.TextInput.Problem(field) is { } unstorable)
                return new RowRejection(line, "a field " + unstorable, null);
        if (fields.Count > columns.Headers.Count && fields.Skip(columns.Headers.Count).Any(f => f.Length > 0))
            return new RowRejection(line, $"the row has {fields.Count} fields, the header {columns.Headers.Count}", null);

        string? Get(int index) => index >= 0 && index < fields.Count && fields[index].Length > 0 ? fields[index] : null;

        var phoneRaw = Get(columns.Phone);
        if (phoneRaw is null)
            return new RowRejection(line, "phone is missing", null);
        if (PhoneLengthProblem(phoneRaw) is { } tooLong)
            return new RowRejection(line, tooLong, phoneRaw[..MaxPhoneRaw]);

        var firstName = Get(columns.FirstName);
        var lastName = Get(columns.LastName);
        if (firstName is null && lastName is null && Get(columns.Name) is { } fullName)
        {
            var space = fullName.IndexOf(' ');
            (firstName, lastName) = space < 0 ? (fullName, null) : (fullName[..space], fullName[(space + 1)..].Trim());
        }
        if ((NameProblem(firstName) ?? NameProblem(lastName)) is { } nameProblem)
            return new RowRejection(line, nameProblem, null);

        var email = Get(columns.Email);
        if (email is not null && !IsEmail(email))
            return new RowRejection(line, EmailProblem, Clip(email));

        string? zone = null;
        if (Get(columns.TimeZone) is { } givenZone)
        {
            zone = ToIanaZone(givenZone);
            if (zone is null)
                return new RowRejection(line, TimeZoneProblem, Clip(givenZone));
        }

        DateTimeOffset? consentAt = null;
        if (Get(columns.ConsentAt) is { } givenConsent)
        {
            if (ConsentAtProblem(givenConsent, now ?? DateTimeOffset.UtcNow, out var at) is { } consentProblem)
                return new RowRejection(line, consentProblem, Clip(givenConsent));
            consentAt = at;
        }
        var consentSource = Get(columns.ConsentSource)?.Trim();
        if (ConsentSourceProblem(consentSource, consentAt is not null) is { } sourceProblem)
            return new RowRejection(line, sourceProblem, null);

        var phone = PhoneNumbers.Normalize(phoneRaw, region, withTimeZone: zone is null);
        if (phone is null)
            return new RowRejection(line, PhoneProblem(region), phoneRaw);

        string? custom = null;
        if (columns.Custom.Count > 0)
        {
            var values = new Dictionary<string, string>(columns.Custom.Count);
            foreach (var (index, name) in columns.Custom)
            {
                if (Get(index) is not { } value) continue;
                if (CustomValueProblem(name, value) is { } valueTooLong)
                    return new RowRejection(line, valueTooLong, null);
                values[name] = value;
            }
            if (values.Count > 0) custom = System.Text.Json.JsonSerializer.Serialize(values, CustomFieldsJson.Default.DictionaryStringString);
        }

        return new LeadRow(line, Guid.CreateVersion7(), firstName, lastName, phone.Value.E164, phoneRaw,
            email?.ToLowerInvariant(), zone ?? phone.Value.TimeZone, custom, consentAt, consentSource is { Length: > 0 } ? consentSource : null);
    }

    /// <summary>
    /// A deliverable-looking address: one @, a local part of common characters (no quoting), a domain
    /// of dot-separated labels with a letter TLD. Stricter than RFC 5322 on purpose: we send to these.
    /// </summary>
    public static bool IsEmail(string value)
    {
        if (value.Length > MaxEmail) return false;
        var at = value.IndexOf('@');
        if (at is <= 0 or > 64 || at != value.LastIndexOf('@')) return false;
        var local = value.AsSpan(0, at);
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal)) return false;
        foreach (var c in local)
            if (!(char.IsAsciiLetterOrDigit(c) || "!#$%&'*+/=?^_`{|}~.-".Contains(c))) return false;
        var domain = value.AsSpan(at + 1);
        if (domain.Length is < 3 or > 253) return false;
        var labels = 0;
        foreach (var range in domain.Split('.'))
        {
            var label = domain[range];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-') return false;
            foreach (var c in label)
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-')) return false;
            labels++;
        }
        var tld = domain[(domain.LastIndexOf('.') + 1)..];
        return labels >= 2 && tld.Length >= 2 && !tld.ContainsAnyExcept("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ");
    }

    /// <summary>An IANA zone id as given, or converted from a Windows id; null if unknown.</summary>
    public static string? ToIanaZone(string value)
    {
        if (value.Length > 64) return null;
        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(value, out var iana)) return iana;
        return value.Contains('/') || value == "UTC"
            ? TimeZoneInfo.TryFindSystemTimeZoneById(value, out var zone) ? zone.Id : null
            : null;
    }

    private static string Clip(string value) => value.Length > 100 ? value[..100] : value;
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class CustomFieldsJson : System.Text.Json.Serialization.JsonSerializerContext;
