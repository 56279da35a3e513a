using System.Text.Json;
using Callvia.Core.Billing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Callvia.Core.Webhooks.Providers.Stripe;

/// <summary>
/// Stripe's invoice events (contracts/stripe.md): the platform's one account, so any host; verified with the platform's
/// signing secret (<c>Stripe:WebhookSecret</c>) by Stripe.net, routed to the client owning the invoice's customer (an event
/// for a customer no client owns is kept for the agency, audited, never dropped), applied by <see cref="StripeInvoiceEvents"/>.
/// </summary>
public sealed class StripeWebhook : IWebhookProvider
{
    public const string SignatureHeader = "Stripe-Signature";
    private const long ToleranceSeconds = 300;

    public string Name => "stripe";
    public WebhookSecretScope SecretScope => WebhookSecretScope.Platform;

    public string? PlatformSecret(IConfiguration configuration) => configuration["Stripe:WebhookSecret"] is { Length: > 0 } s ? s : null;

    public bool Verify(WebhookRequest request, string secret, DateTimeOffset now)
    {
        if (request.Header(SignatureHeader) is not { Length: > 0 } header) return false;
        try
        {
            global::Stripe.EventUtility.ValidateSignature(request.Text, header, secret, ToleranceSeconds, now.ToUnixTimeSeconds());
            return true;
        }
        catch (Exception e) when (e is global::Stripe.StripeException or ArgumentException or FormatException)
        {
            return false;
        }
    }

    public WebhookClassification Classify(WebhookRequest request)
    {
        if (!WebhookJson.TryParseObject(request.Body, out var root, out var refusal)) return refusal;
        if (JsonFields.Str(root, "id") is not { } eventId || JsonFields.Str(root, "type") is not { } type)
            return WebhookClassification.Refuse("The body has no event 'id' or 'type'.");
        if (!StripeInvoiceEvents.Types.Contains(type)) return WebhookClassification.Ignore(type);
        var customer = root.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                       && data.TryGetProperty("object", out var obj) ? JsonFields.Str(obj, "customer") : null;
        return WebhookClassification.Store(type, eventId, routeKey: customer);
    }

    public async Task<Guid?> RouteAsync(WebhookClassification classified, IServiceProvider services, CancellationToken ct)
    {
        if (classified.RouteKey is not { } customer) return null;
        // a security-definer lookup: the request has no tenant yet, and row-level security hides every client
        await using var cmd = services.GetRequiredService<NpgsqlDataSource>().CreateCommand("SELECT app_client_by_stripe_customer($1)");
        cmd.Parameters.Add(new NpgsqlParameter { Value = customer });
        return await cmd.ExecuteScalarAsync(ct) as Guid?;
    }

    public async Task ApplyAsync(WebhookEvent ev, JsonElement payload, IServiceProvider services, CancellationToken ct)
    {
        global::Stripe.Event stripeEvent;
        try
        {
            stripeEvent = StripeInvoiceEvents.Parse(ev.Payload);
        }
        catch (global::Stripe.StripeException e)
        {
            // another API version train: retrying cannot help
            throw new PoisonEventException(e.Message + " (the Stripe webhook endpoint must use the SDK's API version)");
        }
        await services.GetRequiredService<StripeInvoiceEvents>().ApplyAsync(stripeEvent, ct);
    }
}
