using System.Text.Json;
using Callvia.Core.Appointments;
using Microsoft.Extensions.DependencyInjection;

namespace Callvia.Core.Webhooks.Providers.Calcom;

/// <summary>
/// Cal.com's booking webhooks (contracts/calcom.md): signed with the client's webhook secret; BOOKING_CREATED,
/// BOOKING_RESCHEDULED and BOOKING_CANCELLED are stored once per (trigger, booking uid[, rescheduled uid]) and applied
/// by <see cref="CalcomBookingEvents"/>; other triggers are ignored.
/// </summary>
public sealed class CalcomWebhook : IWebhookProvider
{
    private static readonly HashSet<string> Events = ["BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"];

    public string Name => "calcom";
    public WebhookSecretScope SecretScope => WebhookSecretScope.Client;

    /// <summary>The sandbox simulator's key (<c>Dialer:Retell:ApiKey</c> while <c>Dialer:Retell:Simulated</c>): it books some leads of its calls.</summary>
    public string? PlatformFallbackSecret(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        Dialer.RetellOptions.SandboxKey(configuration);

    public bool Verify(WebhookRequest request, string secret, DateTimeOffset now) =>
        CalcomSignature.Verify(request.Body, request.Header(CalcomSignature.Header), secret);

    public WebhookClassification Classify(WebhookRequest request)
    {
        if (!WebhookJson.TryParseObject(request.Body, out var json, out var refusal)) return refusal;
        var type = JsonFields.Str(json, "triggerEvent");
        if (type is null) return WebhookClassification.Refuse("the body has no 'triggerEvent'");
        if (!Events.Contains(type)) return WebhookClassification.Ignore(type);
        if (!json.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object || JsonFields.Str(payload, "uid") is not { } uid)
            return WebhookClassification.Refuse("the body has no 'payload.uid'");
        var key = $"{type}:{uid}";
        if (type == "BOOKING_RESCHEDULED" && JsonFields.Str(payload, "rescheduleUid") is { } from)
            key += ":" + from;
        return WebhookClassification.Store(type, key);
    }

    public Task ApplyAsync(WebhookEvent ev, JsonElement payload, IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<CalcomBookingEvents>().ApplyAsync(ev.EventType, payload, ct);

    public bool AppliesWithoutSaving => true;

    public Task PrefetchAsync(IReadOnlyList<JsonElement> payloads, IServiceProvider services, CancellationToken ct) =>
        services.GetRequiredService<CalcomBookingEvents>().PrefetchAsync(payloads, ct);
}
