using Callvia.Core.Tenancy;

namespace Callvia.Core.Auditing;

/// <summary>Append-only record of cross-tenant access and other sensitive actions.</summary>
public class AuditEntry : IOptionallyTenantOwned
{
    public long Id { get; set; }
    /// <summary>The client acted upon; null for platform-wide actions.</summary>
    public Guid? ClientId { get; set; }
    public Guid? ActorUserId { get; set; }
    /// <summary>Who acted: a user's email, a partner application id, or "system:jobs".</summary>
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Detail { get; set; }
    public string? IpAddress { get; set; }
    public DateTimeOffset At { get; set; }
}
