using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Callvia.Core.Tenancy;
using Callvia.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class TenantHostsShould(ApiFixture fixture)
{
    [Theory]
    [InlineData("nobody-here")]  // no such client
    [InlineData("www")]          // reserved for the platform
    [InlineData("api")]
    public async Task Answer_404_problem_json_for_a_host_that_is_not_a_client(string slug)
    {
        using var api = fixture.Api.CreateClient(slug);
        var response = await api.PostAsync("/graphql", JsonContent.Create(new { query = "{ client { name } }" }));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Answer_404_on_a_host_outside_the_root_domain()
    {
        using var http = new HttpClient(RunningApp.LoopbackHandler(new CookieContainer()));
        var response = await http.GetAsync(fixture.Api.BareUri + "graphql?query={client{name}}");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Answer_health_checks_on_any_host_with_postgres_and_redis_reachable()
    {
        using var http = new HttpClient(RunningApp.LoopbackHandler(new CookieContainer()));
        var health = await http.GetAsync(fixture.Api.BareUri + "health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(fixture.Api.BareUri + "alive")).StatusCode);
    }

    [Fact]
    public async Task Refuse_a_suspended_client_with_403()
    {
        var a = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        await fixture.Services.GetRequiredService<AgencyAccess>().RunAsync("test.suspend", async (db, _) =>
        {
            var client = await db.Clients.SingleAsync(c => c.Id == a.Id);
            client.Status = ClientStatus.Suspended;
            await db.SaveChangesAsync();
        }, actor: "test");
        fixture.Api.Services.GetRequiredService<TenantStore>().Invalidate(new TenantInfo(a.Id, a.Slug, a.Name, ClientStatus.Active, "UTC"));

        var (status, body) = await api.GraphQLAsync("{ client { name } }", bearer: token);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("Client suspended", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Refuse_a_tenant_token_on_the_agency_host()
    {
        var a = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        using var admin = fixture.Api.CreateClient("admin");
        var (status, body) = await admin.GraphQLAsync("{ client { name } }", bearer: token);
        Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.False(body.TryGetProperty("data", out var d) && d.ValueKind == JsonValueKind.Object);
    }
}
