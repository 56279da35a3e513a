using System.Net;
using Callvia.Api.Hosting;
using Callvia.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Callvia.Api.Tests;

/// <summary>Depth and cost limits, page-size cap, rate limits per caller and per IP (429 with Retry-After).</summary>
[Collection(ApiCollection.Name)]
public sealed class ProtectionShould(ApiFixture fixture)
{
    [Fact]
    public async Task Refuse_a_too_deep_query_before_running_it()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(tenant.Slug);
        var (token, _) = await api.RequestTokenAsync(tenant.PartnerClientId, tenant.PartnerSecret);
        // depth 14: leads, edges, node, then six hops between a call and its lead, then id
        var deep = "{ leads(first: 1) { edges { node { lastCall { lead { lastCall { lead { lastCall { lead { lastCall { lead { lastCall { lead { id } } } } } } } } } } } } } }";

        var (status, body) = await api.GraphQLAsync(deep, bearer: token);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("nested", body.GetProperty("errors")[0].GetProperty("message").GetString());
        // a normal page with its navigations is well within the limits
        var (ok, _) = await api.GraphQLAsync("{ leads(first: 100) { totalCount edges { node { id campaign { name } lastCall { status } lastAppointment { startsAt } } } } }", bearer: token);
        Assert.Equal(HttpStatusCode.OK, ok);
    }

    [Fact]
    public async Task Answer_429_with_Retry_After_past_a_callers_budget_and_leave_other_callers_alone()
    {
        var clock = new FakeTimeProvider(SomeMinute().AddSeconds(15));
        await using var limited = await StartLimitedAsync(clock, perToken: 3, perIp: 1000);
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var apiA = limited.CreateClient(a.Slug);
        using var apiB = limited.CreateClient(b.Slug);
        var (tokenA, _) = await apiA.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        var (tokenB, _) = await apiB.RequestTokenAsync(b.PartnerClientId, b.PartnerSecret);

        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await apiA.GraphQLAsync("{ client { id } }", bearer: tokenA)).Status);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/graphql") { Content = new StringContent("{\"query\":\"{ client { id } }\"}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", tokenA);
        using var refused = await apiA.SendAsync(request);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(45), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("RATE_LIMITED", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await apiB.GraphQLAsync("{ client { id } }", bearer: tokenB)).Status);

        // the next minute is a new window
        clock.Advance(TimeSpan.FromSeconds(45));
        Assert.Equal(HttpStatusCode.OK, (await apiA.GraphQLAsync("{ client { id } }", bearer: tokenA)).Status);
    }

    [Fact]
    public async Task Answer_429_past_an_IP_addresss_budget_even_without_a_token()
    {
        var clock = new FakeTimeProvider(SomeMinute().AddSeconds(50));
        await using var limited = await StartLimitedAsync(clock, perToken: 1000, perIp: 2);
        var tenant = await fixture.CreateTenantAsync();
        using var api = limited.CreateClient(tenant.Slug);

        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GraphQLAsync("{ client { id } }")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.GraphQLAsync("{ client { id } }")).Status);
        var (status, body) = await api.GraphQLAsync("{ client { id } }");

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Equal("RATE_LIMITED", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    /// <summary>A minute of its own (the counters live in the shared Redis, keyed by window).</summary>
    private static DateTimeOffset SomeMinute() => new DateTimeOffset(2031, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(Random.Shared.Next(5_000_000));

    private Task<RunningApp> StartLimitedAsync(FakeTimeProvider clock, int perToken, int perIp) =>
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
