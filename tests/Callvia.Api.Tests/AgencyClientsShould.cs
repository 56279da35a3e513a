using System.Net;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AgencyClientsShould(ApiFixture fixture)
{
    private const string Clients = "query($search: String, $after: String) { clients(first: 1, search: $search, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name slug } } } }";

    [Fact]
    public async Task List_every_client_for_an_agency_admin_and_audit_it()
    {
        await TestData.EnsureAgencyAdminAsync(fixture.Services);
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var cookies = new CookieContainer();
        using var console = fixture.Portal.CreateClient("admin", cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(TestData.AgencyAdminEmail, TestData.Password)).StatusCode);
        using var api = fixture.Api.CreateClient("admin", cookies);
        var audits = await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'graphql.clients'");

        // both test tenants share the name prefix "Client t"; search by each slug, then page through a shared search
        foreach (var tenant in new[] { a, b })
        {
            var (status, body) = await api.GraphQLAsync(Clients, new { search = tenant.Slug });
            Assert.Equal(HttpStatusCode.OK, status);
            var page = body.GetProperty("data").GetProperty("clients");
            Assert.Equal(1, page.GetProperty("totalCount").GetInt32());
            Assert.Equal(tenant.Slug, page.GetProperty("edges")[0].GetProperty("node").GetProperty("slug").GetString());
        }
        var (_, firstPage) = await api.GraphQLAsync(Clients, new { search = "Client t" });
        var clients = firstPage.GetProperty("data").GetProperty("clients");
        Assert.True(clients.GetProperty("totalCount").GetInt32() >= 2);
        var (_, secondPage) = await api.GraphQLAsync(Clients, new { search = "Client t", after = clients.GetProperty("pageInfo").GetProperty("endCursor").GetString() });
        Assert.NotEqual(clients.GetProperty("edges")[0].GetProperty("node").GetProperty("slug").GetString(),
            secondPage.GetProperty("data").GetProperty("clients").GetProperty("edges")[0].GetProperty("node").GetProperty("slug").GetString());
        Assert.Equal(audits + 4, await fixture.CountAsync("SELECT count(*) FROM audit_log WHERE action = 'graphql.clients'"));
    }

    [Fact]
    public async Task Refuse_the_client_list_to_a_partner_token_and_a_client_admin()
    {
        var a = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        var (_, byToken) = await api.GraphQLAsync(Clients, new { }, token);
        Assert.Equal("FORBIDDEN", byToken.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());

        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(a.Slug, cookies);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        using var session = fixture.Api.CreateClient(a.Slug, cookies);
        var (_, bySession) = await session.GraphQLAsync(Clients, new { });
        Assert.Equal("FORBIDDEN", bySession.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }
}
