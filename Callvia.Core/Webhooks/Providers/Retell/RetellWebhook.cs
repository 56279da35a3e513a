using System.Text.Json;
using Callvia.Core.Calls;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Core.Webhooks.Providers.Retell;

/// <summary>
/// Retell's call webhooks (contracts/retell.md): signed with the client's Retell API key; <c>call_started</c>,
/// <c>call_ended</c> and <c>call_analyzed</c> are stored once per (call, event) and applied by <see cref="RetellCallEvents"/>;
/// other event types are ignored.
/// </summary>
public sealed class RetellWebhook : IWebhookProvider
{
    private static readonly HashSet<string> Events = ["call_started", "call_ended", "call_analyzed"];

    public string Name => "retell";
    public WebhookSecretScope SecretScope => WebhookSecretScope.Client;

    /// <summary>The platform's Retell key (<c>Dialer:Retell:ApiKey</c>): Retell signs the webhooks of the calls the dialer places from the platform's account with it.</summary>
    public string? PlatformFallbackSecret(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Dialer.RetellOptions.PlatformKey(configuration);

    public bool Verify(WebhookRequest request, string secret, DateTimeOffset now) =>
        RetellSignature.Verify(request.Body, request.Header(RetellSignature.Header), secret, now);

    public WebhookClassification Classify(WebhookRequest request)
    {
        if (!WebhookJson.TryParseObject(request.Body, out var json, out var refusal)) return refusal;
        var type = JsonFields.Str(json, "event");
        if (type is null) return WebhookClassification.Refuse("the body has no 'event'");
        if (!Events.Contains(type)) return WebhookClassification.Ignore(type);
        var callId = json.TryGetProperty("call", out var call) && call.ValueKind == JsonValueKind.Object ? JsonFields.Str(call, "call_id") : null;
        return callId is null
            ? WebhookClassification.Refuse("the body has no 'call.call_id'")
            : WebhookClassification.Store(type, $"{callId}:{type}");
    }

    public Task ApplyAsync(WebhookEvent ev, JsonElement payload, IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<RetellCallEvents>().ApplyAsync(ev.EventType, payload, ct);

    public bool AppliesWithoutSaving => true;

    public Task PrefetchAsync(IReadOnlyList<JsonElement> payloads, IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<RetellCallEvents>().PrefetchAsync(payloads, ct);
}
