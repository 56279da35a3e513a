namespace Callvia.Core.Leads;

/// <summary>
/// The lead's own time zone, one rule for the dialer's calling window and the messages' local times and quiet hours: the
/// lead's recorded zone, else its number's (the area code's), else <c>fallback</c> (null: unknown).
/// </summary>
public static class LeadTimeZone
{
    public static string? Known(Lead lead) => lead.TimeZone ?? PhoneNumbers.Normalize(lead.PhoneE164, "US")?.TimeZone;

    public static string Of(Lead? lead, string fallback) => (lead is null ? null : Known(lead)) ?? fallback;
}
