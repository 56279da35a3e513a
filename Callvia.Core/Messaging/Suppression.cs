using Callvia.Core.Tenancy;

namespace Callvia.Core.Messaging;

/// <summary>A do-not-contact number of one client: never called, never texted.</summary>
public class Suppression : ITenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid ClientId { get; set; }
    public required string PhoneE164 { get; set; }
    public string? Reason { get; set; }
    /// <summary>manual, call (not_interested), sms (STOP), import.</summary>
    public string Source { get; set; } = "manual";
    public DateTimeOffset CreatedAt { get; set; }
}
