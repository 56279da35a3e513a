using System.Text;

namespace Callvia.Core.Webhooks;

/// <summary>Whose secret verifies a provider's webhooks, and so how a delivery finds its tenant.</summary>
public enum WebhookSecretScope
{
    /// <summary>Each client's own secret (<see cref="ProviderSecrets"/>); the tenant is the request's host.</summary>
    Client,
    /// <summary>The platform's one account (a configured secret); any host; the provider routes the event to its client.</summary>
    Platform,
}

/// <summary>
/// One webhook provider, whole: how its deliveries are verified, what they are (classified), which client an event is
/// for (platform accounts) and how a stored event is applied. Registered once, in <see cref="WebhookProviders.All"/>;
/// the API's endpoint (<c>/api/webhooks/{name}</c>), the inbox, the jobs service's dispatch and sweep, the agency's
/// filter and the client's secret list all follow from that list. A provider is stateless: what it needs at apply
/// time it takes from the tenant's services.
/// </summary>
public interface IWebhookProvider
{
    /// <summary>The path segment, the stored events' <c>provider</c> and (client scope) the secret's name.</summary>
    string Name { get; }

    WebhookSecretScope SecretScope { get; }

    /// <summary>The platform account's secret (platform scope only); null when not configured (every delivery is then refused).</summary>
    string? PlatformSecret(Microsoft.Extensions.Configuration.IConfiguration configuration) => null;

    /// <summary>
    /// Client scope: a platform secret that verifies a client's deliveries too (besides the client's own), or null. Retell: the
    /// platform's account key, which signs the webhooks of the calls the dialer places; Cal.com: the sandbox simulator's key,
    /// in sandbox mode only.
    /// </summary>
    string? PlatformFallbackSecret(Microsoft.Extensions.Configuration.IConfiguration configuration) => null;

    /// <summary>The signature over the raw body, checked before anything is parsed or stored.</summary>
    bool Verify(WebhookRequest request, string secret, DateTimeOffset now);

    /// <summary>What a verified delivery is: an event to store, a type we ignore, or a body we refuse (a 400 naming why).</summary>
    WebhookClassification Classify(WebhookRequest request);

    /// <summary>Platform scope: the client an event is for (by <see cref="WebhookClassification.RouteKey"/>), or null (kept for the agency).</summary>
    Task<Guid?> RouteAsync(WebhookClassification classified, IServiceProvider services, CancellationToken ct) => Task.FromResult<Guid?>(null);

    /// <summary>
    /// Applies a stored event inside its tenant's scope and transaction (<paramref name="services"/> is that scope). Any
    /// order and any repetition of a provider's events must give the same end state. A
    /// <see cref="PoisonEventException"/> fails the event at once; any other exception is retried.
    /// </summary>
    Task ApplyAsync(WebhookEvent ev, System.Text.Json.JsonElement payload, IServiceProvider services, CancellationToken ct);

    /// <summary>
    /// Whether the provider's events can be applied one after another without saving in between (a batch saves its
    /// changes once, <see cref="WebhookEventProcessor.ProcessBatchAsync"/>): its rules find what earlier events of the
    /// batch made or changed among the tracked entities first (<c>Local</c>, <c>FindAsync</c>), not only in the database.
    /// Otherwise the batch saves before and after each of its events.
    /// </summary>
    bool AppliesWithoutSaving => false;

    /// <summary>
    /// Loads, for a batch of its events, what applying them will look up (one query per kind instead of one per event),
    /// tracked, and records what it covered in <see cref="BatchLookups"/>. Optional: a provider that does nothing here
    /// looks everything up as it applies.
    /// </summary>
    Task PrefetchAsync(IReadOnlyList<System.Text.Json.JsonElement> payloads, IServiceProvider services, CancellationToken ct) => Task.CompletedTask;
}

/// <summary>A delivery as the provider sent it, read by verification and classification (built by the API from the HTTP request).</summary>
public sealed class WebhookRequest(byte[] body, string? contentType, string url, Func<string, string?> header, IReadOnlyList<KeyValuePair<string, string>> query)
{
    public byte[] Body { get; } = body;
    public string? ContentType { get; } = contentType;
    /// <summary>The full URL the provider called (scheme, host, path and query), for signatures that cover it.</summary>
    public string Url { get; } = url;
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; } = query;
    public string? Header(string name) => header(name);
    public string Text => field ??= Encoding.UTF8.GetString(Body);
}

/// <summary>What a verified delivery is (<see cref="IWebhookProvider.Classify"/>).</summary>
public sealed record WebhookClassification
{
    public string? Type { get; private init; }
    /// <summary>The provider's idempotency key: a redelivery has the same one and is stored once.</summary>
    public string? Key { get; private init; }
    /// <summary>What the inbox stores; null for the raw body.</summary>
    public string? Payload { get; private init; }
    /// <summary>Why the body is refused (a 400), or null.</summary>
    public string? Error { get; private init; }
    /// <summary>Platform scope: what names the event's client (e.g. a Stripe customer id).</summary>
    public string? RouteKey { get; private init; }

    public bool Ignored => Error is null && Key is null;

    public static WebhookClassification Store(string type, string key, string? payload = null, string? routeKey = null) =>
        new() { Type = type, Key = key, Payload = payload, RouteKey = routeKey };

    /// <summary>A well-formed event of a type we do not apply: answered 2xx, not stored.</summary>
    public static WebhookClassification Ignore(string type) => new() { Type = type };

    public static WebhookClassification Refuse(string error) => new() { Error = error };
}
