using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Callvia.Core.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Core.Webhooks.Providers.MessageBird;

/// <summary>
/// MessageBird inbound SMS (Flow Builder "Forward to URL", contracts/messagebird.md): form-encoded or JSON, fields in the
/// body or the query; verified by the <c>MessageBird-Signature-JWT</c> header with the client's signing key. Stored as a
/// small JSON document of the fields we use plus the raw body, once per message id (or per body when there is none),
/// applied by <see cref="InboundSms"/>. Delivery reports (the account's status-report URL set to this endpoint) carry no
/// originator but a status and the message's id or our reference: stored once per (message, status, time) and applied by
/// <see cref="DeliveryReceipts"/>.
/// </summary>
public sealed class MessageBirdWebhook : IWebhookProvider
{
    public const string SignatureHeader = "MessageBird-Signature-JWT";
    public const string DeliveryReport = "delivery_report";

    public string Name => "messagebird";
    public WebhookSecretScope SecretScope => WebhookSecretScope.Client;

    public bool Verify(WebhookRequest request, string secret, DateTimeOffset now) =>
        MessageBirdSignature.Verify(request.Header(SignatureHeader), secret, request.Url, request.Body, now);

    public WebhookClassification Classify(WebhookRequest request)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in request.Query) fields[name] = value;
        if ((request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            if (!WebhookJson.TryParseObject(request.Body, out var json, out _))
                return WebhookClassification.Refuse("The body is not a JSON object.");
            foreach (var p in json.EnumerateObject())
                fields[p.Name] = p.Value.ValueKind == JsonValueKind.String ? JsonFields.Str(json, p.Name)! : p.Value.GetRawText();
        }
        else
        {
            foreach (var (name, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(request.Text)) fields[name] = value.ToString();
        }
        // a delivery report (the account's status-report URL is this endpoint too): the message's id or our reference, and a status
        if ((!fields.TryGetValue("originator", out var originator) || string.IsNullOrWhiteSpace(originator))
            && fields.TryGetValue("status", out var status) && status.Length > 0
            && (fields.GetValueOrDefault("id") is { Length: > 0 } || fields.GetValueOrDefault("reference") is { Length: > 0 }))
        {
            foreach (var name in new[] { "id", "reference", "status", "statusDatetime" })
                if (Validation.TextInput.Problem($"The report's '{name}'", fields.GetValueOrDefault(name)) is { } bad) return WebhookClassification.Refuse(bad);
            var report = JsonSerializer.Serialize(new
            {
                id = fields.GetValueOrDefault("id"), reference = fields.GetValueOrDefault("reference"), recipient = fields.GetValueOrDefault("recipient"),
                status, statusDatetime = fields.GetValueOrDefault("statusDatetime"), statusErrorCode = fields.GetValueOrDefault("statusErrorCode"),
            });
            return WebhookClassification.Store(DeliveryReport,
                $"report:{fields.GetValueOrDefault("id") ?? fields.GetValueOrDefault("reference")}:{status}:{fields.GetValueOrDefault("statusDatetime")}", report);
        }
        if (string.IsNullOrWhiteSpace(originator))
            return WebhookClassification.Refuse("The message has no 'originator' (an inbound SMS) nor a 'status' with an 'id' or 'reference' (a delivery report).");
        if (!fields.TryGetValue("payload", out var message)) fields.TryGetValue("body", out message);
        var document = JsonSerializer.Serialize(new
        {
            originator, recipient = fields.GetValueOrDefault("recipient"), payload = message ?? "", id = fields.GetValueOrDefault("id"), raw = request.Text,
        });
        var query = request.Url.IndexOf('?') is var q and >= 0 ? request.Url[q..] : "";
        // the other fields are stored JSON-escaped; the id becomes the idempotency key as it is
        if (Validation.TextInput.Problem("The message's 'id'", fields.GetValueOrDefault("id")) is { } problem)
            return WebhookClassification.Refuse(problem);
        var key = fields.TryGetValue("id", out var id) && id.Length > 0
            ? id
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query + "\n" + request.Text)));
        return WebhookClassification.Store("inbound_sms", key, document);
    }

    public Task ApplyAsync(WebhookEvent ev, JsonElement payload, IServiceProvider services, CancellationToken ct) => ev.EventType == DeliveryReport
        ? services.GetRequiredService<DeliveryReceipts>().ApplyMessageBirdAsync(payload, ct)
        : services.GetRequiredService<InboundSms>().ApplyAsync(payload, ct);
}
