using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Callvia.Api.Hosting;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using Xunit;
using Xunit.Abstractions;

namespace Callvia.Api.Tests;

/// <summary>The graphql-transport-ws protocol at /graphql, against the running API, over real sockets.</summary>
[Collection(ApiCollection.Name)]
public sealed class GraphQLWebSocketShould(ApiFixture fixture, ITestOutputHelper output)
{
    private async Task<(TestTenant Tenant, string Token)> TenantWithTokenAsync()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        return (tenant, await api.TokenAsync(tenant));
    }

    [Fact]
    public async Task Acknowledge_a_valid_token_and_answer_ping_with_pong()
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);
        Assert.Equal(GraphQLWsClient.Subprotocol, ws.NegotiatedSubprotocol);

        await ws.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (await ws.NextAsync()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("token")]
    [InlineData("authorization")]
    public async Task Accept_the_token_under_the_other_payload_keys(string key)
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug);
        await ws.SendTextAsync(JsonSerializer.Serialize(new { type = "connection_init", payload = new Dictionary<string, string> { [key] = key == "token" ? token : "Bearer " + token } }));
        Assert.Equal("connection_ack", (await ws.NextAsync()).GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("""{"type":"connection_init"}""")]
    [InlineData("""{"type":"connection_init","payload":{}}""")]
    [InlineData("""{"type":"connection_init","payload":{"Authorization":"Bearer not-a-token"}}""")]
    [InlineData("""{"type":"connection_init","payload":{"Authorization":""}}""")]
    public async Task Close_4403_without_a_valid_credential(string init)
    {
        var a = await fixture.CreateTenantAsync();
        await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug);
        await ws.SendTextAsync(init);
        Assert.Equal((4403, "Forbidden"), await ws.ClosedAsync());
    }

    [Fact]
    public async Task Close_4403_for_a_token_of_A_on_the_host_of_B()
    {
        var (_, tokenA) = await TenantWithTokenAsync();
        var b = await fixture.CreateTenantAsync();
        await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, b.Slug);
        await ws.SendAsync(new { type = "connection_init", payload = new { Authorization = "Bearer " + tokenA } });
        Assert.Equal((4403, "Forbidden"), await ws.ClosedAsync());
    }

    [Fact]
    public async Task Accept_the_portal_session_cookie_of_the_upgrade_request()
    {
        var a = await fixture.CreateTenantAsync();
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(a.Slug, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(a.AdminEmail, a.Password)).StatusCode);

        await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug, cookies: cookies);
        await ws.SendAsync(new { type = "connection_init" });
        Assert.Equal("connection_ack", (await ws.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Close_4406_without_the_subprotocol()
    {
        var a = await fixture.CreateTenantAsync();
        await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug, subprotocol: null);
        Assert.Equal((4406, "Subprotocol not acceptable"), await ws.ClosedAsync());
    }

    [Fact]
    public async Task Close_4401_on_subscribe_before_the_ack()
    {
        var a = await fixture.CreateTenantAsync();
        await using var ws = await GraphQLWsClient.ConnectAsync(fixture.Api, a.Slug);
        await ws.SubscribeAsync("1", "{ client { name } }");
        Assert.Equal((4401, "Unauthorized"), await ws.ClosedAsync());
    }

    [Fact]
    public async Task Close_4429_on_a_second_connection_init()
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);
        await ws.SendAsync(new { type = "connection_init", payload = new { Authorization = "Bearer " + token } });
        Assert.Equal((4429, "Too many initialisation requests"), await ws.ClosedAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"subscribe","payload":{"query":"{ client { name } }"}}""")]
    [InlineData("""{"id":"1","type":"subscribe"}""")]
    [InlineData("""{"type":"next","id":"1","payload":{}}""")]
    [InlineData("""{"no":"type"}""")]
    public async Task Close_4400_on_an_invalid_message(string message)
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);
        await ws.SendTextAsync(message);
        Assert.Equal(4400, (await ws.ClosedAsync()).Code);
    }

    [Fact]
    public async Task Close_4409_for_a_duplicate_subscription_id()
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);
        await ws.SubscribeAsync("kpis", "subscription { kpisUpdated { leads } }");
        Assert.Equal("next", (await ws.NextAsync()).GetProperty("type").GetString());
        await ws.SubscribeAsync("kpis", "subscription { kpisUpdated { leads } }");
        Assert.Equal((4409, "Subscriber for kpis already exists"), await ws.ClosedAsync());
    }

    [Fact]
    public async Task Close_4408_when_connection_init_does_not_come_in_time()
    {
        await using var api = await fixture.StartAsync(ApiApp.Build, new Dictionary<string, string?> { ["GraphQL:ConnectionInitTimeout"] = "00:00:00.300" });
        var a = await fixture.CreateTenantAsync();
        await using var ws = await GraphQLWsClient.ConnectAsync(api, a.Slug);
        var watch = Stopwatch.StartNew();
        Assert.Equal((4408, "Connection initialisation timeout"), await ws.ClosedAsync());
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Run_a_query_and_a_mutation_over_the_socket_as_one_next_then_complete()
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);

        await ws.SubscribeAsync("q", "query Home($s: CampaignStatus) { client { slug } campaigns(status: $s) { nodes { name } } }", new { s = "ACTIVE" });
        var next = await ws.NextAsync();
        Assert.Equal(("next", "q"), (next.GetProperty("type").GetString(), next.GetProperty("id").GetString()));
        Assert.Equal(a.Slug, next.GetProperty("payload").GetProperty("data").GetProperty("client").GetProperty("slug").GetString());
        Assert.Equal(a.CampaignNames.Order(), next.GetProperty("payload").GetProperty("data").GetProperty("campaigns").GetProperty("nodes").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order());
        var complete = await ws.NextAsync();
        Assert.Equal(("complete", "q"), (complete.GetProperty("type").GetString(), complete.GetProperty("id").GetString()));

        // the id is free again once completed; a mutation runs too
        await ws.SubscribeAsync("q", "mutation { startLeadImport(campaignId: \"nope\") { errors { code } } }");
        next = await ws.NextAsync();
        Assert.Equal("next", next.GetProperty("type").GetString());
        Assert.Equal("NOT_FOUND", next.GetProperty("payload").GetProperty("data").GetProperty("startLeadImport").GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("complete", (await ws.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Answer_error_for_a_document_that_does_not_validate()
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);
        await ws.SubscribeAsync("bad", "{ nope }");
        var error = await ws.NextAsync();
        Assert.Equal(("error", "bad"), (error.GetProperty("type").GetString(), error.GetProperty("id").GetString()));
        Assert.Contains("nope", error.GetProperty("payload")[0].GetProperty("message").GetString());
        // the socket stays usable
        await ws.SendAsync(new { type = "ping" });
        Assert.Equal("pong", (await ws.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Refuse_a_bad_kpisUpdated_argument_with_a_validation_error()
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);
        await ws.SubscribeAsync("k", "subscription { kpisUpdated(from: \"2026-02-01T00:00:00Z\", to: \"2026-01-01T00:00:00Z\") { leads } }");
        var next = await ws.NextAsync();
        Assert.Equal("next", next.GetProperty("type").GetString());
        Assert.Equal("VALIDATION", next.GetProperty("payload").GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.Equal("complete", (await ws.NextAsync()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task Refuse_a_subscription_over_HTTP()
    {
        var (a, token) = await TenantWithTokenAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (status, body) = await api.GraphQLAsync("subscription { kpisUpdated { leads } }", bearer: token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("WebSocket", body.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Push_a_snapshot_at_once_and_another_within_a_second_of_an_import_on_another_instance()
    {
        var (a, token) = await TenantWithTokenAsync();
        await using var api2 = await fixture.StartAsync(ApiApp.Build);
        using var client2 = api2.CreateClient(a.Slug);
        // tokens name their issuer (host and port): instance 2 gets its own, as it would behind one public host
        var token2 = await client2.TokenAsync(a);
        await WarmAsync(client2, token2);
        // a first import on the fresh instance pays its JIT: the measured one is the steady state
        Assert.Equal(HttpStatusCode.OK, (await client2.ImportAsync(token2, a.CampaignIds[1], "Phone\n(212) 555-0170\n")).Response.StatusCode);

        await using var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);
        await ws.SubscribeAsync("kpis", "subscription { kpisUpdated { leads } }");
        var before = Leads(await ws.NextAsync(), "kpis");

        var watch = Stopwatch.StartNew();
        var (response, _) = await client2.ImportAsync(token2, a.CampaignIds[1], "Phone\n(212) 555-0175\n(212) 555-0176\n");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var update = await ws.NextAsync(TimeSpan.FromSeconds(5));
        watch.Stop();
        output.WriteLine($"import on instance 2 → snapshot on instance 1: {watch.ElapsedMilliseconds} ms");
        Assert.Equal(before + 2, Leads(update, "kpis"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"the update took {watch.ElapsedMilliseconds} ms");

        // complete stops the subscription: a later change sends nothing
        await ws.SendAsync(new { id = "kpis", type = "complete" });
        await client2.ImportAsync(token2, a.CampaignIds[1], "Phone\n(212) 555-0177\n");
        Assert.Null(await ws.TryNextAsync(TimeSpan.FromMilliseconds(800)));
    }

    [Fact]
    public async Task Never_push_another_tenants_change()
    {
        var (a, tokenA) = await TenantWithTokenAsync();
        var (b, tokenB) = await TenantWithTokenAsync();
        await using var api2 = await fixture.StartAsync(ApiApp.Build);
        using var clientA = api2.CreateClient(a.Slug);
        using var clientB = api2.CreateClient(b.Slug);
        var tokenA2 = await clientA.TokenAsync(a);
        var tokenB2 = await clientB.TokenAsync(b);
        await WarmAsync(clientB, tokenB2);
        await clientB.ImportAsync(tokenB2, b.CampaignIds[1], "Phone\n(212) 555-0170\n");

        await using var wsA = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, tokenA);
        await using var wsB = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, b.Slug, tokenB);
        await wsA.SubscribeAsync("1", "subscription { kpisUpdated { leads } }");
        await wsB.SubscribeAsync("1", "subscription { kpisUpdated { leads } }");
        var leadsA = Leads(await wsA.NextAsync(), "1");
        var leadsB = Leads(await wsB.NextAsync(), "1");

        await clientB.ImportAsync(tokenB2, b.CampaignIds[1], "Phone\n(212) 555-0175\n");
        Assert.Equal(leadsB + 1, Leads(await wsB.NextAsync(), "1"));   // B's change was published and pushed to B...
        Assert.Null(await wsA.TryNextAsync(TimeSpan.FromMilliseconds(700)));   // ...and never to A

        await clientA.ImportAsync(tokenA2, a.CampaignIds[1], "Phone\n(212) 555-0180\n(212) 555-0181\n(212) 555-0182\n");
        Assert.Equal(leadsA + 3, Leads(await wsA.NextAsync(), "1"));
        Assert.Null(await wsB.TryNextAsync(TimeSpan.FromMilliseconds(500)));
    }

    [Fact]
    public async Task Unsubscribe_from_the_tenants_Redis_channel_on_complete_and_when_the_socket_closes()
    {
        var (a, token) = await TenantWithTokenAsync();
        var redis = fixture.Services.GetRequiredService<IConnectionMultiplexer>();
        var channel = Core.Tenancy.KpiNotifier.Channel(a.Id);
        async Task<long> Listeners()
        {
            var reply = (RedisResult[])(await redis.GetDatabase().ExecuteAsync("PUBSUB", "NUMSUB", (string)channel!))!;
            return (long)reply[1];
        }
        async Task WaitForListeners(long expected)
        {
            var deadline = Stopwatch.StartNew();
            while (await Listeners() != expected && deadline.Elapsed < TimeSpan.FromSeconds(5)) await Task.Delay(50);
            Assert.Equal(expected, await Listeners());
        }

        var ws = await GraphQLWsClient.ConnectAckedAsync(fixture.Api, a.Slug, token);
        await ws.SubscribeAsync("1", "subscription { kpisUpdated { leads } }");
        await ws.NextAsync();
        await WaitForListeners(1);
        await ws.SendAsync(new { id = "1", type = "complete" });
        await WaitForListeners(0);

        await ws.SubscribeAsync("1", "subscription { kpisUpdated { leads } }");
        await ws.NextAsync();
        await WaitForListeners(1);
        await ws.DisposeAsync();
        await WaitForListeners(0);
    }

    [Fact]
    public async Task Serve_the_IDE_page_to_signed_in_users_only()
    {
        var a = await fixture.CreateTenantAsync();
        using var anonymous = fixture.Api.CreateClient(a.Slug);
        var refused = await anonymous.GetAsync("/graphql/ide");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Null(refused.Headers.Location);
        var (b, tokenB) = await TenantWithTokenAsync();
        using var otherClient = new HttpRequestMessage(HttpMethod.Get, "/graphql/ide") { Headers = { Authorization = new("Bearer", tokenB) } };
        var other = await anonymous.SendAsync(otherClient);   // another client's token: refused, not redirected
        Assert.Equal(HttpStatusCode.Unauthorized, other.StatusCode);
        Assert.Null(other.Headers.Location);

        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(a.Slug, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(a.AdminEmail, a.Password)).StatusCode);
        using var api = fixture.Api.CreateClient(a.Slug, cookies);
        var page = await api.GetAsync("/graphql/ide");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("fetch('/graphql'", html);
        Assert.DoesNotContain("https://", html);   // self-contained: nothing loaded from elsewhere
    }

    private static int Leads(JsonElement message, string id)
    {
        Assert.Equal(("next", id), (message.GetProperty("type").GetString(), message.GetProperty("id").GetString()));
        return message.GetProperty("payload").GetProperty("data").GetProperty("kpisUpdated").GetProperty("leads").GetInt32();
    }

    /// <summary>A new instance's first token validation and import pay start-up costs: pay them before measuring.</summary>
    private static async Task WarmAsync(HttpClient api, string token)
    {
        var (status, _) = await api.GraphQLAsync("{ client { name } }", bearer: token);
        Assert.Equal(HttpStatusCode.OK, status);
    }
}
