using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Callvia.Core.Dialer;

/// <summary>The platform's Retell account (contracts/retell.md). Without an API key, calls go to the sandbox simulator, never to nothing.</summary>
public sealed class RetellOptions
{
    public const string Section = "Dialer:Retell";
    public string BaseUrl { get; set; } = "https://api.retellai.com/";
    public string? ApiKey { get; set; }
    /// <summary>One create-phone-call's time limit (the official SDK gives this call 120 s).</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(120);
    /// <summary>
    /// The Retell at <see cref="BaseUrl"/> is the sandbox simulator (Callvia.Sandbox), not Retell: every call placed is marked
    /// simulated, and the simulator's bookings (signed with <see cref="ApiKey"/>) are accepted and marked so too.
    /// </summary>
    public bool Simulated { get; set; }
    public bool IsConfigured => !string.IsNullOrWhiteSpace(ApiKey);

    /// <summary>The platform's Retell key, or null (configuration read directly: the API's webhook check has no options bound).</summary>
    public static string? PlatformKey(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        configuration[$"{Section}:ApiKey"] is { Length: > 0 } key ? key : null;

    /// <summary>The simulator's key in sandbox mode, else null.</summary>
    public static string? SandboxKey(Microsoft.Extensions.Configuration.IConfiguration configuration) =>
        bool.TryParse(configuration[$"{Section}:Simulated"], out var simulated) && simulated ? PlatformKey(configuration) : null;
}

/// <summary>What the dialer sends: the numbers, the agent, our ids as metadata, the agent's variables (strings only).</summary>
public sealed record PhoneCallRequest(string FromNumber, string ToNumber, string? AgentId,
    IReadOnlyDictionary<string, string> Metadata, IReadOnlyDictionary<string, string> DynamicVariables);

public enum PlaceCallOutcome
{
    /// <summary>Retell registered the call (its id is known).</summary>
    Placed,
    /// <summary>429: Retell's rate or concurrency limit; back the client off (<see cref="PlaceCallResult.RetryAfter"/>).</summary>
    RateLimited,
    /// <summary>5xx: Retell did not take it; try again later with backoff.</summary>
    Transient,
    /// <summary>Never reached Retell (the connection failed): safe to try again.</summary>
    NotSent,
    /// <summary>Sent, but the answer was lost (a timeout, a cut connection): the call may exist; reconcile before calling again.</summary>
    AnswerLost,
    /// <summary>4xx other than 429: the request itself was refused (a bad number, an unknown agent); trying again changes nothing.</summary>
    Rejected,
}

public sealed record PlaceCallResult(PlaceCallOutcome Outcome, string? CallId, TimeSpan? RetryAfter, string? Error);

/// <summary>
/// Retell's create-phone-call (<c>POST v2/create-phone-call</c>, bearer key, 201 with the call object) through a typed
/// HttpClient whose base address is configuration. It never retries by itself and never throws for Retell's answer:
/// each outcome is told apart (<see cref="PlaceCallOutcome"/>), because a retried POST whose answer was lost can place a
/// second call — that decision is the dialer's, which reconciles through the webhooks' metadata.
/// </summary>
public sealed class RetellClient(HttpClient http, IOptions<RetellOptions> options)
{
    public static readonly TimeSpan DefaultBackoff = TimeSpan.FromSeconds(30);

    public bool IsConfigured => options.Value.IsConfigured;

    public async Task<PlaceCallResult> CreatePhoneCallAsync(PhoneCallRequest call, CancellationToken ct)
    {
        var o = options.Value;
        if (!o.IsConfigured) throw new InvalidOperationException("Retell is not configured (the sandbox simulator takes its place).");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v2/create-phone-call")
        {
            Content = JsonContent.Create(new Dictionary<string, object?>
            {
                ["from_number"] = call.FromNumber, ["to_number"] = call.ToNumber, ["override_agent_id"] = call.AgentId,
                ["metadata"] = call.Metadata, ["retell_llm_dynamic_variables"] = call.DynamicVariables,
            }.Where(kv => kv.Value is not null).ToDictionary()),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.ApiKey);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(o.Timeout);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
        }
        catch (HttpRequestException e) when (e.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return new(PlaceCallOutcome.NotSent, null, null, $"Retell could not be reached: {e.HttpRequestError}.");
        }
        catch (HttpRequestException e)
        {
            return new(PlaceCallOutcome.AnswerLost, null, null, $"The connection broke before Retell answered ({e.HttpRequestError}).");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return new(PlaceCallOutcome.AnswerLost, null, null, $"Retell did not answer within {o.Timeout.TotalSeconds:0} s.");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
                return Json(text) is { } body && body.TryGetProperty("call_id", out var id) && id.GetString() is { Length: > 0 } callId
                    ? new(PlaceCallOutcome.Placed, callId, null, null)
                    : new(PlaceCallOutcome.AnswerLost, null, null, $"Retell answered {status} without a call id.");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                return new(PlaceCallOutcome.RateLimited, null, RetryAfter(response) ?? DefaultBackoff, $"Retell answered 429: {Message(text)}");
            return status >= 500
                ? new(PlaceCallOutcome.Transient, null, null, $"Retell answered {status}: {Message(text)}")
                : new(PlaceCallOutcome.Rejected, null, null, $"Retell refused the call ({status}): {Message(text)}");
        }
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter is { } ra
            ? ra.Delta ?? (ra.Date is { } date ? date - DateTimeOffset.UtcNow : null)
            : null;

    private static string Message(string text) =>
        Json(text) is { } e && (e.TryGetProperty("error_message", out var m) || e.TryGetProperty("message", out m) || e.TryGetProperty("error", out m))
            ? m.ToString() : text.Length > 200 ? text[..200] : text;

    private static JsonElement? Json(string text)
    {
        try { return string.IsNullOrWhiteSpace(text) ? null : JsonSerializer.Deserialize<JsonElement>(text); }
        catch (JsonException) { return null; }
    }
}
