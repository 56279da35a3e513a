using System.Net;
using System.Net.WebSockets;
using Callvia.Api.Hosting;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>The WebSocket transport keeps the HTTP API's protections: rate limits, and no socket outliving its token.</summary>
[Collection(ApiCollection.Name)]
public sealed class GraphQLWebSocketProtectionShould(ApiFixture fixture)
{
    [Fact]
    public async Task Close_the_socket_with_4403_when_its_token_expires()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = await StartAsync(clock, perToken: 1000, perIp: 1000);
        var tenant = await fixture.CreateTenantAsync();
        using var api = app.CreateClient(tenant.Slug);
        var token = await api.TokenAsync(tenant);
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(app, tenant.Slug, token);

        // still open within the token's hour
        clock.Advance(TimeSpan.FromMinutes(59));
        await ws.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (await ws.NextAsync()).GetProperty("type").GetString());

        clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal((4403, "Token expired"), await ws.ClosedAsync());
    }

    [Fact]
    public async Task Count_operations_on_the_socket_against_the_callers_budget_and_refuse_connecting_past_it()
    {
        var clock = new FakeTimeProvider(SomeMinute().AddSeconds(20));
        await using var app = await StartAsync(clock, perToken: 3, perIp: 1000);
        var tenant = await fixture.CreateTenantAsync();
        using var api = app.CreateClient(tenant.Slug);
        var token = await api.TokenAsync(tenant); // the token endpoint is not GraphQL: not counted
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(app, tenant.Slug, token); // 1

        await ws.SubscribeAsync("1", "{ client { id } }"); // 2
        Assert.Equal("next", (await ws.NextAsync()).GetProperty("type").GetString());
        Assert.Equal("complete", (await ws.NextAsync()).GetProperty("type").GetString());
        await ws.SubscribeAsync("2", "{ client { id } }"); // 3
        Assert.Equal("next", (await ws.NextAsync()).GetProperty("type").GetString());
        Assert.Equal("complete", (await ws.NextAsync()).GetProperty("type").GetString());

        await ws.SubscribeAsync("3", "{ client { id } }"); // over: an error for that operation, the socket stays
        var refused = await ws.NextAsync();
        Assert.Equal("error", refused.GetProperty("type").GetString());
        Assert.Equal("3", refused.GetProperty("id").GetString());
        var error = refused.GetProperty("payload")[0];
        Assert.Equal("RATE_LIMITED", error.GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal(40, error.GetProperty("extensions").GetProperty("retryAfter").GetInt32());
        await ws.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (await ws.NextAsync()).GetProperty("type").GetString());

        // a new connection of the same caller is closed at connection_init with 1013 (try again later)
        await using var second = await GraphQLWsClient.ConnectAsync(app, tenant.Slug);
        await second.SendAsync(new { type = "connection_init", payload = new { Authorization = "Bearer " + token } });
        Assert.Equal((1013, "Rate limited: retry in 40 s"), await second.ClosedAsync());

        // the next window is a new budget
        clock.Advance(TimeSpan.FromSeconds(40));
        await ws.SubscribeAsync("4", "{ client { id } }");
        Assert.Equal("next", (await ws.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Answer_a_connection_attempt_past_the_IP_budget_with_429_before_the_upgrade()
    {
        var clock = new FakeTimeProvider(SomeMinute().AddSeconds(30));
        await using var app = await StartAsync(clock, perToken: 1000, perIp: 1);
        var tenant = await fixture.CreateTenantAsync();
        await using (await GraphQLWsClient.ConnectAsync(app, tenant.Slug)) { } // 1: allowed

        using var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(GraphQLWsClient.Subprotocol);
        socket.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => socket.ConnectAsync(
            new Uri($"ws://{tenant.Slug}.{CallviaFixture.RootDomain}:{app.Port}/graphql"),
            new HttpMessageInvoker(RunningApp.LoopbackHandler(new CookieContainer())), CancellationToken.None));
        Assert.Equal(HttpStatusCode.TooManyRequests, socket.HttpStatusCode);
        Assert.Equal("30", socket.HttpResponseHeaders?["Retry-After"].Single());
    }

    /// <summary>A minute of its own (the counters live in the shared Redis, keyed by window).</summary>
    private static DateTimeOffset SomeMinute() => new DateTimeOffset(2032, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(5_000_000));

    private Task<RunningApp> StartAsync(FakeTimeProvider clock, int perToken, int perIp) =>
        RunningApp.StartAsync((args, configure) => ApiApp.Build(args, b =>
        {
            configure?.Invoke(b);
            b.Services.AddSingleton<TimeProvider>(clock);
        }), fixture.Settings.Concat(new Dictionary<string, string?>
        {
            ["RateLimits:PerTokenPerMinute"] = perToken.ToString(),
            ["RateLimits:PerIpPerMinute"] = perIp.ToString(),
        }).ToDictionary());
}
