using Callvia.Core.Web;
using System.Buffers;
using System.Text;
using System.Text.Json;
using static Callvia.Core.JsonFields;
using Callvia.Core.Tenancy;
using Callvia.Core.Webhooks;

namespace Callvia.Api.Webhooks;

/// <summary>
/// Provider webhooks, per tenant by host: the raw body is read (size-limited), its signature checked with
/// the tenant's secret before anything is stored, then the event is committed to the inbox and the
/// provider gets its 2xx. A redelivery answers 2xx and changes nothing. Unknown event types: 2xx, ignored.
/// Processing the stored events is the jobs service's work: it claims new events as they arrive.
/// </summary>
public static class WebhookApi
{
    public const int MaxBodyBytes = 1024 * 1024;

    private static readonly HashSet<string> RetellEvents = ["call_started", "call_ended", "call_analyzed"];
    private static readonly HashSet<string> CalcomEvents = ["BOOKING_CREATED", "BOOKING_RESCHEDULED", "BOOKING_CANCELLED"];

    public static void MapWebhookApi(this IEndpointRouteBuilder app)
    {
        // over MaxBodyBytes the endpoints answer 413 themselves; Kestrel's limit is above it so that it can read past
        // the rest of such a body and the sender gets that 413 rather than a reset connection
        var group = app.MapGroup("/api/webhooks").WithTags("Webhooks").AllowAnonymous().DisableAntiforgery().WithBodyLimit(8 * MaxBodyBytes);
        group.MapPost("/retell", RetellAsync).SignatureAuthenticated();
        group.MapPost("/calcom", CalcomAsync).SignatureAuthenticated();
        group.MapPost("/stripe", StripeAsync).AllowAnyHost().SignatureAuthenticated();
        group.MapPost("/messagebird", MessageBirdAsync).SignatureAuthenticated();
        // The ingest benchmark's baseline: the same server storing the raw row, nothing else. Off unless configured.
        if (app.ServiceProvider.GetRequiredService<IConfiguration>().GetValue("Bench:BareEndpoint", false))
            group.MapPost("/_bare", async (HttpContext http, WebhookInbox inbox) =>
            {
                var body = await ReadBodyAsync(http.Request, http.RequestAborted);
                await inbox.AcceptAsync("bare", Guid.NewGuid().ToString("N"), "bare", Encoding.UTF8.GetString(body ?? []), http.RequestAborted);
                return TypedResults.Ok();
            }).SignatureAuthenticated();
    }

