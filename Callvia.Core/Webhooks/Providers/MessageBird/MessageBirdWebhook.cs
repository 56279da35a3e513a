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
/// applied by <see cref="InboundSms"/>.
/// </summary>
public sealed class MessageBirdWebhook : IWebhookProvider
{
    public const string SignatureHeader = "MessageBird-Signature-JWT";

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
        if (!fields.TryGetValue("originator", out var originator) || string.IsNullOrWhiteSpace(originator))
            return WebhookClassification.Refuse("The message has no 'originator'.");
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

    public Task ApplyAsync(WebhookEvent ev, JsonElement payload, IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<InboundSms>().ApplyAsync(payload, ct);
}
