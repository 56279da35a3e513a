using System.Net;
using System.Text.Json;
using Callvia.Api.Campaigns;
using Callvia.Api.GraphQL;
using Callvia.Api.Tenancy;
using Callvia.Testing;
using Xunit;

namespace Callvia.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class GraphQLIsolationShould(ApiFixture fixture)
{
    private const string HomeQuery = "{ client { id name slug timeZone } campaigns { nodes { id name status } } }";

    [Fact]
    public async Task Answer_the_client_and_its_campaigns_for_a_partner_token()
    {
        var a = await fixture.CreateTenantAsync();
        await fixture.CreateTenantAsync(); // another tenant exists and must not show
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);

        var (status, body) = await api.GraphQLAsync(HomeQuery, bearer: token);

        Assert.Equal(HttpStatusCode.OK, status);
        var data = body.GetProperty("data");
        Assert.Equal(a.Slug, data.GetProperty("client").GetProperty("slug").GetString());
        Assert.Equal(a.Name, data.GetProperty("client").GetProperty("name").GetString());
        Assert.Equal(GlobalId.Encode(ClientGraphType.TypeName, a.Id), data.GetProperty("client").GetProperty("id").GetString());
        Assert.Equal(a.CampaignNames.Order(), data.GetProperty("campaigns").GetProperty("nodes").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order());
        Assert.All(data.GetProperty("campaigns").GetProperty("nodes").EnumerateArray(), c => Assert.Equal("ACTIVE", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Resolve_another_tenants_ids_to_nothing_with_a_token()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        await AssertBIsUnreachable(api, a, b, token);
    }

    [Fact]
    public async Task Resolve_another_tenants_ids_to_nothing_with_a_portal_session()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(a.Slug, cookies);
        Assert.Equal(HttpStatusCode.Redirect, (await portal.SignInAsync(a.AdminEmail, a.Password)).StatusCode);
        // the portal's session cookie is read by the API on the same host (shared key ring)
        using var api = fixture.Api.CreateClient(a.Slug, cookies);
        await AssertBIsUnreachable(api, a, b, bearer: null);
    }

    [Fact]
    public async Task Reach_nothing_of_B_through_the_billing_reads_and_the_lead_and_appointment_mutations_with_a_portal_session()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var apiB = fixture.Api.CreateClient(b.Slug);
        var (tokenB, _) = await apiB.RequestTokenAsync(b.PartnerClientId, b.PartnerSecret);
        var (_, theirs) = await apiB.GraphQLAsync("{ invoices { nodes { id } } milestones { id } usageRecords { nodes { id } } appointments { nodes { id } } leads { nodes { id } } }", bearer: tokenB);
        var data = theirs.GetProperty("data");
        string Id(string field) => (data.GetProperty(field).ValueKind == JsonValueKind.Array ? data.GetProperty(field) : data.GetProperty(field).GetProperty("nodes"))[0].GetProperty("id").GetString()!;
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(a.Slug, cookies);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        using var api = fixture.Api.CreateClient(a.Slug, cookies);

        var (status, body) = await api.GraphQLAsync("""
            query($i: ID!, $m: ID!, $u: ID!, $l: ID!) { i: node(id: $i) { id } m: node(id: $m) { id } u: node(id: $u) { id } l: lead(id: $l) { calls { id } appointments { id } }
              invoices { nodes { id } } milestones { id } usageRecords { nodes { id } } campaigns { nodes { name } } }
            """, new { i = Id("invoices"), m = Id("milestones"), u = Id("usageRecords"), l = Id("leads") });
        var verify = await api.GraphQLAsync("mutation($id: ID!) { verifyAppointment(id: $id, showed: true) { errors { code } } }", new { id = Id("appointments") });
        var upsert = await api.GraphQLAsync("mutation($id: ID!) { upsertLead(input: { id: $id, firstName: \"Mallory\" }) { errors { code } } }", new { id = Id("leads") });

        Assert.Equal(HttpStatusCode.OK, status);
        var mine = body.GetProperty("data");
        foreach (var field in new[] { "i", "m", "u", "l" }) Assert.Equal(JsonValueKind.Null, mine.GetProperty(field).ValueKind);
        Assert.Single(mine.GetProperty("invoices").GetProperty("nodes").EnumerateArray());
        Assert.Single(mine.GetProperty("milestones").EnumerateArray());
        Assert.Equal(a.CampaignNames.Order(), mine.GetProperty("campaigns").GetProperty("nodes").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order());
        foreach (var id in new[] { Id("invoices"), Id("milestones"), Id("usageRecords") }) Assert.DoesNotContain(id, body.ToString());
        Assert.Equal("NOT_FOUND", verify.Body.GetProperty("data").GetProperty("verifyAppointment").GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("NOT_FOUND", upsert.Body.GetProperty("data").GetProperty("upsertLead").GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM appointments WHERE client_id = '{b.Id}' AND client_answer IS NOT NULL"));
        Assert.Equal(0, await fixture.CountAsync($"SELECT count(*) FROM leads WHERE client_id = '{b.Id}' AND first_name = 'Mallory'"));
    }

    [Fact]
    public async Task Refuse_a_token_of_A_on_the_host_of_B()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        using var apiA = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await apiA.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        using var apiB = fixture.Api.CreateClient(b.Slug);

        var (status, body) = await apiB.GraphQLAsync(HomeQuery, bearer: token);

        Assert.Contains(status, new[] { HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden });
        Assert.False(body.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object);
        Assert.DoesNotContain(b.Name, body.ToString());
    }

