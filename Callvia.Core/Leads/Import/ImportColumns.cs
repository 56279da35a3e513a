namespace Callvia.Core.Leads.Import;

/// <summary>
/// Which CSV column feeds which lead field, matched by header case-insensitively with the common
/// aliases; every other column is kept as a custom field (a variable for the call agent).
/// </summary>
public sealed class ImportColumns
{
    private static readonly Dictionary<string, string> Aliases = BuildAliases(new()
    {
        ["phone"] = ["phone", "phone_number", "phonenumber", "phone_no", "mobile", "mobile_phone", "mobile_number", "cell", "cell_phone", "cellphone", "telephone", "tel"],
        ["first_name"] = ["first_name", "firstname", "first", "given_name", "fname"],
        ["last_name"] = ["last_name", "lastname", "last", "surname", "family_name", "lname"],
        ["name"] = ["name", "full_name", "fullname", "contact_name"],
        ["email"] = ["email", "email_address", "e_mail", "emailaddress", "mail"],
        ["time_zone"] = ["time_zone", "timezone", "tz"],
        ["consent_at"] = ["consent_at", "consent", "consented_at", "consent_date", "consent_time", "opt_in_at", "opted_in_at", "opt_in_date"],
        ["consent_source"] = ["consent_source", "consent_method", "consent_how", "opt_in_source", "opt_in_method"],
    });

    public const int MaxCustomFields = 50, MaxCustomName = 64;

    /// <summary>
    /// Why a name cannot be a custom field of a lead added by the API, or null: what the import would keep as a custom
    /// column (not empty, at most 64 characters, not a lead field or one of its aliases such as "phone" or "e-mail").
    /// </summary>
    public static string? CustomNameProblem(string name) =>
        name.Length == 0 ? "a custom field needs a name"
        : name.Length > MaxCustomName ? $"a custom field's name is longer than {MaxCustomName} characters"
        : Aliases.ContainsKey(Normalize(name)) ? $"'{name}' is a lead field, not a custom field"
        : null;

    public int Phone { get; private init; } = -1;
    public int FirstName { get; private init; } = -1;
    public int LastName { get; private init; } = -1;
    public int Name { get; private init; } = -1;
    public int Email { get; private init; } = -1;
    public int TimeZone { get; private init; } = -1;
    public int ConsentAt { get; private init; } = -1;
    public int ConsentSource { get; private init; } = -1;
    /// <summary>(column index, field name) of the columns kept as custom fields.</summary>
    public IReadOnlyList<(int Index, string Name)> Custom { get; private init; } = [];
    public IReadOnlyList<string> Headers { get; private init; } = [];

    public static ImportColumns Map(IReadOnlyList<string> headers)
    {
        var found = new Dictionary<string, int>();
        var custom = new List<(int, string)>();
        var customNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < headers.Count; i++)
        {
            var header = headers[i].Trim();
            if (Aliases.TryGetValue(Normalize(header), out var field) && found.TryAdd(field, i))
                continue;
            if (header.Length == 0 || custom.Count >= MaxCustomFields || !customNames.Add(header))
                continue;
            custom.Add((i, header.Length > MaxCustomName ? header[..MaxCustomName] : header));
        }
        int At(string field) => found.GetValueOrDefault(field, -1);
        return new ImportColumns
        {
            Phone = At("phone"), FirstName = At("first_name"), LastName = At("last_name"), Name = At("name"),
            Email = At("email"), TimeZone = At("time_zone"),
            ConsentAt = At("consent_at"), ConsentSource = At("consent_source"), Custom = custom, Headers = headers.ToList(),
        };
    }

    private static string Normalize(string header) =>
        new string(header.ToLowerInvariant().Select(c => c is ' ' or '-' or '.' ? '_' : c).ToArray()).Trim('_');

    private static Dictionary<string, string> BuildAliases(Dictionary<string, string[]> fields) =>
        fields.SelectMany(f => f.Value.Select(alias => (alias, f.Key))).ToDictionary(x => x.alias, x => x.Key);
}
