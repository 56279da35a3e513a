using Callvia.Core.Leads;

namespace Callvia.Core.Appointments;

/// <summary>
/// The client's booking page with the lead named in it (contracts/calcom.md §4): <c>metadata[leadId]</c> and
/// <c>metadata[tenantId]</c> come back in the booking's webhooks, so the booking finds its lead; name, email and phone
/// fill the form in. Null when the client has no booking page.
/// </summary>
public static class BookingLinks
{
    public static string? For(string? bookingUrl, Guid clientId, Lead lead)
    {
        if (string.IsNullOrWhiteSpace(bookingUrl)) return null;
        var query = new List<string> { $"metadata[leadId]={lead.Id}", $"metadata[tenantId]={clientId}" };
        var name = string.Join(' ', new[] { lead.FirstName, lead.LastName }.Where(n => !string.IsNullOrWhiteSpace(n)));
        if (name.Length > 0) query.Add("name=" + Uri.EscapeDataString(name));
        if (lead.Email is { } email) query.Add("email=" + Uri.EscapeDataString(email));
        query.Add("attendeePhoneNumber=" + Uri.EscapeDataString(lead.PhoneE164));
        return bookingUrl + (bookingUrl.Contains('?') ? "&" : "?") + string.Join('&', query);
    }
}
