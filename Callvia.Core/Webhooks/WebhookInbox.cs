using Callvia.Core.Tenancy;

namespace Callvia.Core.Webhooks;

/// <summary>
/// The durable inbox: a verified event's raw body is committed to <c>events</c> before the provider gets
/// its 2xx (through the group-committing <see cref="InboxWriter"/>). The (provider, event key) unique
/// constraint turns a redelivery into a no-op.
/// </summary>
public sealed class WebhookInbox(InboxWriter writer, TenantContext tenant, TimeProvider clock)
{
    public Guid ClientId => tenant.ClientId ?? throw new InvalidOperationException("Webhooks are received on a tenant's host.");

    /// <summary>Stores the event and returns its id; null when it was stored before (a duplicate delivery).</summary>
    public async Task<Guid?> AcceptAsync(string provider, string eventKey, string eventType, string payload, CancellationToken ct)
    {
        tenant.Seal();
        if (tenant.ClientId is null && !tenant.IsAgency)
            throw new InvalidOperationException("An event is stored for a client, or by the agency.");
        // in the agency scope (an event no client could be found for) the row has no client
        var id = Guid.CreateVersion7();
        var stored = await writer.WriteAsync(
            new InboxWriter.Row(id, tenant.ClientId, tenant.IsAgency, provider, eventKey, eventType, payload, clock.GetUtcNow(),
                // the delivering request's trace, when there is one (telemetry on): its processing continues it
                System.Diagnostics.Activity.Current?.Id is { Length: <= 64 } trace && System.Diagnostics.Activity.Current.IdFormat == System.Diagnostics.ActivityIdFormat.W3C ? trace : null), ct);
        return stored ? id : null;
    }
}
