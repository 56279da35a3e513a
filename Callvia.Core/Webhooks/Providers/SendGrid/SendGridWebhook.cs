using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Callvia.Core.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Core.Webhooks.Providers.SendGrid;

/// <summary>
/// SendGrid's Event Webhook (contracts/sendgrid.md): a signed JSON array of events, verified with the client's
/// verification key (its provider secret "sendgrid"). A delivery is stored once (its key: the hash of its events'
/// <c>sg_event_id</c>s) when it carries an event we apply (<see cref="DeliveryReceipts.SendGridEvents"/>); one with only
/// other events (processed, open, click...) is acknowledged and not stored.
/// </summary>
public sealed class SendGridWebhook : IWebhookProvider
{
    public string Name => "sendgrid";
    public WebhookSecretScope SecretScope => WebhookSecretScope.Client;

    public bool Verify(WebhookRequest request, string secret, DateTimeOffset now) =>
        SendGridSignature.Verify(request.Body, request.Header(SendGridSignature.SignatureHeader), request.Header(SendGridSignature.TimestampHeader), secret, now);

    public WebhookClassification Classify(WebhookRequest request)
    {
        JsonElement json;
        try { json = JsonSerializer.Deserialize<JsonElement>(request.Body); }
        catch (JsonException) { return WebhookClassification.Refuse("The body is not valid JSON."); }
        if (json.ValueKind != JsonValueKind.Array) return WebhookClassification.Refuse("The body is not a JSON array of events.");
        var ids = new List<string>();
        var applied = false;
        foreach (var e in json.EnumerateArray())
        {
            if (e.ValueKind != JsonValueKind.Object || JsonFields.Str(e, "event") is not { } type)
                return WebhookClassification.Refuse("Every event needs an 'event' field.");
            if (JsonFields.Str(e, "sg_event_id") is not { Length: > 0 } id)
                return WebhookClassification.Refuse("Every event needs an 'sg_event_id'.");
            ids.Add(id);
            applied |= DeliveryReceipts.SendGridEvents.Contains(type);
        }
        if (ids.Count == 0) return WebhookClassification.Refuse("The body has no events.");
        if (!applied) return WebhookClassification.Ignore("events");
        var key = "events:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join("\n", ids.Order(StringComparer.Ordinal)))));
        return WebhookClassification.Store("events", key);
    }

    public Task ApplyAsync(WebhookEvent ev, JsonElement payload, IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<DeliveryReceipts>().ApplySendGridAsync(payload, ct);
}