    private static Task<IResult> RetellAsync(HttpContext http, ProviderSecrets secrets, WebhookInbox inbox, TimeProvider clock) =>
        ReceiveAsync(http, secrets, inbox, "retell",
            (body, key) => WebhookSignatures.VerifyRetell(body, http.Request.Headers["x-retell-signature"], key, clock.GetUtcNow()),
            json =>
            {
                var type = json.TryGetProperty("event", out var e) && e.ValueKind == JsonValueKind.String ? e.GetString() : null;
                var callId = json.TryGetProperty("call", out var call) && call.ValueKind == JsonValueKind.Object
                             && call.TryGetProperty("call_id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;
                if (type is null) return (null, null, "the body has no 'event'");
                if (!RetellEvents.Contains(type)) return (type, null, null);
                return callId is null ? (type, null, "the body has no 'call.call_id'") : (type, $"{callId}:{type}", null);
            });

    private static Task<IResult> CalcomAsync(HttpContext http, ProviderSecrets secrets, WebhookInbox inbox) =>
        ReceiveAsync(http, secrets, inbox, "calcom",
            (body, key) => WebhookSignatures.VerifyCalcom(body, http.Request.Headers["X-Cal-Signature-256"], key),
            json =>
            {
                var type = json.TryGetProperty("triggerEvent", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                if (type is null) return (null, null, "the body has no 'triggerEvent'");
                if (!CalcomEvents.Contains(type)) return (type, null, null);
                if (!json.TryGetProperty("payload", out var payload) || payload.ValueKind != JsonValueKind.Object
                    || !payload.TryGetProperty("uid", out var uid) || uid.ValueKind != JsonValueKind.String)
                    return (type, null, "the body has no 'payload.uid'");
                var key = $"{type}:{uid.GetString()}";
                if (type == "BOOKING_RESCHEDULED" && payload.TryGetProperty("rescheduleUid", out var from) && from.ValueKind == JsonValueKind.String)
                    key += ":" + from.GetString();
                return (type, key, null);
            });

    /// <summary>
    /// Stripe: one platform account, so any host; verified with the platform's signing secret
    /// (<c>Stripe:WebhookSecret</c>) by Stripe.net, then routed to the client owning the invoice's customer.
    /// An event for a customer no client owns is kept for the agency (audited), never dropped.
    /// </summary>
    private static async Task<IResult> StripeAsync(HttpContext http, IConfiguration configuration, TimeProvider clock,
        IServiceScopeFactory scopes, Core.Tenancy.TenantStore tenants, Core.Tenancy.AgencyAccess agency, Npgsql.NpgsqlDataSource dataSource)
    {
        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is null)
            return ApiProblems.Of(413, $"The body is over {MaxBodyBytes} bytes.");
        var secret = configuration["Stripe:WebhookSecret"];
        var json = Encoding.UTF8.GetString(body);
        try
        {
            string? header = http.Request.Headers["Stripe-Signature"];
            if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(header)) throw new Stripe.StripeException("no secret or no signature");
            Stripe.EventUtility.ValidateSignature(json, header, secret, 300, clock.GetUtcNow().ToUnixTimeSeconds());
        }
        catch (Exception e) when (e is Stripe.StripeException or ArgumentException or FormatException)
        {
            return ApiProblems.Of(401, "The signature is missing, wrong or stale.");
        }
        JsonElement root;
        try { root = JsonSerializer.Deserialize<JsonElement>(body); }
        catch (JsonException) { return ApiProblems.Of(400, "The body is not valid JSON."); }
        if (root.ValueKind != JsonValueKind.Object || Str(root, "id") is not { } eventId || Str(root, "type") is not { } type)
            return ApiProblems.Of(400, "The body has no event 'id' or 'type'.");
        if (!Core.Billing.StripeInvoiceEvents.Types.Contains(type))
            return TypedResults.Ok(new { received = true, ignored = true, @event = type });

        var customer = root.TryGetProperty("data", out var data) && data.TryGetProperty("object", out var obj) ? Str(obj, "customer") : null;
        Guid? clientId = null;
        if (customer is not null)
        {
            await using var cmd = dataSource.CreateCommand("SELECT app_client_by_stripe_customer($1)");
            cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = customer });
            clientId = await cmd.ExecuteScalarAsync(http.RequestAborted) as Guid?;
        }
        Guid? stored;
        if (clientId is { } id && await tenants.FindByIdAsync(id, http.RequestAborted) is { } tenant)
        {
            stored = await scopes.InTenantAsync(tenant, sp => sp.GetRequiredService<WebhookInbox>().AcceptAsync("stripe", eventId, type, json, http.RequestAborted));
        }
        else
        {
            stored = await agency.RunAsync("stripe.unrouted_event", (_, sp) => sp.GetRequiredService<WebhookInbox>()
                .AcceptAsync("stripe", eventId, type, json, http.RequestAborted), detail: $"{type} {eventId} for customer {customer ?? "(none)"}",
                actor: "stripe", ct: http.RequestAborted);
        }
        return TypedResults.Ok(new { received = true, duplicate = stored is null, @event = type });
    }

    /// <summary>
    /// MessageBird inbound SMS (Flow Builder "Forward to URL"): form-encoded or JSON, fields in the body or the
    /// query; verified by the <c>MessageBird-Signature-JWT</c> header with the tenant's signing key. Stored as
    /// a small JSON document of the fields we use plus the raw body.
    /// </summary>
    private static async Task<IResult> MessageBirdAsync(HttpContext http, ProviderSecrets secrets, WebhookInbox inbox, TimeProvider clock)
    {
        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is null)
            return ApiProblems.Of(413, $"The body is over {MaxBodyBytes} bytes.");
        var secret = await secrets.GetAsync("messagebird", http.RequestAborted);
        var url = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
        if (secret is null || !MessageBirdSignature.Verify(http.Request.Headers["MessageBird-Signature-JWT"], secret, url, body, clock.GetUtcNow()))
            return ApiProblems.Of(401, "The signature is missing, wrong or stale.");

        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in http.Request.Query) fields[name] = value.ToString();
        var text = Encoding.UTF8.GetString(body);
        if ((http.Request.ContentType ?? "").StartsWith("application/json", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                foreach (var p in JsonSerializer.Deserialize<JsonElement>(body).EnumerateObject())
                    fields[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException)
            {
                return ApiProblems.Of(400, "The body is not a JSON object.");
            }
        }
        else
        {
            foreach (var (name, value) in Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(text)) fields[name] = value.ToString();
        }
        if (!fields.TryGetValue("originator", out var originator) || string.IsNullOrWhiteSpace(originator))
            return ApiProblems.Of(400, "The message has no 'originator'.");
        fields.TryGetValue("payload", out var message);
        if (message is null) fields.TryGetValue("body", out message);
        var document = JsonSerializer.Serialize(new
        {
            originator, recipient = fields.GetValueOrDefault("recipient"), payload = message ?? "", id = fields.GetValueOrDefault("id"), raw = text,
        });
        var eventKey = fields.TryGetValue("id", out var id) && id.Length > 0
            ? id
            : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(http.Request.QueryString + "\n" + text)));
        var stored = await inbox.AcceptAsync("messagebird", eventKey, "inbound_sms", document, http.RequestAborted);
        return TypedResults.Ok(new { received = true, duplicate = stored is null });
    }


    private delegate (string? Type, string? Key, string? Error) Classify(JsonElement json);

    private static async Task<IResult> ReceiveAsync(HttpContext http, ProviderSecrets secrets, WebhookInbox inbox, string provider,
        Func<byte[], string, bool> verify, Classify classify)
    {
        var body = await ReadBodyAsync(http.Request, http.RequestAborted);
        if (body is null)
            return ApiProblems.Of(413, $"The body is over {MaxBodyBytes} bytes.");

        var secret = await secrets.GetAsync(provider, http.RequestAborted);
        if (secret is null || !verify(body, secret))
            return ApiProblems.Of(401, "The signature is missing, wrong or stale.");

        JsonElement json;
        try
        {
            json = JsonSerializer.Deserialize<JsonElement>(body);
        }
        catch (JsonException)
        {
            return ApiProblems.Of(400, "The body is not valid JSON.");
        }
        if (json.ValueKind != JsonValueKind.Object)
            return ApiProblems.Of(400, "The body is not a JSON object.");
        var (type, key, error) = classify(json);
        if (error is not null)
            return ApiProblems.Of(400, error);
        if (key is null)
            return TypedResults.Ok(new { received = true, ignored = true, @event = type });

        var stored = await inbox.AcceptAsync(provider, key, type!, Encoding.UTF8.GetString(body), http.RequestAborted);
        return TypedResults.Ok(new { received = true, duplicate = stored is null, @event = type });
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
