using Callvia.Core.Tenancy;

namespace Callvia.Core.Webhooks;

/// <summary>A client's secret for one provider (webhook signing key, API key), encrypted at rest with Data Protection.</summary>
public class ProviderSecret : ITenantOwned
{
    public Guid ClientId { get; set; }
    /// <summary>retell, calcom, messagebird, sendgrid.</summary>
    public required string Provider { get; set; }
    public required string Protected { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
