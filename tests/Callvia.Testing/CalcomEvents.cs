namespace Callvia.Testing;

/// <summary>Cal.com booking webhooks as Cal.com sends them (contracts/calcom.md).</summary>
public static class CalcomEvents
{
    public static string Booking(string trigger, string uid, string start, string? leadId = null, string? phone = null, string? email = null,
        string? rescheduleUid = null, string? rescheduleStart = null, string attendeeZone = "America/New_York", string? location = null)
    {
        var attendee = $"{{\"name\":\"Dana Lee\",\"email\":\"{email ?? "nobody@example.com"}\",\"timeZone\":\"{attendeeZone}\"{(phone is null ? "" : $",\"phoneNumber\":\"{phone}\"")}}}";
        var metadata = leadId is null ? "{}" : $"{{\"leadId\":\"{leadId}\"}}";
        var extra = rescheduleUid is null ? "" : $",\"rescheduleUid\":\"{rescheduleUid}\",\"rescheduleStartTime\":\"{rescheduleStart}\",\"rescheduleEndTime\":\"{rescheduleStart}\"";
        if (location is not null) extra += $",\"location\":\"{location}\"";
        var end = DateTimeOffset.Parse(start).AddMinutes(30).ToString("yyyy-MM-ddTHH:mm:ssZ");
        return $"{{\"triggerEvent\":\"{trigger}\",\"createdAt\":\"2026-01-05T10:00:00.000Z\",\"payload\":{{\"uid\":\"{uid}\",\"title\":\"Cleaning\",\"startTime\":\"{start}\",\"endTime\":\"{end}\",\"status\":\"ACCEPTED\",\"attendees\":[{attendee}],\"metadata\":{metadata}{extra}}}}}";
    }
}
