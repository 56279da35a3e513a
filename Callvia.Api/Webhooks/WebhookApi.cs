using Callvia.Web.Tenancy;
using Callvia.Web;
using System.Buffers;
using System.Text;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;

namespace Callvia.Api.Webhooks;

/// <summary>
/// Provider webhooks, one endpoint per registered provider (<see cref="WebhookProviders.All"/>): the raw body is read
/// (size-limited), its signature checked with the tenant's secret (the host's client) or the platform's before anything
/// is parsed or stored, then the event is committed to the inbox and the provider gets its 2xx. A redelivery answers 2xx
/// and changes nothing. Unknown event types: 2xx, ignored. Processing the stored events is the jobs service's work: it
/// claims new events as they arrive.
/// </summary>
public static class WebhookApi
{
    public const int MaxBodyBytes = 1024 * 1024;

    public static void MapWebhookApi(this IEndpointRouteBuilder app)
    {
        // over MaxBodyBytes the endpoints answer 413 themselves; Kestrel's limit is above it so that it can read past
        // the rest of such a body and the sender gets that 413 rather than a reset connection
        var group = app.MapGroup("/api/webhooks").WithTags("Webhooks").AllowAnonymous().DisableAntiforgery().WithBodyLimit(8 * MaxBodyBytes);
        foreach (var provider in WebhookProviders.All)
        {
            var endpoint = group.MapPost("/" + provider.Name, (HttpContext http, IServiceProvider services, TimeProvider clock) =>
                    ReceiveAsync(http, provider, services, clock))
                .SignatureAuthenticated();
            if (provider.SecretScope == WebhookSecretScope.Platform) endpoint.AllowAnyHost();
        }
        // The ingest benchmark's baseline: the same server storing the raw row, nothing else. Off unless configured.
        if (app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue("Bench:BareEndpoint", false))
            group.MapPost("/_bare", async (HttpContext http, WebhookInbox inbox) =>
            {
                var body = await ReadBodyAsync(http.Request, http.RequestAborted);
                await inbox.AcceptAsync("bare", Guid.NewGuid().ToString("N"), "bare", Encoding.UTF8.GetString(body ?? []), http.RequestAborted);
                return TypedResults.Ok();
            }).SignatureAuthenticated();
    }

    private static async Task<IResult> ReceiveAsync(HttpContext http, IWebhookProvider provider, IServiceProvider services, TimeProvider clock)
    {
        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is null)
            return ApiProblems.Of(413, $"The body is over {MaxBodyBytes} bytes.");
        var r = http.Request;
        var request = new WebhookRequest(body, r.ContentType, $"{r.Scheme}://{r.Host}{r.PathBase}{r.Path}{r.QueryString}",
            name => r.Headers.TryGetValue(name, out var v) ? v.ToString() : null,
            [.. r.Query.Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString()))]);

        var secret = provider.SecretScope == WebhookSecretScope.Platform
            ? provider.PlatformSecret(services.GetRequiredService<IConfiguration>())
            : await services.GetRequiredService<ProviderSecrets>().GetAsync(provider.Name, http.RequestAborted);
        var now = clock.GetUtcNow();
        if ((secret is null || !provider.Verify(request, secret, now))
            && (provider.SecretScope != WebhookSecretScope.Client
                || provider.PlatformFallbackSecret(services.GetRequiredService<IConfiguration>()) is not { } fallback
                || !provider.Verify(request, fallback, now)))
            return ApiProblems.Of(401, "The signature is missing, wrong or stale.");

        var classified = provider.Classify(request);
        if (classified.Error is { } error)
            return ApiProblems.Of(400, error);
        if (classified.Ignored)
            return TypedResults.Ok(new { received = true, ignored = true, @event = classified.Type });

        var payload = classified.Payload ?? request.Text;
        Guid? stored;
        if (provider.SecretScope == WebhookSecretScope.Client)
            stored = await services.GetRequiredService<WebhookInbox>().AcceptAsync(provider.Name, classified.Key!, classified.Type!, payload, http.RequestAborted);
        else if (await provider.RouteAsync(classified, services, http.RequestAborted) is { } clientId
                 && await services.GetRequiredService<TenantStore>().FindByIdAsync(clientId, http.RequestAborted) is { } tenant)
            stored = await services.GetRequiredService<IServiceScopeFactory>().InTenantAsync(tenant, sp =>
                sp.GetRequiredService<WebhookInbox>().AcceptAsync(provider.Name, classified.Key!, classified.Type!, payload, http.RequestAborted));
        else
            // an event no client could be found for: kept for the agency (audited), never dropped
            stored = await services.GetRequiredService<AgencyAccess>().RunAsync($"{provider.Name}.unrouted_event", (_, sp) => sp.GetRequiredService<WebhookInbox>()
                    .AcceptAsync(provider.Name, classified.Key!, classified.Type!, payload, http.RequestAborted),
                detail: $"{classified.Type} {classified.Key} for {classified.RouteKey ?? "(none)"}", actor: provider.Name, ct: http.RequestAborted);
        return TypedResults.Ok(new { received = true, duplicate = stored is null, @event = classified.Type });
    }

    /// <summary>The raw bytes, or null past the limit (by Content-Length at once, or while reading).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > MaxBodyBytes) return null;
        using var buffer = new MemoryStream(request.ContentLength is > 0 and <= MaxBodyBytes ? (int)request.ContentLength : 16 * 1024);
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int n;
            while ((n = await request.Body.ReadAsync(chunk, ct)) > 0)
            {
                if (buffer.Length + n > MaxBodyBytes) return null;
                buffer.Write(chunk, 0, n);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
        return buffer.ToArray();
    }

}
