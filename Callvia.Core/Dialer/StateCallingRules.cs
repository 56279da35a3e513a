namespace Callvia.Core.Dialer;

/// <summary>A US state's rules for telemarketing calls that are stricter than the federal ones.</summary>
/// <param name="Start">Earliest local time a call may start.</param>
/// <param name="End">Latest local time a call may start (exclusive).</param>
/// <param name="MaxCallsPer24Hours">At most this many calls to one person in any 24 hours; null: no such limit.</param>
/// <param name="NoSundays">No calls on Sundays.</param>
/// <param name="Source">The statute the rule comes from.</param>
public sealed record StateCallingRule(string State, TimeOnly Start, TimeOnly End, int? MaxCallsPer24Hours, bool NoSundays, string Source);

/// <summary>
/// The calling rules by state, one table that can grow. <b>Not legal advice</b>: a summary of the statutes named in
/// <see cref="StateCallingRule.Source"/> as of 2026 (Florida's "mini-TCPA", Oklahoma's Telephone Solicitation Act,
/// Maryland's Stop the Spam Calls Act, Washington's RCW 80.36.390, and the Sunday bans of Alabama, Louisiana and
/// Mississippi), for the dialer to stay inside; each client remains responsible for its own compliance (docs/dialer.md).
/// Everywhere else the federal window applies (47 CFR 64.1200(c)(1): 08:00–21:00 at the called party's location).
/// A lead's state is read from its number's area code (NANPA's assignments, overlays included) — the number a person
/// keeps when they move may mislead, which is why a stricter state's rule is applied whenever its area code is seen.
/// </summary>
public static class StateCallingRules
{
    public static readonly TimeOnly FederalStart = new(8, 0), FederalEnd = new(21, 0);

    public static readonly IReadOnlyList<StateCallingRule> All =
    [
        new("FL", new(8, 0), new(20, 0), 3, false, "Fla. Stat. § 501.059(8) (Florida Telephone Solicitation Act, 2021)"),
        new("OK", new(8, 0), new(20, 0), 3, false, "Okla. Stat. tit. 15 § 775C.4 (Telephone Solicitation Act of 2022)"),
        new("MD", new(8, 0), new(20, 0), 3, false, "Md. Code, Com. Law § 14-4503 (Stop the Spam Calls Act of 2023)"),
        new("WA", new(8, 0), new(20, 0), null, false, "RCW 80.36.390 (telephone solicitation hours)"),
        new("AL", new(8, 0), new(21, 0), null, true, "Ala. Code § 8-19A-3 (no calls on Sundays)"),
        new("LA", new(8, 0), new(20, 0), null, true, "La. R.S. 45:844.14 (hours; no calls on Sundays)"),
        new("MS", new(8, 0), new(20, 0), null, true, "Miss. Code § 77-3-725 (hours; no calls on Sundays)"),
    ];

    /// <summary>Area codes of the states in <see cref="All"/> (NANPA, 2026, overlays included).</summary>
    private static readonly Dictionary<string, string[]> AreaCodes = new()
    {
        ["FL"] = ["239", "305", "321", "324", "352", "386", "407", "448", "561", "645", "656", "689", "727", "728", "754", "772", "786", "813", "850", "863", "904", "941", "954"],
        ["OK"] = ["405", "539", "572", "580", "918"],
        ["MD"] = ["227", "240", "301", "410", "443", "667"],
        ["WA"] = ["206", "253", "360", "425", "509", "564"],
        ["AL"] = ["205", "251", "256", "334", "483", "659", "938"],
        ["LA"] = ["225", "318", "337", "504", "985"],
        ["MS"] = ["228", "601", "662", "769"],
    };

    private static readonly Dictionary<string, StateCallingRule> ByAreaCode =
        AreaCodes.SelectMany(kv => kv.Value.Select(code => (code, rule: All.Single(r => r.State == kv.Key)))).ToDictionary(x => x.code, x => x.rule);

    /// <summary>The stricter rule of the state a US number (E.164, +1) belongs to, or null when the federal rules alone apply.</summary>
    public static StateCallingRule? ForNumber(string e164) =>
        e164.Length == 12 && e164.StartsWith("+1", StringComparison.Ordinal) ? ByAreaCode.GetValueOrDefault(e164[2..5]) : null;
}
