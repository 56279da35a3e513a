using Callvia.Core.Tenancy;

namespace Callvia.Core.Webhooks;

public enum EventStatus { Received, Processing, Processed, Failed, Ignored }

/// <summary>
/// The durable webhook inbox: the raw body, committed before the provider gets its 2xx, unique per
/// (provider, provider event key) so a redelivery is recognized. The client may be unknown (a Stripe
/// event for a customer nobody owns): such rows are visible to the agency only.
/// </summary>
public class WebhookEvent : IOptionallyTenantOwned
{
    public Guid Id { get; set; } = Guid.CreateVersion7();
    public Guid? ClientId { get; set; }
    public required string Provider { get; set; }
    public required string ProviderEventKey { get; set; }
    public required string EventType { get; set; }
    public required string Payload { get; set; }
    public EventStatus Status { get; set; } = EventStatus.Received;
    public int Attempts { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    /// <summary>
    /// The W3C trace context of the request that delivered it (when telemetry is on), so that its processing in the
    /// jobs service continues that trace: request → inbox → job → effect in one trace.
    /// </summary>
    public string? TraceParent { get; set; }
}
