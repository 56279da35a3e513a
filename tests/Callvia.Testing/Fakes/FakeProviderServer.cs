using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Callvia.Testing.Fakes;

/// <summary>One request a fake provider received, as it came over the wire.</summary>
public sealed record ReceivedRequest(string Method, string Path, string? Authorization, string? ContentType, string RawBody, int AnsweredStatus)
{
    /// <summary>When it arrived (wall clock).</summary>
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;

    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(RawBody);
}

/// <summary>
/// A provider's API as a real HTTP server on 127.0.0.1 (Kestrel, a free port): it checks the auth header and the
/// request's shape as the provider's contract says, records every request, and fails on demand.
/// </summary>
public abstract class FakeProviderServer : IAsyncDisposable
{
    private WebApplication? _app;
    private readonly ConcurrentQueue<(int Status, string Body)> _failures = new();
    private readonly ConcurrentQueue<ReceivedRequest> _received = new();

    public string BaseUrl { get; private set; } = "";
    public IReadOnlyList<ReceivedRequest> Received => _received.ToArray();

    /// <summary>The next <paramref name="times"/> requests (after the auth check) answer this status and body.</summary>
    public void FailNext(int status, string body, int times = 1)
    {
        for (var i = 0; i < times; i++) _failures.Enqueue((status, body));
    }

    private readonly ConcurrentQueue<TimeSpan> _delays = new();

    /// <summary>The next <paramref name="times"/> requests are answered only after <paramref name="delay"/> (a provider slower than our timeout).</summary>
    public void DelayNext(TimeSpan delay, int times = 1)
    {
        for (var i = 0; i < times; i++) _delays.Enqueue(delay);
    }

    protected abstract void Map(WebApplication app);

    /// <param name="port">0: a free port.</param>
    protected async Task StartAsync(int port = 0)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        Map(_app);
        await _app.StartAsync();
        BaseUrl = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/";
    }

    /// <summary>Reads and records the request; returns a forced failure if one is queued.</summary>
    protected async Task<(string Body, IResult? Forced)> ReceiveAsync(HttpContext http, Func<string, IResult?> check)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync();
        var result = check(body);
        if (result is null && _failures.TryDequeue(out var failure))
            result = Results.Content(failure.Body, "application/json", statusCode: failure.Status);
        var status = result is IStatusCodeHttpResult s ? s.StatusCode ?? 200 : 0;
        _received.Enqueue(new ReceivedRequest(http.Request.Method, http.Request.Path, http.Request.Headers.Authorization.ToString(),
            http.Request.ContentType, body, result is null ? SuccessStatus : status));
        // recorded on arrival, answered late: the caller gave up, the provider still got it
        if (_delays.TryDequeue(out var delay)) await Task.Delay(delay);
        return (body, result);
    }

    protected abstract int SuccessStatus { get; }

    protected static JsonElement? Parse(string body)
    {
        try { return JsonSerializer.Deserialize<JsonElement>(body); }
        catch (JsonException) { return null; }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
