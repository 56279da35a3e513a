using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Callvia.Sandbox.Retell;

namespace Callvia.Testing.Fakes;

/// <summary>
/// Retell's create-phone-call (contracts/retell.md): <c>POST /v2/create-phone-call</c> with <c>Authorization: Bearer {key}</c>
/// and JSON <c>{ from_number, to_number (E.164), override_agent_id?, metadata (object), retell_llm_dynamic_variables (strings) }</c>;
/// answers 201 with the call object (<c>call_status: registered</c>), 401 for a wrong key, 400 for a bad body, and on demand
/// a queued failure (429 with Retry-After, 5xx) or a delay longer than the caller waits. The request's checks and the answer are
/// the sandbox simulator's (<see cref="RetellWire"/>): the tests and the sandbox speak the same Retell.
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
        if (_delays.TryDequeue(out var delay))
        {
            try { await Task.Delay(delay, http.RequestAborted); }
            catch (OperationCanceledException) { return Results.Empty; } // the caller gave up waiting
        }
        if (forced is not null)
        {
            if (forced is IStatusCodeHttpResult { StatusCode: 429 }) http.Response.Headers.RetryAfter = "7";
            return forced;
        }
        return RetellWire.Registered("call_" + Guid.NewGuid().ToString("N"), Parse(body)!.Value);
    });

    private IResult? Check(HttpContext http, string raw) => RetellWire.Check(http.Request.Headers.Authorization.ToString(), raw, ApiKey);
}
