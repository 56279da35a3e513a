using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Callvia.Testing.Fakes;

/// <summary>
/// Retell's create-phone-call (contracts/retell.md): <c>POST /v2/create-phone-call</c> with <c>Authorization: Bearer {key}</c>
/// and JSON <c>{ from_number, to_number (E.164), override_agent_id?, metadata (object), retell_llm_dynamic_variables (strings) }</c>;
/// answers 201 with the call object (<c>call_status: registered</c>), 401 for a wrong key, 400 for a bad body, and on demand
/// a queued failure (429 with Retry-After, 5xx) or a delay longer than the caller waits.
/// </summary>
public sealed class FakeRetell : FakeProviderServer
{
    private readonly ConcurrentQueue<TimeSpan> _delays = new();
    public string ApiKey { get; } = "key_" + Guid.NewGuid().ToString("N");

    public static async Task<FakeRetell> StartNewAsync()
    {
        var fake = new FakeRetell();
        await fake.StartAsync();
        return fake;
    }

    /// <summary>The next request is answered only after <paramref name="delay"/> (the call is registered all the same).</summary>
    public void DelayNext(TimeSpan delay) => _delays.Enqueue(delay);

    protected override int SuccessStatus => 201;

    protected override void Map(WebApplication app) => app.MapPost("/v2/create-phone-call", async (HttpContext http) =>
    {
        var (body, forced) = await ReceiveAsync(http, raw => Check(http, raw));
        if (_delays.TryDequeue(out var delay)) await Task.Delay(delay);
        if (forced is not null)
        {
            if (forced is IStatusCodeHttpResult { StatusCode: 429 }) http.Response.Headers.RetryAfter = "7";
            return forced;
        }
        var json = Parse(body)!.Value;
        return Results.Json(new
        {
            call_type = "phone_call", call_id = "call_" + Guid.NewGuid().ToString("N"), agent_id = json.TryGetProperty("override_agent_id", out var a) ? a.GetString() : "agent_default",
            agent_version = 1, call_status = "registered", direction = "outbound",
            from_number = json.GetProperty("from_number").GetString(), to_number = json.GetProperty("to_number").GetString(),
            metadata = json.GetProperty("metadata"), retell_llm_dynamic_variables = json.GetProperty("retell_llm_dynamic_variables"),
        }, statusCode: 201);
    });

    private IResult? Check(HttpContext http, string raw)
    {
        if (http.Request.Headers.Authorization.ToString() != "Bearer " + ApiKey)
            return Results.Json(new { error_message = "Unauthorized" }, statusCode: 401);
        if (Parse(raw) is not { ValueKind: JsonValueKind.Object } json)
            return Results.Json(new { error_message = "Invalid JSON" }, statusCode: 400);
        foreach (var field in new[] { "from_number", "to_number" })
            if (!json.TryGetProperty(field, out var n) || n.GetString() is not { } number || !number.StartsWith('+') || !number[1..].All(char.IsAsciiDigit))
                return Results.Json(new { error_message = $"{field} must be an E.164 number" }, statusCode: 400);
        if (json.TryGetProperty("metadata", out var m) && m.ValueKind != JsonValueKind.Object)
            return Results.Json(new { error_message = "metadata must be an object" }, statusCode: 400);
        if (json.TryGetProperty("retell_llm_dynamic_variables", out var v)
            && (v.ValueKind != JsonValueKind.Object || v.EnumerateObject().Any(p => p.Value.ValueKind != JsonValueKind.String)))
            return Results.Json(new { error_message = "retell_llm_dynamic_variables values must be strings" }, statusCode: 400);
        return null;
    }
}