    [Fact]
    public async Task Refuse_a_session_cookie_of_A_replayed_on_the_host_of_B()
    {
        var a = await fixture.CreateTenantAsync();
        var b = await fixture.CreateTenantAsync();
        var cookies = new CookieContainer();
        using var portal = fixture.Portal.CreateClient(a.Slug, cookies);
        await portal.SignInAsync(a.AdminEmail, a.Password);
        var session = cookies.GetCookies(fixture.Portal.HostUri(a.Slug))[Web.Identity.IdentityRegistration.SessionCookieName]!;

        // a browser would never send it to B's host; copy it there by hand
        var stolen = new CookieContainer();
        stolen.Add(new Cookie(session.Name, session.Value, "/", $"{b.Slug}.localhost"));
        using var apiB = fixture.Api.CreateClient(b.Slug, stolen);
        var (status, body) = await apiB.GraphQLAsync(HomeQuery);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("FORBIDDEN", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
        Assert.DoesNotContain(b.Name, body.ToString());
    }

    [Fact]
    public async Task Answer_401_in_graphql_shape_without_credentials()
    {
        var a = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (status, body) = await api.GraphQLAsync(HomeQuery);
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("UNAUTHENTICATED", body.GetProperty("errors")[0].GetProperty("extensions").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Answer_400_for_a_document_that_does_not_parse_or_validate()
    {
        var a = await fixture.CreateTenantAsync();
        using var api = fixture.Api.CreateClient(a.Slug);
        var (token, _) = await api.RequestTokenAsync(a.PartnerClientId, a.PartnerSecret);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GraphQLAsync("{ client { ", bearer: token)).Status);
        var (status, body) = await api.GraphQLAsync("{ client { noSuchField } }", bearer: token);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("noSuchField", body.GetProperty("errors")[0].GetProperty("message").GetString());
    }

    private static async Task AssertBIsUnreachable(HttpClient api, TestTenant a, TestTenant b, string? bearer)
    {
        var (status, body) = await api.GraphQLAsync(HomeQuery, bearer: bearer);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(a.Slug, body.GetProperty("data").GetProperty("client").GetProperty("slug").GetString());

        // lists: A's own set-up message only (its lead's last name is A's slug), none of B's
        var messages = (await api.GraphQLAsync("{ messages(first: 100) { totalCount nodes { lead { lastName } } } }", bearer: bearer)).Body.GetProperty("data").GetProperty("messages");
        Assert.Equal(1, messages.GetProperty("totalCount").GetInt32());
        Assert.All(messages.GetProperty("nodes").EnumerateArray(), m => Assert.Equal(a.Slug, m.GetProperty("lead").GetProperty("lastName").GetString()));

        const string byId = "query($c: ID!, $n: ID!, $k: ID!) { campaign(id: $c) { id name } byNode: node(id: $n) { id } client: node(id: $k) { id } }";
        var own = await api.GraphQLAsync(byId, new
        {
            c = GlobalId.Encode(CampaignGraphType.TypeName, a.CampaignIds[0]),
            n = GlobalId.Encode(CampaignGraphType.TypeName, a.CampaignIds[1]),
            k = GlobalId.Encode(ClientGraphType.TypeName, a.Id),
        }, bearer);
        Assert.Equal(a.CampaignNames[0], own.Body.GetProperty("data").GetProperty("campaign").GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Object, own.Body.GetProperty("data").GetProperty("byNode").ValueKind);

        var theirs = await api.GraphQLAsync(byId, new
        {
            c = GlobalId.Encode(CampaignGraphType.TypeName, b.CampaignIds[0]),
            n = GlobalId.Encode(CampaignGraphType.TypeName, b.CampaignIds[1]),
            k = GlobalId.Encode(ClientGraphType.TypeName, b.Id),
        }, bearer);
        Assert.Equal(HttpStatusCode.OK, theirs.Status);
        var data = theirs.Body.GetProperty("data");
        Assert.Equal(JsonValueKind.Null, data.GetProperty("campaign").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("byNode").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("client").ValueKind);
        Assert.DoesNotContain(b.Name, theirs.Body.ToString());
    }
}
